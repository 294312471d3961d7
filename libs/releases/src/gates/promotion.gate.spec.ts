import { decide, PromotionFacts } from './promotion.gate';

/** The default: no policy, rank 10 below the target, nothing succeeded yet. */
function facts(overrides: Partial<PromotionFacts> = {}): PromotionFacts {
  return {
    enabled: null,
    minimumSuccesses: null,
    hasNamedRanks: false,
    ranks: [10],
    succeededInTarget: false,
    total: 2,
    successes: 0,
    succeededIn: [],
    missing: ['staging-eu', 'staging-us'],
    emptyRanks: [],
    ...overrides,
  };
}

const TARGET = { slug: 'prod', rank: 20 };

describe('promotion decision', () => {
  it('passes the lowest rank in use: nothing to promote from', () => {
    expect(decide('1.0.0', { slug: 'dev', rank: 0 }, facts({ ranks: [], total: 0, missing: [] }))).toEqual({
      passed: true,
      reason: 'dev (rank 0) is the first rank in use; nothing to promote from.',
    });
  });

  it('refuses by default until one environment of the rank below succeeded, naming them', () => {
    expect(decide('1.0.0', TARGET, facts())).toEqual({
      passed: false,
      reason:
        'Release 1.0.0 must first succeed in an environment of rank 10 (staging-eu, staging-us) before it can go to prod (rank 20).',
    });
    expect(
      decide('1.0.0', TARGET, facts({ successes: 1, succeededIn: ['staging-us'], missing: ['staging-eu'] })),
    ).toEqual({ passed: true, reason: 'Release 1.0.0 succeeded in staging-us (rank 10).' });
  });

  it('counts distinct successes against the minimum and names what is missing', () => {
    const policy = { enabled: true, minimumSuccesses: 2 };
    expect(
      decide(
        '1.0.0',
        TARGET,
        facts({ ...policy, successes: 1, succeededIn: ['staging-eu'], missing: ['staging-us'] }),
      ),
    ).toEqual({
      passed: false,
      reason:
        'Release 1.0.0 cannot go to prod (rank 20) yet: succeeded in 1 of 2 required environments of rank 10: ' +
        'staging-eu; missing: staging-us.',
    });
    expect(decide('1.0.0', TARGET, facts({ ...policy })).reason).toBe(
      'Release 1.0.0 cannot go to prod (rank 20) yet: succeeded in 0 of 2 required environments of rank 10; ' +
        'missing: staging-eu, staging-us.',
    );
    expect(
      decide(
        '1.0.0',
        TARGET,
        facts({ ...policy, successes: 2, succeededIn: ['staging-eu', 'staging-us'], missing: [] }),
      ),
    ).toEqual({
      passed: true,
      reason: 'Release 1.0.0 succeeded in 2 environment(s) of rank 10 (2 required): staging-eu, staging-us.',
    });
  });

  it('says when the minimum exceeds the environments in use', () => {
    const decision = decide(
      '1.0.0',
      TARGET,
      facts({
        enabled: true,
        minimumSuccesses: 3,
        successes: 2,
        succeededIn: ['staging-eu', 'staging-us'],
        missing: [],
      }),
    );
    expect(decision.passed).toBe(false);
    expect(decision.reason).toBe(
      'Release 1.0.0 cannot go to prod (rank 20) yet: succeeded in 2 of 3 required environments of rank 10: ' +
        'staging-eu, staging-us; missing: none. Only 2 environment(s) of rank 10 are in use, so the policy ' +
        'cannot be met until more exist or the policy changes.',
    );
  });

  it('pools the named ranks and names them', () => {
    const decision = decide(
      '1.0.0',
      TARGET,
      facts({
        enabled: true,
        minimumSuccesses: 1,
        hasNamedRanks: true,
        ranks: [5, 10, 15],
        total: 3,
        missing: ['qa', 'staging-eu', 'staging-us'],
      }),
    );
    expect(decision.reason).toBe(
      'Release 1.0.0 must first succeed in an environment of ranks 5, 10 and 15 (qa, staging-eu, staging-us) ' +
        'before it can go to prod (rank 20).',
    );
    expect(
      decide(
        '1.0.0',
        TARGET,
        facts({
          enabled: true,
          minimumSuccesses: 1,
          hasNamedRanks: true,
          ranks: [5, 10],
          successes: 1,
          succeededIn: ['qa'],
        }),
      ),
    ).toEqual({
      passed: true,
      reason: 'Release 1.0.0 succeeded in 1 environment(s) of ranks 5 and 10 (1 required): qa.',
    });
  });

  it('counts the environments it does not name', () => {
    const decision = decide(
      '1.0.0',
      TARGET,
      facts({ total: 8, missing: ['a', 'b', 'c', 'd', 'e'], successes: 0 }),
    );
    expect(decision.reason).toContain('(a, b, c, d, e and 3 more)');
  });

  it('refuses a policy naming a rank without environments in use, even when the others would pass', () => {
    const decision = decide(
      '1.0.0',
      TARGET,
      facts({
        enabled: true,
        minimumSuccesses: 1,
        hasNamedRanks: true,
        ranks: [10, 15],
        successes: 1,
        succeededIn: ['staging-eu'],
        emptyRanks: [15],
      }),
    );
    expect(decision).toEqual({
      passed: false,
      reason:
        'The promotion policy of prod (rank 20) names rank 15, with no environment in use; nothing can be ' +
        'promoted into it until the policy or the environments change.',
    });
  });

  it('refuses a policy naming a rank no longer below the environment’s own', () => {
    const decision = decide(
      '1.0.0',
      TARGET,
      facts({ enabled: true, minimumSuccesses: 1, hasNamedRanks: true, ranks: [10, 20, 25], successes: 1 }),
    );
    expect(decision).toEqual({
      passed: false,
      reason:
        'The promotion policy of prod (rank 20) names ranks 20 and 25, not below its own rank; nothing can ' +
        'be promoted into it until the policy changes.',
    });
  });

  it('passes a release that already succeeded in the target, whatever the policy', () => {
    const decision = decide(
      '1.0.0',
      TARGET,
      facts({ enabled: true, minimumSuccesses: 2, succeededInTarget: true, emptyRanks: [10] }),
    );
    expect(decision).toEqual({
      passed: true,
      reason: 'Release 1.0.0 already succeeded in prod (rank 20); a redeploy or rollback is not a promotion.',
    });
  });

  it('passes anything when the policy is switched off', () => {
    expect(decide('1.0.0', TARGET, facts({ enabled: false, minimumSuccesses: 2 }))).toEqual({
      passed: true,
      reason: 'The promotion policy of prod (rank 20) is switched off; it accepts any release.',
    });
  });
});
