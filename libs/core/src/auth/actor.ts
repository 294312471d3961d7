import { Role } from './roles';

/** Who is doing something, carried from the transport into every service call. */
export interface Actor {
  kind: 'api_key' | 'system';
  id: string;
  name: string;
  role: Role;
  /** Ties the audit events of one request to its log lines. */
  requestId: string;
}

/** Opsplane itself (a job, alert ingestion, an integration) acting as admin; `id` defaults to `system:<name>`. */
export function systemActor(name: string, requestId: string, id = `system:${name}`): Actor {
  return { kind: 'system', id, name, role: 'admin', requestId };
}
