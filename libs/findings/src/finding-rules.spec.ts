import { statusChangeProblems } from './finding-rules';

const now = new Date('2033-01-01T00:00:00Z');
const caller = { id: '0190a0a0-0000-7000-8000-000000000001', name: 'Fox Mulder' };
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);

describe('statusChangeProblems', () => {
  it('takes a complete acceptance approved by someone else, within the limit', () => {
    expect(
      statusChangeProblems(
        {
          status: 'accepted',
          reason: 'Mitigated at the edge',
          acceptedBy: 'Dana Scully',
          acceptedUntil: inDays(90),
        },
        caller,
        now,
        365,
      ),
    ).toEqual([]);
  });

  it('refuses an acceptance its caller approves, by name or id, whatever the case or spaces', () => {
    for (const acceptedBy of [' fox mulder ', caller.id.toUpperCase()])
      expect(
        statusChangeProblems(
          { status: 'accepted', reason: 'r', acceptedBy, acceptedUntil: inDays(1) },
          caller,
          now,
          365,
        ),
      ).toEqual([{ path: 'acceptedBy', message: 'must be someone other than the caller' }]);
  });

  it('refuses an expiry now or past, and one beyond the limit', () => {
    const base = { status: 'accepted' as const, reason: 'r', acceptedBy: 'Dana Scully' };
    expect(statusChangeProblems({ ...base, acceptedUntil: now }, caller, now, 365)).toEqual([
      { path: 'acceptedUntil', message: 'must be in the future' },
    ]);
    expect(statusChangeProblems({ ...base, acceptedUntil: inDays(30) }, caller, now, 30)).toEqual([]);
    expect(statusChangeProblems({ ...base, acceptedUntil: inDays(31) }, caller, now, 30)[0].path).toBe(
      'acceptedUntil',
    );
  });

  it('wants a reason for a false positive, and acceptance fields only with accepted', () => {
    expect(statusChangeProblems({ status: 'false_positive', reason: '  ' }, caller, now, 365)).toEqual([
      { path: 'reason', message: 'is required to mark a false positive' },
    ]);
    expect(
      statusChangeProblems(
        { status: 'resolved', acceptedUntil: inDays(1), justification: 'code_not_present' },
        caller,
        now,
        365,
      ).map((problem) => problem.path),
    ).toEqual(['acceptedUntil', 'justification']);
  });
});
