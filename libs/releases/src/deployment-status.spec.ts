import { allowedTransitions, canTransition, DEPLOYMENT_STATUSES, isFinished } from './deployment-status';

describe('deployment state machine', () => {
  it('moves forward along the documented path', () => {
    expect(canTransition('pending_approval', 'queued')).toBe(true);
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'succeeded')).toBe(true);
    expect(canTransition('scheduled', 'expired')).toBe(true);
  });

  it('never changes a finished deployment', () => {
    for (const finished of ['succeeded', 'failed', 'canceled', 'rejected', 'expired'] as const) {
      expect(isFinished(finished)).toBe(true);
      for (const to of DEPLOYMENT_STATUSES) expect(canTransition(finished, to)).toBe(false);
    }
  });

  it('does not skip the running state or go backwards', () => {
    expect(canTransition('queued', 'succeeded')).toBe(false);
    expect(canTransition('running', 'queued')).toBe(false);
    expect(canTransition('pending_approval', 'running')).toBe(false);
  });

  it('lists what is allowed from a state, for the 409 answer', () => {
    expect(allowedTransitions('running')).toEqual(['succeeded', 'failed', 'canceled']);
  });
});
