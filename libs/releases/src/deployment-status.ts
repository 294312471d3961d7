import { StateMachine } from '@opsplane/core';
import { ReleaseErrors } from './release.errors';

/**
 * The deployment state machine. Finished states never change again (GitLab lets them, and users
 * cannot trust its history); `rolled_back` is not a state but a fact recorded on a succeeded
 * deployment that a later rollback replaced.
 *
 *   pending_approval ─▶ scheduled ─▶ queued ─▶ running ─▶ succeeded | failed | canceled
 *         │                 │           │
 *         ├─▶ rejected      ├─▶ expired └─▶ canceled
 *         └─▶ canceled      └─▶ canceled
 */
export const DEPLOYMENT_STATUSES = [
  'pending_approval',
  'scheduled',
  'queued',
  'running',
  'succeeded',
  'failed',
  'canceled',
  'rejected',
  'expired',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

const NEXT: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  pending_approval: ['scheduled', 'queued', 'rejected', 'canceled', 'expired'],
  scheduled: ['queued', 'expired', 'canceled'],
  queued: ['running', 'canceled'],
  running: ['succeeded', 'failed', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
  rejected: [],
  expired: [],
};

/** The machine `assertTransition` checks a deployment's moves against: 409 `deployment.illegal_transition`. */
export const DEPLOYMENT_MACHINE: StateMachine<DeploymentStatus> = {
  name: (id) => `Deployment ${id}`,
  next: NEXT,
  refusal: ReleaseErrors.illegalTransition,
};

export function allowedTransitions(from: DeploymentStatus): readonly DeploymentStatus[] {
  return NEXT[from];
}

export function canTransition(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return NEXT[from].includes(to);
}

export function isFinished(status: DeploymentStatus): boolean {
  return NEXT[status].length === 0;
}

/** Statuses in which a deployment still intends to change the environment. */
export const ACTIVE_STATUSES: readonly DeploymentStatus[] = DEPLOYMENT_STATUSES.filter(
  (status) => !isFinished(status),
);
