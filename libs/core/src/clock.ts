import { Injectable } from '@nestjs/common';

/**
 * The time, as services see it. Rules that depend on "now" (windows, freezes, schedules, expiry)
 * take it from here, so tests can pin it: `app.get(Clock).set(new Date(...))` on a `FixedClock`.
 */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still until moved; for tests. */
export class FixedClock extends Clock {
  constructor(private instant: Date) {
    super();
  }

  now(): Date {
    return new Date(this.instant);
  }

  set(instant: Date): void {
    this.instant = instant;
  }

  advance(milliseconds: number): void {
    this.instant = new Date(this.instant.getTime() + milliseconds);
  }
}
