import { Check, Column, Entity, Index, PrimaryColumn, Unique, VersionColumn } from 'typeorm';
import {
  FINDING_JUSTIFICATIONS,
  FINDING_KINDS,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  FindingJustification,
  FindingKind,
  FindingSeverity,
  FindingStatus,
  SUBJECT_TYPES,
  SubjectType,
} from './finding-status';

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');
const rankCase = `CASE severity ${FINDING_SEVERITIES.map((severity, rank) => `WHEN '${severity}' THEN ${rank}`).join(' ')} END`;

/**
 * One problem one source sees on one subject, for as long as it exists: a scan seeing it again
 * refreshes this row (lastSeenAt, evidence), never adds one; unique per (source, subject, dedup key).
 *
 * `version` counts the changes people can see in the audit log (status, severity, SLA); a scan's
 * refresh leaves it alone, so an operator's If-Match is not made stale by the hourly scan.
 */
@Entity({ name: 'findings' })
@Unique('findings_dedup_key', ['source', 'subjectType', 'subjectId', 'dedupKey'])
// Lists walk an index in worst-first order, filtering the rest as they go: one subject's findings
// (its releases' through service_id), one status's, and everything still unresolved.
@Index('findings_subject_idx', ['subjectType', 'subjectId', 'severityRank', 'id'])
@Index('findings_service_idx', ['serviceId', 'severityRank', 'id'])
@Index('findings_status_idx', ['status', 'severityRank', 'id'])
@Index('findings_unresolved_idx', ['severityRank', 'id'], { where: `status IN ('open', 'triaged')` })
// The sweep's two questions (SLA breaches, expired acceptances), each a small partial index.
@Index('findings_sla_due_idx', ['slaDueAt'], {
  where: `status IN ('open', 'triaged') AND sla_breached_at IS NULL`,
})
@Index('findings_accepted_until_idx', ['acceptedUntil'], { where: `status = 'accepted'` })
@Check('findings_kind_check', `kind IN (${quoted(FINDING_KINDS)})`)
@Check('findings_severity_check', `severity IN (${quoted(FINDING_SEVERITIES)})`)
@Check('findings_severity_rank_check', `severity_rank = ${rankCase}`)
@Check('findings_status_check', `status IN (${quoted(FINDING_STATUSES)})`)
@Check('findings_subject_type_check', `subject_type IN (${quoted(SUBJECT_TYPES)})`)
@Check('findings_justification_check', `justification IN (${quoted(FINDING_JUSTIFICATIONS)})`)
@Check(
  'findings_accepted_check',
  `status <> 'accepted' OR (accepted_by IS NOT NULL AND accepted_until IS NOT NULL)`,
)
export class FindingEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  kind: FindingKind;

  /** Who reports it, e.g. `compliance`, `osv`, `endpoint-scan`: its scans alone resolve it. */
  @Column('text')
  source: string;

  /** What makes two observations the same problem within (source, subject), e.g. a control id. */
  @Column('text')
  dedupKey: string;

  @Column('text')
  subjectType: SubjectType;

  @Column('uuid')
  subjectId: string;

  /** The service of a service or release subject; null for an environment. */
  @Column('uuid', { nullable: true })
  serviceId: string | null;

  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text')
  severity: FindingSeverity;

  /** 0 (critical) … 4 (info), kept beside severity (checked) so "worst first" walks an index. */
  @Column('smallint')
  severityRank: number;

  @Column('text')
  status: FindingStatus;

  /** What the source saw the last time, as it reported it. */
  @Column('jsonb')
  evidence: Record<string, unknown>;

  @Column('timestamptz')
  firstSeenAt: Date;

  @Column('timestamptz')
  lastSeenAt: Date;

  /** When the SLA clock last started: first seen, or the latest reopen. */
  @Column('timestamptz')
  openedAt: Date;

  @Column('timestamptz', { nullable: true })
  resolvedAt: Date | null;

  @Column('int', { default: 0 })
  reopenCount: number;

  /** openedAt + the policy's days for the severity; null when the policy sets none. */
  @Column('timestamptz', { nullable: true })
  slaDueAt: Date | null;

  /** When the sweep saw the due date pass while unresolved (`finding.sla_breached`); cleared on reopen. */
  @Column('timestamptz', { nullable: true })
  slaBreachedAt: Date | null;

  @Column('text', { nullable: true })
  statusReason: string | null;

  /** Actor id of the latest status change (`system:<source>` for a scan). */
  @Column('text')
  statusChangedBy: string;

  @Column('timestamptz')
  statusChangedAt: Date;

  @Column('text', { nullable: true })
  justification: FindingJustification | null;

  /** Who approved an accepted risk (a person, not the requester). */
  @Column('text', { nullable: true })
  acceptedBy: string | null;

  @Column('timestamptz', { nullable: true })
  acceptedUntil: Date | null;

  @Column('int')
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}

/**
 * The SLA policy: days to fix a finding of each severity, counted from when it opened; null sets
 * no due date. One row, keyed `global` (a per-kind policy would add keys, not tables).
 */
@Entity({ name: 'finding_sla_policies' })
@Check('finding_sla_policies_days_check', [...FINDING_SEVERITIES].map((s) => `${s}_days > 0`).join(' AND '))
export class FindingSlaPolicyEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'finding_sla_policies_pkey' })
  scope: string;

  @Column('int', { name: 'critical_days', nullable: true })
  critical: number | null;

  @Column('int', { name: 'high_days', nullable: true })
  high: number | null;

  @Column('int', { name: 'medium_days', nullable: true })
  medium: number | null;

  @Column('int', { name: 'low_days', nullable: true })
  low: number | null;

  @Column('int', { name: 'info_days', nullable: true })
  info: number | null;

  @VersionColumn()
  version: number;
}
