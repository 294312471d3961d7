import {
  allowedTransitions,
  canTransition,
  INCIDENT_STATUSES,
  isAtLeastAsSevere,
  isReopen,
  stampsAfter,
  StatusStamps,
} from './incident-status';

const NONE: StatusStamps = {
  acknowledgedAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  closedAt: null,
  reopenedAt: null,
  reopenCount: 0,
};
const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute));

describe('incident status machine', () => {
  it('moves forward, skipping steps, but closes only from resolved', () => {
    expect(allowedTransitions('triggered')).toEqual(['acknowledged', 'mitigated', 'resolved']);
    expect(canTransition('acknowledged', 'closed')).toBe(false);
    expect(canTransition('resolved', 'closed')).toBe(true);
  });

  it('goes back only by reopening mitigated, resolved or closed incidents to triggered or acknowledged', () => {
    const backwards = INCIDENT_STATUSES.flatMap((from) =>
      INCIDENT_STATUSES.filter((to) => isReopen(from, to) && canTransition(from, to)).map(
        (to) => `${from}→${to}`,
      ),
    );
    expect(backwards).toEqual([
      'mitigated→triggered',
      'mitigated→acknowledged',
      'resolved→triggered',
      'resolved→acknowledged',
      'closed→triggered',
      'closed→acknowledged',
    ]);
  });

  it('never moves to the status it is in', () => {
    for (const status of INCIDENT_STATUSES) expect(canTransition(status, status)).toBe(false);
  });
});

describe('stampsAfter', () => {
  it('stamps the first acknowledgement only', () => {
    const first = stampsAfter(NONE, 'triggered', 'acknowledged', at(1));
    expect(first.acknowledgedAt).toEqual(at(1));
    const reopened = stampsAfter(
      { ...first, mitigatedAt: at(2), resolvedAt: at(3) },
      'resolved',
      'acknowledged',
      at(9),
    );
    expect(reopened).toEqual({
      acknowledgedAt: at(1),
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
      reopenedAt: at(9),
      reopenCount: 1,
    });
  });

  it('stamps mitigation when resolving an incident that skipped it, and keeps an earlier one', () => {
    expect(stampsAfter(NONE, 'triggered', 'resolved', at(5))).toMatchObject({
      mitigatedAt: at(5),
      resolvedAt: at(5),
    });
    expect(stampsAfter({ ...NONE, mitigatedAt: at(2) }, 'mitigated', 'resolved', at(5))).toMatchObject({
      mitigatedAt: at(2),
      resolvedAt: at(5),
    });
  });

  it('ignores fields that are not stamps', () => {
    const row = { ...NONE, status: 'triggered', title: 'x' };
    expect(Object.keys(stampsAfter(row, 'triggered', 'mitigated', at(1))).sort()).toEqual(
      Object.keys(NONE).sort(),
    );
  });
});

describe('isAtLeastAsSevere', () => {
  it('orders SEV1 as the worst', () => {
    expect(isAtLeastAsSevere('SEV1', 'SEV2')).toBe(true);
    expect(isAtLeastAsSevere('SEV2', 'SEV2')).toBe(true);
    expect(isAtLeastAsSevere('SEV3', 'SEV2')).toBe(false);
  });
});
