import { EntityManager } from 'typeorm';
import { FindingEntity } from './finding.entity';
import { FindingJustification, FindingStatus } from './finding-status';
import { SlaDays, slaDueAt } from './sla-policy';

export interface StatusChange {
  to: FindingStatus;
  /** Actor id, `system:<source>` for a scan. */
  by: string;
  reason: string | null;
  justification?: FindingJustification | null;
  acceptedBy?: string | null;
  acceptedUntil?: Date | null;
}

/**
 * The one place a finding's status changes (people, scans and the sweep all come here); the
 * caller has checked the move against FINDING_MACHINE. Answers the changed row, version + 1.
 *
 * A reopen from `resolved` (the problem came back) starts a new SLA clock; a move back to `open`
 * from triaged, accepted or false_positive does not: that problem never went away.
 */
export function changeStatus(
  finding: FindingEntity,
  change: StatusChange,
  now: Date,
  policy: SlaDays,
): FindingEntity {
  const reopened = finding.status === 'resolved' && change.to === 'open';
  const openedAt = reopened ? now : finding.openedAt;
  const keepsJustification = change.to === 'accepted' || change.to === 'false_positive';
  return {
    ...finding,
    status: change.to,
    statusReason: change.reason,
    statusChangedBy: change.by,
    statusChangedAt: now,
    justification: keepsJustification ? (change.justification ?? null) : null,
    acceptedBy: change.to === 'accepted' ? (change.acceptedBy ?? null) : null,
    acceptedUntil: change.to === 'accepted' ? (change.acceptedUntil ?? null) : null,
    resolvedAt: change.to === 'resolved' ? now : null,
    openedAt,
    reopenCount: finding.reopenCount + (reopened ? 1 : 0),
    slaDueAt: reopened ? slaDueAt(policy, finding.severity, openedAt) : finding.slaDueAt,
    slaBreachedAt: reopened ? null : finding.slaBreachedAt,
    version: finding.version + 1,
    updatedAt: now,
  };
}

/** Changed rows in one statement: every column a report, a status change or the sweep touches. */
export async function saveFindings(manager: EntityManager, rows: FindingEntity[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `UPDATE findings f SET
       title = r.title, description = r.description, evidence = r.evidence, severity = r.severity,
       severity_rank = r."severityRank", status = r.status, service_id = r."serviceId",
       last_seen_at = r."lastSeenAt", opened_at = r."openedAt", resolved_at = r."resolvedAt",
       reopen_count = r."reopenCount", sla_due_at = r."slaDueAt", sla_breached_at = r."slaBreachedAt",
       status_reason = r."statusReason", status_changed_by = r."statusChangedBy",
       status_changed_at = r."statusChangedAt", justification = r.justification,
       accepted_by = r."acceptedBy", accepted_until = r."acceptedUntil", version = r.version,
       updated_at = r."updatedAt"
     FROM jsonb_to_recordset($1::jsonb) AS r(
       id uuid, title text, description text, evidence jsonb, severity text, "severityRank" smallint,
       status text, "serviceId" uuid, "lastSeenAt" timestamptz, "openedAt" timestamptz,
       "resolvedAt" timestamptz, "reopenCount" int, "slaDueAt" timestamptz, "slaBreachedAt" timestamptz,
       "statusReason" text, "statusChangedBy" text, "statusChangedAt" timestamptz, justification text,
       "acceptedBy" text, "acceptedUntil" timestamptz, version int, "updatedAt" timestamptz)
     WHERE f.id = r.id`,
    [JSON.stringify(rows)],
  );
}
