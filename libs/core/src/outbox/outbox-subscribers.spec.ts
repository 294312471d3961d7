import { matchesType } from './outbox-subscribers';

describe('matchesType', () => {
  it('matches exact types, prefix wildcards and *', () => {
    expect(matchesType(['incident.resolved'], 'incident.resolved')).toBe(true);
    expect(matchesType(['incident.resolved'], 'incident.resolved_again')).toBe(false);
    expect(matchesType(['deployment.*'], 'deployment.started')).toBe(true);
    expect(matchesType(['deployment.*'], 'deployment_gate.passed')).toBe(false);
    expect(matchesType(['deployment.*'], 'deployment')).toBe(false);
    expect(matchesType(['*'], 'anything.at_all')).toBe(true);
    expect(matchesType(['release.created', 'deployment.*'], 'release.created')).toBe(true);
    expect(matchesType([], 'release.created')).toBe(false);
  });
});
