import { Model, PageOf, Prop } from '@opsplane/core';
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
  UNRESOLVED_STATUSES,
} from '../finding-status';

export const FINDING_STATUS_RULES =
  'open → triaged | resolved | accepted | false_positive; triaged → open | resolved | accepted | false_positive; ' +
  'accepted → open | resolved; resolved → open; false_positive → open. A scan that no longer sees the problem ' +
  'resolves an open, triaged or accepted finding; seeing a resolved one again reopens it (same finding, ' +
  '`reopenCount` + 1, a new SLA clock). An accepted risk reopens when `acceptedUntil` passes.';

@Model(
  'Finding',
  `A problem a scan found on a service, environment or release, for as long as it exists. ${FINDING_STATUS_RULES}`,
)
export class FindingModel {
  @Prop.uuid()
  id: string;

  @Prop.enum(FINDING_KINDS, 'FindingKind')
  kind: FindingKind;

  @Prop.string({
    maxLength: 100,
    description: 'Who reports it (`compliance`, `osv`, `endpoint-scan` …); only its scans resolve it.',
  })
  source: string;

  @Prop.string({
    maxLength: 500,
    description:
      'What makes two observations the same problem for this source and subject (e.g. a control id).',
  })
  dedupKey: string;

  @Prop.enum(SUBJECT_TYPES, 'FindingSubjectType')
  subjectType: SubjectType;

  @Prop.uuid({ description: 'The service, environment or release it is about.' })
  subjectId: string;

  @Prop.uuid({ nullable: true, description: 'The service of a service or release subject.' })
  serviceId: string | null;

  @Prop.string({ maxLength: 500 })
  title: string;

  @Prop.string({ nullable: true, maxLength: 20_000 })
  description: string | null;

  @Prop.enum(FINDING_SEVERITIES, 'FindingSeverity', { description: 'critical (worst) … info.' })
  severity: FindingSeverity;

  @Prop.enum(FINDING_STATUSES, 'FindingStatus')
  status: FindingStatus;

  @Prop.json({ description: 'What the source saw the last time, as it reported it.' })
  evidence: Record<string, unknown>;

  @Prop.date()
  firstSeenAt: Date;

  @Prop.date({ description: 'The latest scan that saw it.' })
  lastSeenAt: Date;

  @Prop.date({ description: 'When its SLA clock started: first seen, or the latest reopen.' })
  openedAt: Date;

  @Prop.date({ nullable: true, description: 'When it was (last) resolved; a reopen clears it.' })
  resolvedAt: Date | null;

  @Prop.int({ min: 0 })
  reopenCount: number;

  @Prop.date({
    nullable: true,
    description: 'openedAt + the SLA policy’s days for its severity; null when the policy sets none.',
  })
  slaDueAt: Date | null;

  @Prop.date({
    nullable: true,
    description: 'When the due date was seen to pass while unresolved (`finding.sla_breached`).',
  })
  slaBreachedAt: Date | null;

  @Prop.bool({ description: 'Open or triaged and past slaDueAt, now.' })
  overdue: boolean;

  @Prop.string({ nullable: true, maxLength: 2000, description: 'Why the latest status change was made.' })
  statusReason: string | null;

  @Prop.string({ description: 'Actor id of the latest status change (`system:<source>` for a scan).' })
  statusChangedBy: string;

  @Prop.date()
  statusChangedAt: Date;

  @Prop.enum(FINDING_JUSTIFICATIONS, 'FindingJustification', {
    nullable: true,
    description: 'Why it is a false positive or an accepted risk, as a CycloneDX VEX justification.',
  })
  justification: FindingJustification | null;

  @Prop.string({ nullable: true, maxLength: 200, description: 'Who approved the accepted risk.' })
  acceptedBy: string | null;

  @Prop.date({ nullable: true, description: 'When the accepted risk expires and the finding reopens.' })
  acceptedUntil: Date | null;

  @Prop.int({
    min: 1,
    description:
      'Increments on every audited change (status, severity, SLA), not on a scan’s refresh; send it back as If-Match.',
  })
  version: number;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;
}

export const FindingPage = PageOf(FindingModel, 'FindingPage');

export const FINDING_COLUMNS = [
  'id',
  'kind',
  'source',
  'dedupKey',
  'subjectType',
  'subjectId',
  'serviceId',
  'title',
  'description',
  'severity',
  'status',
  'evidence',
  'firstSeenAt',
  'lastSeenAt',
  'openedAt',
  'resolvedAt',
  'reopenCount',
  'slaDueAt',
  'slaBreachedAt',
  'statusReason',
  'statusChangedBy',
  'statusChangedAt',
  'justification',
  'acceptedBy',
  'acceptedUntil',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof FindingModel)[];

export type FindingRow = Pick<FindingModel, (typeof FINDING_COLUMNS)[number]>;

/** `overdue` is judged at `now` (the Clock's). */
export function toFindingModel(row: FindingRow, now: Date): FindingModel {
  return {
    id: row.id,
    kind: row.kind,
    source: row.source,
    dedupKey: row.dedupKey,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    serviceId: row.serviceId,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    evidence: row.evidence,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    openedAt: row.openedAt,
    resolvedAt: row.resolvedAt,
    reopenCount: row.reopenCount,
    slaDueAt: row.slaDueAt,
    slaBreachedAt: row.slaBreachedAt,
    overdue: isOverdue(row, now),
    statusReason: row.statusReason,
    statusChangedBy: row.statusChangedBy,
    statusChangedAt: row.statusChangedAt,
    justification: row.justification,
    acceptedBy: row.acceptedBy,
    acceptedUntil: row.acceptedUntil,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function isOverdue(row: Pick<FindingRow, 'status' | 'slaDueAt'>, now: Date): boolean {
  return UNRESOLVED_STATUSES.includes(row.status) && row.slaDueAt !== null && row.slaDueAt <= now;
}

/**
 * What the audit log and outbox keep of a finding: everything but the evidence, which can be large
 * and is the source's, not a change anyone made (the finding itself keeps the latest).
 */
export function toFindingRecord(model: FindingModel): Omit<FindingModel, 'evidence'> {
  const { evidence: _evidence, ...rest } = model;
  return rest;
}
