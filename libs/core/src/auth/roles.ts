/**
 * The one permission matrix, used by the guard for REST routes and GraphQL operations alike.
 * Features pick one of these permissions per operation instead of inventing their own.
 */
export const ROLES = ['viewer', 'operator', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  /** Read the catalog, releases, incidents, findings. */
  read: ['viewer', 'operator', 'admin', 'auditor'],
  /** Day-to-day operations: register services, deploy, handle incidents, triage findings. */
  operate: ['operator', 'admin'],
  /** Configuration that governs others: environments, API keys, policies. */
  administer: ['admin'],
  /** Audit log, job history, compliance evidence. */
  audit: ['admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isAllowed(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
