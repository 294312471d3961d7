import {
  activePeriodAt,
  periodsBetween,
  validateRecurringPeriod,
  type RecurringPeriod,
} from './recurring-period';

const at = (iso: string): Date => new Date(iso);
const iso = (date: Date): string => date.toISOString();
const inZone = (timeZone: string) => (schedule: string, durationMinutes: number) => ({
  schedule,
  durationMinutes,
  timeZone,
});
const berlin = inZone('Europe/Berlin');
const newYork = inZone('America/New_York');

/** UTC start of every period overlapping [from, to). */
const startsBetween = (definition: RecurringPeriod, from: string, to: string): string[] =>
  periodsBetween(definition, at(from), at(to)).map((period) => iso(period.start));

// 2026: Berlin is CET (UTC+1) until 03-29 01:00Z and after 10-25 01:00Z, CEST (UTC+2) between.
// New York is EST (UTC-5) until 03-08 07:00Z and after 11-01 06:00Z, EDT (UTC-4) between.
// 2026-01-14 is a Wednesday; every DST change falls on a Sunday.

describe('validateRecurringPeriod', () => {
  it('accepts a weekday 09:00 window of 8 hours in Europe/Berlin', () => {
    expect(validateRecurringPeriod(berlin('0 9 * * 1-5', 480))).toEqual([]);
  });

  it.each(['UTC', 'America/New_York', 'US/Eastern', 'Asia/Kolkata'])(
    'accepts the IANA zone %s',
    (timeZone) => {
      expect(validateRecurringPeriod({ schedule: '0 9 * * *', durationMinutes: 60, timeZone })).toEqual([]);
    },
  );

  it('rejects a 6-field cron with seconds, because windows have minute resolution', () => {
    expect(validateRecurringPeriod(berlin('0 0 9 * * 1-5', 480))).toEqual([
      { path: 'schedule', message: expect.stringContaining('minute resolution') as string },
    ]);
  });

  it.each([
    ['an empty schedule', '', 'is required'],
    ['four fields', '0 9 * *', 'five fields'],
    ['a minute out of range', '61 * * * *', 'not a valid cron expression'],
    ['words', 'every day at nine', 'five fields'],
    ['a macro', '@daily', 'macros'],
    ['a hashed minute, which picks an arbitrary time', 'H 9 * * *', 'hashed'],
    ['a date that never occurs', '0 9 30 2 *', 'not a valid cron expression'],
  ])('rejects %s', (_case, schedule, message) => {
    expect(validateRecurringPeriod(berlin(schedule, 60))).toEqual([
      { path: 'schedule', message: expect.stringContaining(message) as string },
    ]);
  });

  it('accepts day names, which contain an H but are not hashed values', () => {
    expect(validateRecurringPeriod(berlin('0 9 * * THU', 60))).toEqual([]);
  });

  it('rejects an unknown zone', () => {
    expect(validateRecurringPeriod(inZone('Mars/Olympus')('0 9 * * *', 60))).toEqual([
      { path: 'timeZone', message: expect.stringContaining('not a known IANA time zone') as string },
    ]);
  });

  it.each(['+02:00', '-0500', 'UTC+2', 'GMT-3', 'Etc/GMT-2'])(
    'rejects the fixed offset %s, which would ignore daylight saving',
    (timeZone) => {
      expect(validateRecurringPeriod(inZone(timeZone)('0 9 * * *', 60))).toEqual([
        { path: 'timeZone', message: expect.stringContaining('fixed UTC offset') as string },
      ]);
    },
  );

  it.each([0, -5, 10_081, 1.5, Number.NaN])('rejects a duration of %p minutes', (durationMinutes) => {
    expect(validateRecurringPeriod(berlin('0 9 * * *', durationMinutes))).toEqual([
      { path: 'durationMinutes', message: expect.stringContaining('1 to 10080') as string },
    ]);
  });

  it.each([1, 10_080])('accepts a duration of %p minutes', (durationMinutes) => {
    expect(validateRecurringPeriod(berlin('0 9 * * *', durationMinutes))).toEqual([]);
  });

  it('reports every failing field at once, under the given path prefix', () => {
    const problems = validateRecurringPeriod(
      { schedule: '0 0 9 * * *', durationMinutes: 0, timeZone: '+02:00' },
      'period.',
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      'period.schedule',
      'period.durationMinutes',
      'period.timeZone',
    ]);
  });
});

describe('activePeriodAt', () => {
  const businessHours = berlin('0 9 * * 1-5', 480);

  it("returns the period containing the instant, reading the schedule in the window's zone", () => {
    // Wednesday 13:00 CET; the window is 09:00-17:00 CET = 08:00-16:00 UTC.
    expect(activePeriodAt(businessHours, at('2026-01-14T12:00:00Z'))).toEqual({
      start: at('2026-01-14T08:00:00Z'),
      end: at('2026-01-14T16:00:00Z'),
    });
  });

  it('includes the opening instant and excludes the closing one', () => {
    expect(activePeriodAt(businessHours, at('2026-01-14T07:59:59.999Z'))).toBeNull();
    expect(activePeriodAt(businessHours, at('2026-01-14T08:00:00Z'))?.start).toEqual(
      at('2026-01-14T08:00:00Z'),
    );
    expect(activePeriodAt(businessHours, at('2026-01-14T15:59:59.999Z'))).not.toBeNull();
    expect(activePeriodAt(businessHours, at('2026-01-14T16:00:00Z'))).toBeNull();
  });

  it('returns null on a day the schedule does not fire', () => {
    expect(activePeriodAt(businessHours, at('2026-01-17T10:00:00Z'))).toBeNull(); // Saturday
  });

  it('returns the period opened the evening before for a window spanning midnight', () => {
    // 22:00-06:00 CET; asked at 04:00 CET on Thursday.
    expect(activePeriodAt(berlin('0 22 * * *', 480), at('2026-01-15T03:00:00Z'))).toEqual({
      start: at('2026-01-14T21:00:00Z'),
      end: at('2026-01-15T05:00:00Z'),
    });
  });

  it('returns the firing that opened last when periods overlap, which is also the one that closes last', () => {
    const hourlyFor90Minutes = { schedule: '0 * * * *', durationMinutes: 90, timeZone: 'UTC' };
    expect(activePeriodAt(hourlyFor90Minutes, at('2026-01-14T10:15:00Z'))).toEqual({
      start: at('2026-01-14T10:00:00Z'),
      end: at('2026-01-14T11:30:00Z'),
    });
  });
});

describe('periodsBetween', () => {
  const businessHours = berlin('0 9 * * 1-5', 480);

  it('lists the periods overlapping the range in order, including one opened before it', () => {
    expect(startsBetween(businessHours, '2026-01-14T12:00:00Z', '2026-01-16T08:00:01Z')).toEqual([
      '2026-01-14T08:00:00.000Z',
      '2026-01-15T08:00:00.000Z',
      '2026-01-16T08:00:00.000Z',
    ]);
  });

  it('leaves out a period that closes exactly where the range begins or opens where it ends', () => {
    expect(startsBetween(businessHours, '2026-01-14T16:00:00Z', '2026-01-15T08:00:00Z')).toEqual([]);
  });

  it('stops at maxCount, so a schedule firing every minute cannot run away', () => {
    const everyMinute = { schedule: '* * * * *', durationMinutes: 1, timeZone: 'UTC' };
    expect(
      periodsBetween(everyMinute, at('2026-01-14T00:00:00Z'), at('2026-02-14T00:00:00Z'), 3),
    ).toHaveLength(3);
  });
});

describe('daylight saving time', () => {
  describe('Europe/Berlin, spring forward on 2026-03-29 (02:00 CET -> 03:00 CEST)', () => {
    it('opens a daily 09:00 window one hour earlier in UTC after the change', () => {
      expect(startsBetween(berlin('0 9 * * *', 480), '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual(
        [
          '2026-03-28T08:00:00.000Z', // 09:00 CET
          '2026-03-29T07:00:00.000Z', // 09:00 CEST
          '2026-03-30T07:00:00.000Z',
        ],
      );
    });

    // 02:30 does not exist that night. cron-parser, walking forward, fires the named hour one hour
    // later on the wall clock, at 03:30 CEST; we keep that: the nightly window still happens.
    it('opens a daily 02:30 window at 03:30 CEST on the night 02:30 does not exist', () => {
      expect(startsBetween(berlin('30 2 * * *', 60), '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual(
        [
          '2026-03-28T01:30:00.000Z', // 02:30 CET
          '2026-03-29T01:30:00.000Z', // 03:30 CEST
          '2026-03-30T00:30:00.000Z', // 02:30 CEST
        ],
      );
    });

    it('sees the shifted 03:30 firing even when asked from inside the hour after the change', () => {
      // cron-parser alone, started at 03:10 CEST, skips this firing; prev() always does.
      const shortNightly = berlin('30 2 * * *', 10);
      expect(activePeriodAt(shortNightly, at('2026-03-29T01:35:00Z'))).toEqual({
        start: at('2026-03-29T01:30:00Z'),
        end: at('2026-03-29T01:40:00Z'),
      });
      expect(startsBetween(shortNightly, '2026-03-29T01:20:00Z', '2026-03-29T02:00:00Z')).toEqual([
        '2026-03-29T01:30:00.000Z',
      ]);
    });

    it('keeps a daily 01:30 window, which exists that night, at 01:30 CET', () => {
      expect(startsBetween(berlin('30 1 * * *', 60), '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual(
        [
          '2026-03-29T00:30:00.000Z', // 01:30 CET
          '2026-03-29T23:30:00.000Z', // 01:30 CEST on the 30th
        ],
      );
    });

    it('measures duration in elapsed minutes: 8 hours from 22:00 CET close at 07:00 CEST on the wall clock', () => {
      const saturdayNight = berlin('0 22 * * 6', 480);
      expect(activePeriodAt(saturdayNight, at('2026-03-29T04:59:00Z'))).toEqual({
        start: at('2026-03-28T21:00:00Z'),
        end: at('2026-03-29T05:00:00Z'),
      });
      expect(activePeriodAt(saturdayNight, at('2026-03-29T05:00:00Z'))).toBeNull();
    });
  });

  describe('Europe/Berlin, fall back on 2026-10-25 (03:00 CEST -> 02:00 CET)', () => {
    it('opens a daily 09:00 window one hour later in UTC after the change', () => {
      expect(startsBetween(berlin('0 9 * * *', 480), '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z')).toEqual(
        [
          '2026-10-24T07:00:00.000Z', // 09:00 CEST
          '2026-10-25T08:00:00.000Z', // 09:00 CET
          '2026-10-26T08:00:00.000Z',
        ],
      );
    });

    // 02:30 happens twice that night; a named hour fires once, in the first (summer-time) pass.
    it('opens a daily 02:30 window once, at 02:30 CEST, when 02:30 happens twice', () => {
      expect(startsBetween(berlin('30 2 * * *', 30), '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z')).toEqual(
        [
          '2026-10-24T00:30:00.000Z', // 02:30 CEST
          '2026-10-25T00:30:00.000Z', // 02:30 CEST, first pass
          '2026-10-26T01:30:00.000Z', // 02:30 CET
        ],
      );
    });

    it('does not reopen a daily 02:30 window in the repeated hour, however it is asked', () => {
      // cron-parser's prev() returns 02:30 CET (01:30Z) here, and next() started at 02:10 CET does too.
      expect(activePeriodAt(berlin('30 2 * * *', 30), at('2026-10-25T01:40:00Z'))).toBeNull();
      expect(startsBetween(berlin('30 2 * * *', 1), '2026-10-25T01:10:00Z', '2026-10-25T02:00:00Z')).toEqual(
        [],
      );
    });

    it('measures duration in elapsed minutes: 8 hours from 22:00 CEST close at 05:00 CET, not 06:00', () => {
      const saturdayNight = berlin('0 22 * * 6', 480);
      expect(activePeriodAt(saturdayNight, at('2026-10-25T03:59:00Z'))).toEqual({
        start: at('2026-10-24T20:00:00Z'),
        end: at('2026-10-25T04:00:00Z'),
      });
      expect(activePeriodAt(saturdayNight, at('2026-10-25T04:30:00Z'))).toBeNull(); // 05:30 CET
    });
  });

  describe('America/New_York, spring forward on 2026-03-08 (02:00 EST -> 03:00 EDT)', () => {
    it('opens a daily 09:00 window one hour earlier in UTC after the change', () => {
      expect(
        startsBetween(newYork('0 9 * * *', 480), '2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z'),
      ).toEqual([
        '2026-03-07T14:00:00.000Z', // 09:00 EST
        '2026-03-08T13:00:00.000Z', // 09:00 EDT
      ]);
    });

    it('opens a daily 02:30 window at 03:30 EDT on the night 02:30 does not exist', () => {
      expect(
        startsBetween(newYork('30 2 * * *', 60), '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'),
      ).toEqual([
        '2026-03-07T07:30:00.000Z', // 02:30 EST
        '2026-03-08T07:30:00.000Z', // 03:30 EDT
        '2026-03-09T06:30:00.000Z', // 02:30 EDT
      ]);
    });
  });

  describe('America/New_York, fall back on 2026-11-01 (02:00 EDT -> 01:00 EST)', () => {
    it('opens a daily 09:00 window one hour later in UTC after the change', () => {
      expect(
        startsBetween(newYork('0 9 * * *', 480), '2026-10-31T00:00:00Z', '2026-11-02T00:00:00Z'),
      ).toEqual([
        '2026-10-31T13:00:00.000Z', // 09:00 EDT
        '2026-11-01T14:00:00.000Z', // 09:00 EST
      ]);
    });

    it('opens a daily 01:30 window once, at 01:30 EDT, when 01:30 happens twice', () => {
      expect(
        startsBetween(newYork('30 1 * * *', 30), '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'),
      ).toEqual([
        '2026-10-31T05:30:00.000Z', // 01:30 EDT
        '2026-11-01T05:30:00.000Z', // 01:30 EDT, first pass
        '2026-11-02T06:30:00.000Z', // 01:30 EST
      ]);
      expect(activePeriodAt(newYork('30 1 * * *', 30), at('2026-11-01T06:40:00Z'))).toBeNull(); // 01:40 EST
    });
  });

  it.each([
    ['30 2 * * *', 'Europe/Berlin', '2026-03-29'],
    ['30 2 * * *', 'Europe/Berlin', '2026-10-25'],
    ['*/15 2 * * *', 'Europe/Berlin', '2026-03-29'],
    ['*/15 2 * * *', 'Europe/Berlin', '2026-10-25'],
    ['30 2 * * *', 'America/New_York', '2026-03-08'],
    ['30 1 * * *', 'America/New_York', '2026-11-01'],
  ])('answers %s in %s the same way from every 5 minutes of %s', (schedule, timeZone, day) => {
    const definition = { schedule, timeZone, durationMinutes: 20 };
    const dayStart = at(`${day}T00:00:00Z`).getTime();
    const hour = 3_600_000;
    // One walk that starts a day earlier is the reference every other question must agree with.
    const reference = periodsBetween(
      definition,
      new Date(dayStart - 24 * hour),
      new Date(dayStart + 48 * hour),
    );
    for (let t = dayStart; t < dayStart + 24 * hour; t += 5 * 60_000) {
      const expected = reference
        .filter((period) => period.start.getTime() <= t && t < period.end.getTime())
        .pop();
      expect([iso(new Date(t)), activePeriodAt(definition, new Date(t))]).toEqual([
        iso(new Date(t)),
        expected ?? null,
      ]);
      const next = reference.find((period) => period.start.getTime() > t);
      expect(
        periodsBetween(definition, new Date(t + 20 * 60_000), new Date(dayStart + 48 * hour), 1),
      ).toEqual(next === undefined ? [] : [next]);
    }
  });
});
