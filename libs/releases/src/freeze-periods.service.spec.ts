import { shapeProblems } from './freeze-periods.service';

const none = { startsAt: null, endsAt: null, schedule: null, durationMinutes: null, timeZone: null };
const recurring = { schedule: '0 18 * * 5', durationMinutes: 3780, timeZone: 'Europe/Berlin' };

describe('shapeProblems', () => {
  it('accepts a one-off freeze with endsAt after startsAt, and a valid recurring one', () => {
    expect(
      shapeProblems({
        ...none,
        startsAt: new Date('2026-12-20T00:00:00Z'),
        endsAt: new Date('2027-01-04T00:00:00Z'),
      }),
    ).toEqual([]);
    expect(shapeProblems({ ...none, ...recurring })).toEqual([]);
  });

  it('asks for a shape when none is given', () => {
    expect(shapeProblems(none)).toEqual([
      { path: 'startsAt', message: expect.stringContaining('is required') },
    ]);
  });

  it('refuses both shapes at once, naming the recurring fields given', () => {
    const problems = shapeProblems({ ...none, startsAt: new Date(), schedule: '0 0 * * *' });
    expect(problems).toEqual([
      { path: 'schedule', message: expect.stringContaining('one-off or recurring') },
    ]);
  });

  it('refuses a one-off freeze missing an end, or ending at or before it starts', () => {
    const instant = new Date('2026-02-01T00:00:00Z');
    expect(shapeProblems({ ...none, startsAt: instant })).toEqual([
      { path: 'endsAt', message: 'is required with startsAt' },
    ]);
    expect(shapeProblems({ ...none, endsAt: instant })).toEqual([
      { path: 'startsAt', message: 'is required with endsAt' },
    ]);
    expect(shapeProblems({ ...none, startsAt: instant, endsAt: instant })).toEqual([
      { path: 'endsAt', message: 'must be after startsAt' },
    ]);
  });

  it('lists every problem of a recurring freeze, including missing fields', () => {
    expect(shapeProblems({ ...none, schedule: '0 18 * * 5' }).map((problem) => problem.path)).toEqual([
      'durationMinutes',
      'timeZone',
    ]);
  });
});
