import { Role } from './roles';

/** Who is doing something, carried from the transport into every service call. */
export interface Actor {
  kind: 'api_key' | 'system';
  id: string;
  name: string;
  role: Role;
  /** Ties the audit events of one request to its log lines. */
  requestId: string;
  /** An auditor key's observation window ([from, to)): compliance and audit reads see only it. */
  observationWindow?: ObservationWindow;
}

export interface ObservationWindow {
  from: Date;
  to: Date;
}

/** Opsplane itself (a job, alert ingestion, an integration) acting as admin; `id` defaults to `system:<name>`. */
export function systemActor(name: string, requestId: string, id = `system:${name}`): Actor {
  return { kind: 'system', id, name, role: 'admin', requestId };
}

/**
 * Whether `person` (a name or handle someone typed, e.g. an approver) is the caller: by name or
 * by id, ignoring case and surrounding spaces. Approvals of one's own exception are refused with it.
 */
export function isCaller(actor: Pick<Actor, 'id' | 'name'>, person: string): boolean {
  const normalised = person.trim().toLowerCase();
  return normalised === actor.name.trim().toLowerCase() || normalised === actor.id.trim().toLowerCase();
}
