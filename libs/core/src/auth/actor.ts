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

export function systemActor(name: string, requestId: string): Actor {
  return { kind: 'system', id: `system:${name}`, name, role: 'admin', requestId };
}
