import {
  activeFreezeAt,
  evaluateWindows,
  nextAllowedStart,
  type DeployWindow,
  type Freeze,
  type OneOffFreeze,
} from './deploy-windows';
import type { RecurringPeriod } from './recurring-period';

const at = (iso: string): Date => new Date(iso);
const berlin = (schedule: string, durationMinutes: number): RecurringPeriod => ({
  schedule,
  durationMinutes,
  timeZone: 'Europe/Berlin',
});
const allow = (id: string, period: RecurringPeriod): DeployWindow => ({ id, kind: 'allow', period });
const deny = (id: string, period: RecurringPeriod): DeployWindow => ({ id, kind: 'deny', period });
const freeze = (id: string, startsAt: string, endsAt: string): OneOffFreeze => ({
  id,
  reason: `${id} freeze`,
  startsAt: at(startsAt),
  endsAt: at(endsAt),
});

// January 2026 is CET (UTC+1). 2026-01-14 is a Wednesday.
const businessHours = allow('business-hours', berlin('0 9 * * 1-5', 480)); // 09:00-17:00 = 08:00-16:00Z
const lunch = deny('lunch', berlin('0 12 * * *', 60)); // 12:00-13:00 = 11:00-12:00Z
const nightly = deny('nightly', berlin('0 22 * * *', 480)); // 22:00-06:00 = 21:00-05:00Z
// Friday 18:00 to Monday 09:00, 63 hours.
const weekendFreeze: Freeze = {
  id: 'weekend',
  reason: 'No weekend deploys',
  period: berlin('0 18 * * 5', 3780),
};

describe('evaluateWindows', () => {
  it('allows any instant when no window applies', () => {
    expect(evaluateWindows([], at('2026-01-17T03:00:00Z'))).toEqual({
      allowed: true,
      reason: 'no deployment window applies',
      blockingWindowIds: [],
    });
  });

  it('allows a start inside an allow window', () => {
    expect(evaluateWindows([businessHours], at('2026-01-14T09:00:00Z'))).toEqual({
      allowed: true,
      reason: 'inside allow window business-hours',
      blockingWindowIds: [],
    });
  });

  it.each([
    ['after hours', '2026-01-14T17:00:00Z'],
    ['on a Saturday', '2026-01-17T09:00:00Z'],
    ['at the closing instant', '2026-01-14T16:00:00Z'],
  ])('refuses a start outside every allow window: %s', (_case, instant) => {
    expect(evaluateWindows([businessHours], at(instant))).toEqual({
      allowed: false,
      reason: 'outside every allow window (1 defined)',
      blockingWindowIds: [],
    });
  });

  it('lets a deny window beat an open allow window', () => {
    expect(evaluateWindows([businessHours, lunch], at('2026-01-14T11:30:00Z'))).toEqual({
      allowed: false,
      reason: 'inside deny window lunch',
      blockingWindowIds: ['lunch'],
    });
  });

  it('with only deny windows, allows every instant outside them', () => {
    expect(evaluateWindows([lunch], at('2026-01-14T11:00:00Z')).allowed).toBe(false);
    expect(evaluateWindows([lunch], at('2026-01-14T12:00:00Z')).allowed).toBe(true);
    expect(evaluateWindows([lunch], at('2026-01-17T03:00:00Z')).allowed).toBe(true);
  });

  it('blocks on both sides of midnight with a deny window spanning it', () => {
    expect(evaluateWindows([nightly], at('2026-01-14T22:30:00Z')).allowed).toBe(false); // Wed 23:30
    expect(evaluateWindows([nightly], at('2026-01-15T04:59:00Z')).allowed).toBe(false); // Thu 05:59
    expect(evaluateWindows([nightly], at('2026-01-15T05:00:00Z')).allowed).toBe(true); // Thu 06:00
    expect(evaluateWindows([nightly], at('2026-01-18T01:00:00Z')).allowed).toBe(false); // Sun 02:00
  });

  it('lists every open deny window', () => {
    const maintenance = deny('maintenance', berlin('0 0 * * *', 120));
    expect(evaluateWindows([nightly, maintenance], at('2026-01-14T23:30:00Z')).blockingWindowIds).toEqual([
      'nightly',
      'maintenance',
    ]);
  });

  it('reads each window in its own time zone', () => {
    const newYorkHours = allow('new-york-hours', { ...businessHours.period, timeZone: 'America/New_York' });
    // 18:30 in Berlin (closed), 12:30 in New York (open).
    expect(evaluateWindows([businessHours, newYorkHours], at('2026-01-14T17:30:00Z'))).toMatchObject({
      allowed: true,
      reason: 'inside allow window new-york-hours',
    });
  });

  it('follows a Berlin 09:00 window to 07:00 UTC after the spring change', () => {
    expect(evaluateWindows([businessHours], at('2026-03-27T07:30:00Z')).allowed).toBe(false); // Fri 08:30 CET
    expect(evaluateWindows([businessHours], at('2026-03-30T07:30:00Z')).allowed).toBe(true); // Mon 09:30 CEST
  });
});

describe('activeFreezeAt', () => {
  const yearEnd = freeze('year-end', '2026-12-20T00:00:00Z', '2027-01-04T00:00:00Z');

  it('returns the one-off freeze in force, with its id, reason and span', () => {
    expect(activeFreezeAt([yearEnd], at('2026-12-24T10:00:00Z'))).toEqual({
      id: 'year-end',
      reason: 'year-end freeze',
      start: at('2026-12-20T00:00:00Z'),
      end: at('2027-01-04T00:00:00Z'),
    });
  });

  it('returns null before a freeze and from its end on', () => {
    expect(activeFreezeAt([yearEnd], at('2026-12-19T23:59:59Z'))).toBeNull();
    expect(activeFreezeAt([yearEnd], at('2027-01-04T00:00:00Z'))).toBeNull();
  });

  it('returns the current period of a recurring freeze', () => {
    expect(activeFreezeAt([weekendFreeze], at('2026-01-17T12:00:00Z'))).toEqual({
      id: 'weekend',
      reason: 'No weekend deploys',
      start: at('2026-01-16T17:00:00Z'),
      end: at('2026-01-19T08:00:00Z'),
    });
    expect(activeFreezeAt([weekendFreeze], at('2026-01-19T08:00:00Z'))).toBeNull();
  });

  it('returns the freeze that ends last when several are in force', () => {
    const incident = freeze('incident', '2026-01-17T00:00:00Z', '2026-01-21T00:00:00Z');
    expect(activeFreezeAt([weekendFreeze, incident], at('2026-01-17T12:00:00Z'))?.id).toBe('incident');
    expect(activeFreezeAt([incident, weekendFreeze], at('2026-01-17T12:00:00Z'))?.id).toBe('incident');
  });
});

describe('nextAllowedStart', () => {
  it('returns from itself, open-ended, when no window or freeze applies', () => {
    expect(nextAllowedStart([], at('2026-01-17T03:00:00Z'))).toEqual({
      start: at('2026-01-17T03:00:00Z'),
      end: null,
    });
  });

  it('returns from itself inside an open allow window, until the window closes', () => {
    expect(nextAllowedStart([businessHours], at('2026-01-14T09:00:00Z'))).toEqual({
      start: at('2026-01-14T09:00:00Z'),
      end: at('2026-01-14T16:00:00Z'),
    });
  });

  it('waits over the weekend for the Monday window', () => {
    expect(nextAllowedStart([businessHours], at('2026-01-16T17:00:00Z'))).toEqual({
      start: at('2026-01-19T08:00:00Z'),
      end: at('2026-01-19T16:00:00Z'),
    });
  });

  it('opens on Monday at 07:00 UTC after the weekend of the spring change', () => {
    expect(nextAllowedStart([businessHours], at('2026-03-27T17:00:00Z'))).toEqual({
      start: at('2026-03-30T07:00:00Z'), // 09:00 CEST
      end: at('2026-03-30T15:00:00Z'),
    });
  });

  it('opens on Monday at 08:00 UTC after the weekend of the autumn change', () => {
    expect(nextAllowedStart([businessHours], at('2026-10-23T16:00:00Z'))).toEqual({
      start: at('2026-10-26T08:00:00Z'), // 09:00 CET
      end: at('2026-10-26T16:00:00Z'),
    });
  });

  it('stops an allow stretch where a deny window cuts into it, and resumes after it', () => {
    expect(nextAllowedStart([businessHours, lunch], at('2026-01-14T07:00:00Z'))).toEqual({
      start: at('2026-01-14T08:00:00Z'),
      end: at('2026-01-14T11:00:00Z'),
    });
    expect(nextAllowedStart([businessHours, lunch], at('2026-01-14T11:15:00Z'))).toEqual({
      start: at('2026-01-14T12:00:00Z'),
      end: at('2026-01-14T16:00:00Z'),
    });
  });

  it('skips a deny window that covers the opening of an allow window', () => {
    const standup = deny('standup', berlin('0 9 * * 1-5', 30));
    expect(nextAllowedStart([businessHours, standup], at('2026-01-14T07:00:00Z'))?.start).toEqual(
      at('2026-01-14T08:30:00Z'),
    );
  });

  it('joins back-to-back and overlapping allow windows into one stretch', () => {
    const windows = [
      allow('morning', berlin('0 9 * * *', 120)), // 08:00-10:00Z
      allow('midday', berlin('0 11 * * *', 120)), // 10:00-12:00Z, back to back
      allow('afternoon', berlin('30 12 * * *', 180)), // 11:30-14:30Z, overlapping
    ];
    expect(nextAllowedStart(windows, at('2026-01-14T08:30:00Z'))).toEqual({
      start: at('2026-01-14T08:30:00Z'),
      end: at('2026-01-14T14:30:00Z'),
    });
  });

  it('moves past a freeze that covers the next window', () => {
    const release = freeze('release', '2026-01-19T00:00:00Z', '2026-01-20T10:00:00Z');
    expect(nextAllowedStart([businessHours], at('2026-01-16T17:00:00Z'), { freezes: [release] })).toEqual({
      start: at('2026-01-20T10:00:00Z'),
      end: at('2026-01-20T16:00:00Z'),
    });
  });

  it('ends an allowed stretch where a freeze begins', () => {
    const afternoon = freeze('afternoon', '2026-01-14T13:00:00Z', '2026-01-15T00:00:00Z');
    expect(nextAllowedStart([businessHours], at('2026-01-14T09:00:00Z'), { freezes: [afternoon] })).toEqual({
      start: at('2026-01-14T09:00:00Z'),
      end: at('2026-01-14T13:00:00Z'),
    });
  });

  it('gives the real end of an allowed stretch that lasts for days', () => {
    const later = freeze('later', '2026-01-24T00:00:00Z', '2026-01-25T00:00:00Z');
    expect(nextAllowedStart([], at('2026-01-14T00:00:00Z'), { freezes: [later] })).toEqual({
      start: at('2026-01-14T00:00:00Z'),
      end: at('2026-01-24T00:00:00Z'),
    });
  });

  it('treats a recurring freeze like a deny window', () => {
    expect(nextAllowedStart([], at('2026-01-17T12:00:00Z'), { freezes: [weekendFreeze] })).toEqual({
      start: at('2026-01-19T08:00:00Z'),
      end: at('2026-01-23T17:00:00Z'),
    });
  });

  it('with only a deny window spanning midnight, opens when it closes and ends when it reopens', () => {
    expect(nextAllowedStart([nightly], at('2026-01-14T22:30:00Z'))).toEqual({
      start: at('2026-01-15T05:00:00Z'),
      end: at('2026-01-15T21:00:00Z'),
    });
  });

  it('returns null when the next window lies beyond the horizon, and finds it with a longer one', () => {
    const firstOfJune = allow('first-of-june', berlin('0 9 1 6 *', 480));
    expect(nextAllowedStart([firstOfJune], at('2026-01-14T00:00:00Z'))).toBeNull();
    expect(nextAllowedStart([firstOfJune], at('2026-01-14T00:00:00Z'), { horizonDays: 200 })).toEqual({
      start: at('2026-06-01T07:00:00Z'), // 09:00 CEST
      end: at('2026-06-01T15:00:00Z'),
    });
  });

  it('returns null when a freeze covers the whole horizon', () => {
    const quarter = freeze('quarter', '2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z');
    expect(nextAllowedStart([], at('2026-01-14T00:00:00Z'), { freezes: [quarter] })).toBeNull();
  });

  it('returns null rather than guessing when a window fires too often to list within the horizon', () => {
    const always = deny('always', { schedule: '* * * * *', durationMinutes: 1, timeZone: 'UTC' });
    expect(nextAllowedStart([always], at('2026-01-14T00:00:00Z'), { maxPeriodsPerWindow: 100 })).toBeNull();
  });

  it('refuses a horizon that is not positive', () => {
    expect(() => nextAllowedStart([], at('2026-01-14T00:00:00Z'), { horizonDays: 0 })).toThrow(RangeError);
  });

  it('agrees with evaluateWindows and activeFreezeAt at every hour of a week', () => {
    const windows = [businessHours, lunch, nightly];
    const freezes = [freeze('review', '2026-01-14T14:00:00Z', '2026-01-14T15:00:00Z')];
    const allowedAt = (instant: Date): boolean =>
      evaluateWindows(windows, instant).allowed && activeFreezeAt(freezes, instant) === null;
    const monday = at('2026-01-12T00:00:00Z').getTime();
    for (let t = monday; t < monday + 7 * 24 * 3_600_000; t += 3_600_000) {
      const from = new Date(t);
      const next = nextAllowedStart(windows, from, { freezes, horizonDays: 4 });
      expect([from, next !== null && next.start.getTime() === t]).toEqual([from, allowedAt(from)]);
      if (next === null) continue;
      expect([from, allowedAt(next.start)]).toEqual([from, true]);
      if (next.end !== null) expect([from, allowedAt(next.end)]).toEqual([from, false]);
    }
  });
});
