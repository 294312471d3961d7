import { AppError } from '@opsplane/core';
import { allowedTransitions, canTransition, DeploymentStatus } from './deployment-status';
import { ReleaseErrors } from './release.errors';

/** 409 `deployment.illegal_transition` listing the allowed next statuses, unless `to` is one. */
export function assertTransition(
  deployment: { id: string; status: DeploymentStatus },
  to: DeploymentStatus,
): void {
  if (canTransition(deployment.status, to)) return;
  const allowed = allowedTransitions(deployment.status);
  const allowedText = allowed.length > 0 ? allowed.join(', ') : `none (${deployment.status} is final)`;
  throw new AppError(
    ReleaseErrors.illegalTransition,
    `Deployment ${deployment.id} is ${deployment.status} and cannot become ${to}; allowed next statuses: ${allowedText}.`,
    { errors: [{ path: 'status', message: `allowed next statuses: ${allowedText}` }] },
  );
}
