import { StateMachine } from '@opsplane/core';
import { FindingErrors } from './finding.errors';

/** What kind of check reported a finding; each scanning lib reports its own kind. */
export const FINDING_KINDS = ['compliance', 'vulnerability', 'endpoint', 'performance'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Worst first: the order lists sort by (`severityRank`, 0 = critical). */
export const FINDING_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

export function severityRank(severity: FindingSeverity): number {
  return FINDING_SEVERITIES.indexOf(severity);
}

/** What a finding is about. A release's findings also carry its service (`serviceId`). */
export const SUBJECT_TYPES = ['service', 'environment', 'release'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/**
 * The finding lifecycle.
 *
 *   open ─▶ triaged ─▶ resolved ─▶ open            (seen again: reopened, never a duplicate)
 *     │        │
 *     ├────────┴──▶ accepted ─▶ open                (revoked, or its expiry passed: a job reopens it)
 *     └────────┴──▶ false_positive ─▶ open          (the verdict withdrawn)
 *
 * People move findings along these edges; scans move them too: a scan that no longer sees the
 * problem resolves an open, triaged or accepted finding, and seeing a resolved one again reopens
 * it. A false positive stays one whatever scans see: that was the point of saying so.
 */
export const FINDING_STATUSES = ['open', 'triaged', 'resolved', 'accepted', 'false_positive'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

const NEXT: Record<FindingStatus, readonly FindingStatus[]> = {
  open: ['triaged', 'resolved', 'accepted', 'false_positive'],
  triaged: ['open', 'resolved', 'accepted', 'false_positive'],
  resolved: ['open'],
  accepted: ['open', 'resolved'],
  false_positive: ['open'],
};

/** Statuses whose problem still needs fixing: the SLA clock runs and they count as unresolved. */
export const UNRESOLVED_STATUSES: readonly FindingStatus[] = ['open', 'triaged'];

/** Statuses a scan that no longer sees the problem moves to `resolved`. */
export const RESOLVABLE_BY_SCAN: readonly FindingStatus[] = ['open', 'triaged', 'accepted'];

export const FINDING_MACHINE: StateMachine<FindingStatus> = {
  name: (id) => `Finding ${id}`,
  next: NEXT,
  refusal: FindingErrors.illegalTransition,
};

/**
 * CycloneDX VEX justifications (`analysis.justification`), for saying why a finding is a false
 * positive or an accepted risk in the words vulnerability tools exchange.
 */
export const FINDING_JUSTIFICATIONS = [
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
] as const;
export type FindingJustification = (typeof FINDING_JUSTIFICATIONS)[number];

/** The action (audit and outbox event type) of a status change. */
export function statusAction(from: FindingStatus | null, to: FindingStatus): string {
  if (from === null) return 'finding.opened';
  if (to === 'open') return 'finding.reopened';
  return to === 'false_positive' ? 'finding.marked_false_positive' : `finding.${to}`;
}
