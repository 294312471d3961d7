import type { FieldError } from '@opsplane/core';
import { CronExpressionParser } from 'cron-parser';

/**
 * Something that recurs: each firing of `schedule`, read in `timeZone`, opens a period lasting
 * `durationMinutes` (Argo CD sync-window semantics). Deployment windows and recurring freezes use it.
 *
 * Daylight-saving changes, as cron-parser 5 resolves them when walking forward (pinned by tests):
 * - Spring forward (Europe/Berlin 2026-03-29, 02:00 → 03:00): a firing whose hour field names the
 *   missing hour still happens, one hour later on the wall clock — `30 2 * * *` fires at 03:30 CEST
 *   (01:30 UTC), so a nightly window is not lost. With a wildcard hour (`30 * * * *`) the missing
 *   02:30 is simply skipped; 03:30 fires as usual.
 * - Fall back (Europe/Berlin 2026-10-25, 03:00 → 02:00): a named hour fires once, in the first pass
 *   (`30 2 * * *` at 02:30 CEST, 00:30 UTC, not again at 02:30 CET). A wildcard hour fires in both
 *   passes, because they are two elapsed hours.
 * - cron-parser's answer around a change depends on where iteration starts: `next()` started inside
 *   the hour after a change skips the shifted spring firing or adds a second autumn firing, and
 *   `prev()` does both from anywhere. So this module never calls `prev()`, and starts every walk
 *   before a change that lies just behind the starting instant (see `walkStart`). Every function here
 *   then sees the same firings as one walk forward from long ago.
 */
export interface RecurringPeriod {
  /** Five cron fields, minute resolution: minute hour day-of-month month day-of-week. */
  schedule: string;
  /**
   * Elapsed minutes, not wall-clock time: an 8-hour period opening at 22:00 CEST on the night the
   * clocks go back closes at 05:00 CET on the wall clock, not 06:00.
   */
  durationMinutes: number;
  /** An IANA zone such as `Europe/Berlin`; fixed offsets are refused because they ignore DST. */
  timeZone: string;
}

/** A half-open interval `[start, end)` of UTC instants. */
export interface Period {
  start: Date;
  end: Date;
}

export const MAX_DURATION_MINUTES = 7 * 24 * 60;

export const MINUTE_MS = 60_000;

/** DST shifts are at most 2 hours anywhere; a walk starting this far back is clear of the change. */
const SETTLE_MS = 3 * 60 * MINUTE_MS;

/** `+02:00`, `-0500`, `UTC+2`, `GMT-3`, `Etc/GMT-2`: offsets that never change, so never follow DST. */
const FIXED_OFFSET = /^(?:[+\-\u2212]|(?:UTC|GMT|Etc\/GMT)[+\-\u2212])/i;

/** Hashed values (`H`, `H/5`, `H(0-29)`) pick an arbitrary minute per seed; a window must say when. */
const HASHED_FIELD = /\bH\b/i;

/** Every problem of the definition, one per field, with `pathPrefix` in front of the field name. */
export function validateRecurringPeriod(definition: RecurringPeriod, pathPrefix = ''): FieldError[] {
  const problems: FieldError[] = [];
  const checks: [keyof RecurringPeriod, string | null][] = [
    ['schedule', scheduleProblem(definition.schedule)],
    ['durationMinutes', durationProblem(definition.durationMinutes)],
    ['timeZone', timeZoneProblem(definition.timeZone)],
  ];
  for (const [field, message] of checks) {
    if (message !== null) problems.push({ path: `${pathPrefix}${field}`, message });
  }
  return problems;
}

function scheduleProblem(schedule: unknown): string | null {
  if (typeof schedule !== 'string' || schedule.trim() === '') {
    return 'is required: five cron fields, e.g. "0 9 * * 1-5"';
  }
  const fields = schedule.trim().split(/\s+/);
  if (fields[0].startsWith('@')) {
    return `macros such as ${fields[0]} are not supported: write five cron fields, e.g. "0 0 * * *"`;
  }
  if (fields.length === 6) {
    return 'has 6 fields, but windows have minute resolution: write five fields (minute hour day-of-month month day-of-week) without seconds';
  }
  if (fields.length !== 5) {
    return `must have five fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  }
  if (fields.some((field) => HASHED_FIELD.test(field))) {
    return 'hashed values ("H") are not supported: they pick an arbitrary time; name the time';
  }
  try {
    // A fixed start, so validation reads no clock; next() also catches schedules that never fire.
    CronExpressionParser.parse(schedule, { tz: 'UTC', currentDate: new Date(0) }).next();
  } catch (error) {
    return `is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

function durationProblem(minutes: unknown): string | null {
  const valid =
    typeof minutes === 'number' &&
    Number.isInteger(minutes) &&
    minutes >= 1 &&
    minutes <= MAX_DURATION_MINUTES;
  return valid ? null : `must be a whole number of minutes from 1 to ${MAX_DURATION_MINUTES} (7 days)`;
}

/**
 * `Intl.supportedValuesOf('timeZone')` lists canonical names only (no `UTC`, no links such as
 * `US/Eastern` on Node 20), so ask `Intl.DateTimeFormat`, which accepts every IANA name; newer
 * engines also accept offsets there, hence the explicit check first.
 */
export function timeZoneProblem(timeZone: unknown): string | null {
  if (typeof timeZone !== 'string' || timeZone === '') {
    return 'is required: an IANA time zone such as "Europe/Berlin"';
  }
  if (FIXED_OFFSET.test(timeZone)) {
    return `"${timeZone}" is a fixed UTC offset, which ignores daylight saving: use an IANA zone such as "Europe/Berlin"`;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return `"${timeZone}" is not a known IANA time zone (e.g. "Europe/Berlin", "America/New_York", "UTC")`;
  }
  return null;
}

/**
 * The period containing `instant`, or null. When firings overlap (a period longer than the gap to
 * the next firing), it is the one that opened last, which is also the one that closes last.
 * Cost: one cron step per firing within one duration before `instant`.
 */
export function activePeriodAt(definition: RecurringPeriod, instant: Date): Period | null {
  const at = instant.getTime();
  const duration = definition.durationMinutes * MINUTE_MS;
  let latest: number | null = null;
  // A period [s, s + d) contains `at` exactly when at - d < s <= at.
  for (const firing of firingsAfter(definition, at - duration)) {
    if (firing > at) break;
    latest = firing;
  }
  return latest === null ? null : periodAt(latest, duration);
}

/**
 * The periods overlapping `[from, to)`, in order of start, the first possibly opened before `from`.
 * At most `maxCount`, so a schedule that fires every minute cannot run away.
 */
export function periodsBetween(definition: RecurringPeriod, from: Date, to: Date, maxCount = 1000): Period[] {
  const duration = definition.durationMinutes * MINUTE_MS;
  const periods: Period[] = [];
  if (maxCount < 1 || to.getTime() <= from.getTime()) return periods;
  for (const firing of firingsAfter(definition, from.getTime() - duration)) {
    if (firing >= to.getTime()) break;
    periods.push(periodAt(firing, duration));
    if (periods.length >= maxCount) break;
  }
  return periods;
}

function periodAt(start: number, duration: number): Period {
  return { start: new Date(start), end: new Date(start + duration) };
}

/** Firings strictly after `after` (ms since epoch), in order; endless, so callers break out. */
function* firingsAfter(definition: RecurringPeriod, after: number): Generator<number> {
  const cron = CronExpressionParser.parse(definition.schedule, {
    tz: definition.timeZone,
    currentDate: new Date(walkStart(definition.timeZone, after)),
  });
  for (;;) {
    const firing = cron.next().getTime();
    if (firing > after) yield firing;
  }
}

/**
 * Where to start walking so the firings after `after` are the canonical ones: just behind a DST
 * change cron-parser resolves the changed hour differently, so start before the change instead
 * and drop what precedes `after`.
 */
function walkStart(timeZone: string, after: number): number {
  const before = after - SETTLE_MS;
  return utcOffset(timeZone, before) === utcOffset(timeZone, after) ? after : before;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at `instant` as text ("GMT+02:00"); only compared, never parsed. */
function utcOffset(timeZone: string, instant: number): string {
  let format = offsetFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  return format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? '';
}
