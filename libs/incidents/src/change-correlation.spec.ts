import { anchorOf, humanDuration, matchKindOf, reasonFor, referenceOf } from './change-correlation';

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 12, minute));

describe('change correlation', () => {
  it('anchors on impact start, else detection, else declaration', () => {
    expect(anchorOf({ impactStartedAt: at(1), detectedAt: at(2), triggeredAt: at(3) })).toEqual({
      at: at(1),
      basis: 'impact_started',
    });
    expect(anchorOf({ impactStartedAt: null, detectedAt: at(2), triggeredAt: at(3) }).basis).toBe('detected');
    expect(anchorOf({ impactStartedAt: null, detectedAt: null, triggeredAt: at(3) }).basis).toBe('triggered');
  });

  it('matches by service and environment, either, or not at all', () => {
    const incident = { serviceIds: ['s1'], environmentIds: ['e1'] };
    expect(matchKindOf({ serviceId: 's1', environmentId: 'e1' }, incident)).toBe(
      'same_service_and_environment',
    );
    expect(matchKindOf({ serviceId: 's2', environmentId: 'e1' }, incident)).toBe('same_environment');
    expect(matchKindOf({ serviceId: 's1', environmentId: 'e2' }, incident)).toBe('same_service');
    expect(matchKindOf({ serviceId: 's2', environmentId: 'e2' }, incident)).toBeNull();
  });

  it('compares the finish when it came before the anchor, else the start of a deployment in progress', () => {
    expect(referenceOf({ startedAt: at(0), finishedAt: at(5) }, at(10))).toEqual({
      at: at(5),
      basis: 'finished',
    });
    expect(referenceOf({ startedAt: at(8), finishedAt: at(15) }, at(10))).toEqual({
      at: at(8),
      basis: 'started',
    });
    expect(referenceOf({ startedAt: at(8), finishedAt: null }, at(10))).toEqual({
      at: at(8),
      basis: 'started',
    });
    expect(referenceOf({ startedAt: at(11), finishedAt: null }, at(10))).toBeNull();
  });

  it('says durations the way people do', () => {
    expect(humanDuration(30)).toBe('under a minute');
    expect(humanDuration(14 * 60 + 59)).toBe('14 min');
    expect(humanDuration(3 * 3600)).toBe('3 h');
    expect(humanDuration(2 * 3600 + 5 * 60)).toBe('2 h 5 min');
  });

  it('writes a reason a responder can act on', () => {
    const base = {
      status: 'succeeded',
      referenceBasis: 'finished' as const,
      secondsBefore: 14 * 60,
      anchorBasis: 'impact_started' as const,
      serviceSlug: 'checkout',
      environmentSlug: 'production',
    };
    expect(reasonFor({ ...base, matchKind: 'same_service_and_environment' })).toBe(
      'deployed 14 min before impact to the same service checkout in production',
    );
    expect(
      reasonFor({ ...base, matchKind: 'same_environment', status: 'failed', anchorBasis: 'detected' }),
    ).toBe(
      'checkout deployed 14 min before detection to the same environment production (the deployment failed)',
    );
    expect(
      reasonFor({ ...base, matchKind: 'same_service', referenceBasis: 'started', anchorBasis: 'triggered' }),
    ).toBe(
      'started deploying 14 min before the incident was declared to the same service checkout in another environment, production (still in progress then)',
    );
  });
});
