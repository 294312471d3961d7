import { localTimeToInstant } from './local-time';

describe('localTimeToInstant', () => {
  it('reads a wall-clock time in its zone, winter and summer', () => {
    expect(localTimeToInstant('2026-11-28T02:00', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-11-28T01:00:00.000Z',
    );
    expect(localTimeToInstant('2026-07-01T02:00:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-07-01T00:00:30.000Z',
    );
    expect(localTimeToInstant('2026-07-01T02:00', 'America/New_York')?.toISOString()).toBe(
      '2026-07-01T06:00:00.000Z',
    );
  });

  it('moves a time the clocks skip forward by the gap (spring forward)', () => {
    // Europe/Berlin 2026-03-29: 02:00 CET → 03:00 CEST; 02:30 does not exist and means 03:30 CEST.
    expect(localTimeToInstant('2026-03-29T02:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    // America/New_York 2026-03-08: 02:00 EST → 03:00 EDT.
    expect(localTimeToInstant('2026-03-08T02:30', 'America/New_York')?.toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('takes the first of a time that happens twice (fall back)', () => {
    // Europe/Berlin 2026-10-25: 03:00 CEST → 02:00 CET; 02:30 happens at 00:30Z and at 01:30Z.
    expect(localTimeToInstant('2026-10-25T02:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    // America/New_York 2026-11-01: 02:00 EDT → 01:00 EST; 01:30 happens at 05:30Z and at 06:30Z.
    expect(localTimeToInstant('2026-11-01T01:30', 'America/New_York')?.toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('answers null for dates that do not exist in the calendar', () => {
    expect(localTimeToInstant('2026-02-30T10:00', 'Europe/Berlin')).toBeNull();
    expect(localTimeToInstant('2026-04-01T24:30', 'Europe/Berlin')).toBeNull();
  });
});
