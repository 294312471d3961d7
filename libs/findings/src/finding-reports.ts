import { Injectable } from '@nestjs/common';
import { Actor, Change, ChangeRecorder, Clock, insertRows, JsonObject, newId } from '@opsplane/core';
import { EntityManager } from 'typeorm';
import { FINDING_COLUMNS, toFindingModel, toFindingRecord } from './dto/finding.model';
import { FindingEntity } from './finding.entity';
import {
  FindingKind,
  FindingSeverity,
  RESOLVABLE_BY_SCAN,
  severityRank,
  statusAction,
  SubjectType,
} from './finding-status';
import { changeStatus, saveFindings } from './finding-transitions';
import { FindingsService } from './findings.service';
import { SlaDays, slaDueAt } from './sla-policy';

export interface FindingSubject {
  type: SubjectType;
  id: string;
  /** The service of a service or release subject. */
  serviceId?: string | null;
}

/** One problem a scan sees now. */
export interface Observation {
  subject: FindingSubject;
  dedupKey: string;
  title: string;
  description?: string | null;
  severity: FindingSeverity;
  evidence: JsonObject;
}

/** What a scan looked at and what it saw there. */
export interface ScanReport {
  /** e.g. `compliance`; the scan's actor is `system:<source>` unless given. */
  source: string;
  kind: FindingKind;
  /** Every subject the scan covered, including those where it saw nothing (their findings resolve). */
  subjects: FindingSubject[];
  observations: Observation[];
  /**
   * The dedup keys the scan checked, when it checked only some (one control): findings of other
   * keys are left as they are. Omitted: the scan checked everything the source checks.
   */
  checkedKeys?: string[];
}

export type ReportChange = 'opened' | 'reopened' | 'refreshed' | 'resolved';

export interface ReportOutcome {
  counts: Record<ReportChange, number>;
  /** The finding of each observation, in order (a compliance result links to it). */
  findingIds: string[];
}

/** The row as the entity names it (raw SQL, so the columns are aliased by hand). */
const FINDING_SELECT = [...FINDING_COLUMNS, 'severityRank']
  .map((property) => `${property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} AS "${property}"`)
  .join(', ');

const subjectKey = (subject: { type: string; id: string }) => `${subject.type}:${subject.id}`;

/**
 * The seam scanners report through (compliance, vulnerability, endpoint and performance scans):
 * given what a scan covered and saw, opens new findings, refreshes those seen again (lastSeenAt and
 * evidence only: no audit event, no version change), reopens resolved ones seen again and resolves
 * those no longer seen, all in the caller's transaction. Status and severity changes are recorded
 * (audit + outbox) as the source's system actor; refreshes are not, so an hourly scan that finds
 * nothing new writes no audit churn.
 *
 * Reports on one (source, subject) are serialised by a transaction-scoped advisory lock, so two
 * scans of the same subject at once never both open the same finding.
 */
@Injectable()
export class FindingReports {
  constructor(
    private readonly findings: FindingsService,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
  ) {}

  async report(manager: EntityManager, actor: Actor, report: ScanReport): Promise<ReportOutcome> {
    const now = this.clock.now();
    const covered = new Map(report.subjects.map((subject) => [subjectKey(subject), subject]));
    for (const observation of report.observations)
      if (!covered.has(subjectKey(observation.subject)))
        throw new Error(`Observation ${observation.dedupKey} is about a subject the report does not cover`);
    const counts: Record<ReportChange, number> = { opened: 0, reopened: 0, refreshed: 0, resolved: 0 };
    if (covered.size === 0) return { counts, findingIds: [] };
    const lockKeys = [...covered.keys()].map((key) => `findings:${report.source}:${key}`).sort();
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM unnest($1::text[]) AS key ORDER BY key`,
      [lockKeys],
    );
    const existing = await manager.query<FindingEntity[]>(
      `SELECT ${FINDING_SELECT} FROM findings
        WHERE source = $1 AND (subject_type, subject_id) IN (
          SELECT type, id FROM unnest($2::text[], $3::uuid[]) AS subject(type, id))`,
      [report.source, [...covered.values()].map((s) => s.type), [...covered.values()].map((s) => s.id)],
    );
    const byKey = new Map(
      existing.map((row) => [`${row.subjectType}:${row.subjectId}:${row.dedupKey}`, row]),
    );
    // Read only when a finding opens or changes status or severity: a refresh needs no SLA.
    let policy: SlaDays | undefined;
    const slaPolicy = async () => (policy ??= await this.findings.policy(manager));
    const inserts: FindingEntity[] = [];
    const updates: FindingEntity[] = [];
    const records: Change[] = [];
    const seen = new Set<string>();
    const findingIds: string[] = [];
    for (const observation of report.observations) {
      const key = `${subjectKey(observation.subject)}:${observation.dedupKey}`;
      if (seen.has(key)) throw new Error(`Observation ${key} is reported twice`);
      seen.add(key);
      const found = byKey.get(key);
      if (!found) {
        const created = newFinding(
          report,
          observation,
          actor,
          now,
          slaDueAt(await slaPolicy(), observation.severity, now),
        );
        inserts.push(created);
        findingIds.push(created.id);
        records.push(this.change(null, created, now, null));
        counts.opened++;
        continue;
      }
      findingIds.push(found.id);
      let next: FindingEntity = {
        ...found,
        title: observation.title,
        description: observation.description ?? null,
        evidence: observation.evidence,
        lastSeenAt: now,
        serviceId: observation.subject.serviceId ?? found.serviceId,
      };
      if (found.status === 'resolved') {
        next = changeStatus(
          next,
          { to: 'open', by: actor.id, reason: `Seen again by ${report.source}.` },
          now,
          await slaPolicy(),
        );
        records.push(this.change(found, next, now, next.statusReason));
        counts.reopened++;
      } else counts.refreshed++;
      if (next.severity !== observation.severity) {
        const before = next;
        next = {
          ...next,
          severity: observation.severity,
          severityRank: severityRank(observation.severity),
          slaDueAt: slaDueAt(await slaPolicy(), observation.severity, next.openedAt),
          version: next.version + 1,
          updatedAt: now,
        };
        records.push({
          action: 'finding.severity_changed',
          targetType: 'finding',
          targetId: found.id,
          before: toFindingRecord(toFindingModel(before, now)),
          after: toFindingRecord(toFindingModel(next, now)),
          reason: `${report.source} now reports it as ${observation.severity}.`,
        });
      }
      updates.push(next);
    }
    const checked = report.checkedKeys ? new Set(report.checkedKeys) : null;
    for (const row of existing) {
      const key = `${row.subjectType}:${row.subjectId}:${row.dedupKey}`;
      if (seen.has(key) || !RESOLVABLE_BY_SCAN.includes(row.status)) continue;
      if (checked && !checked.has(row.dedupKey)) continue;
      const found = row;
      const next = changeStatus(
        found,
        { to: 'resolved', by: actor.id, reason: `No longer seen by ${report.source}.` },
        now,
        await slaPolicy(),
      );
      updates.push(next);
      records.push(this.change(found, next, now, next.statusReason));
      counts.resolved++;
    }
    await insertRows(manager, FindingEntity, inserts);
    await saveFindings(manager, updates);
    await this.changes.recordMany(manager, actor, records);
    return { counts, findingIds };
  }

  private change(
    before: FindingEntity | null,
    after: FindingEntity,
    now: Date,
    reason: string | null,
  ): Change {
    return {
      action: statusAction(before?.status ?? null, after.status),
      targetType: 'finding',
      targetId: after.id,
      before: before ? toFindingRecord(toFindingModel(before, now)) : null,
      after: toFindingRecord(toFindingModel(after, now)),
      reason,
    };
  }
}

function newFinding(
  report: ScanReport,
  observation: Observation,
  actor: Actor,
  now: Date,
  due: Date | null,
): FindingEntity {
  return {
    id: newId(),
    kind: report.kind,
    source: report.source,
    dedupKey: observation.dedupKey,
    subjectType: observation.subject.type,
    subjectId: observation.subject.id,
    serviceId: observation.subject.serviceId ?? null,
    title: observation.title,
    description: observation.description ?? null,
    severity: observation.severity,
    severityRank: severityRank(observation.severity),
    status: 'open',
    evidence: observation.evidence,
    firstSeenAt: now,
    lastSeenAt: now,
    openedAt: now,
    resolvedAt: null,
    reopenCount: 0,
    slaDueAt: due,
    slaBreachedAt: null,
    statusReason: null,
    statusChangedBy: actor.id,
    statusChangedAt: now,
    justification: null,
    acceptedBy: null,
    acceptedUntil: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
