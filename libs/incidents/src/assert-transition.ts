import { AppError } from '@opsplane/core';
import { allowedTransitions, canTransition, IncidentStatus } from './incident-status';
import { IncidentErrors } from './incident.errors';

/** 409 `incident.illegal_transition` listing the allowed next statuses, unless `to` is one. */
export function assertTransition(incident: { id: string; status: IncidentStatus }, to: IncidentStatus): void {
  if (canTransition(incident.status, to)) return;
  const allowedText = allowedTransitions(incident.status).join(', ');
  throw new AppError(
    IncidentErrors.illegalTransition,
    `Incident ${incident.id} is ${incident.status} and cannot become ${to}; allowed next statuses: ${allowedText}.`,
    { errors: [{ path: 'status', message: `allowed next statuses: ${allowedText}` }] },
  );
}
