import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ControlSubjectType } from '../controls/control-language';
import { FrameworkId } from '../frameworks/frameworks';

export const SCAN_STATUSES = ['running', 'completed'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

export const RESULT_OUTCOMES = ['passed', 'failed', 'waived', 'error', 'not_applicable'] as const;
export type ResultOutcome = (typeof RESULT_OUTCOMES)[number];

export type OutcomeCounts = Record<ResultOutcome, number>;

/** What a scan was asked to cover; null fields: everything. */
export interface ScanFilter {
  controlId: string | null;
  framework: FrameworkId | null;
  subjectId: string | null;
}

/**
 * One scan: its filter, the platform inputs read once at its start (every subject's checks see
 * the same), and its progress, moved by each subject's job as it commits.
 */
@Entity({ name: 'compliance_scans' })
@Check('compliance_scans_status_check', `status IN ('running', 'completed')`)
export class ScanEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  status: ScanStatus;

  /** `schedule` (COMPLIANCE_SCAN_CRON) or `manual`. */
  @Column('text')
  trigger: 'schedule' | 'manual';

  @Column('text')
  requestedBy: string;

  @Column('jsonb')
  filter: ScanFilter;

  @Column('jsonb')
  platform: Record<string, unknown>;

  @Column('int')
  subjectsTotal: number;

  @Column('int')
  subjectsDone: number;

  @Column('jsonb')
  counts: OutcomeCounts;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}

/** A subject of a scan whose job has committed: a retried job finds it here and does nothing. */
@Entity({ name: 'compliance_scan_subjects' })
export class ScanSubjectEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'compliance_scan_subjects_pkey' })
  scanId: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'compliance_scan_subjects_pkey' })
  subjectId: string;

  @Column('timestamptz')
  doneAt: Date;
}

/**
 * The evidence of results: the exact inputs a check was evaluated over, stored once per distinct
 * content, keyed by the SHA-256 (hex) of their canonical JSON (keys sorted, no spaces), so an
 * auditor can recompute the hash from what is served.
 */
@Entity({ name: 'compliance_evidence' })
export class EvidenceEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'compliance_evidence_pkey' })
  sha256: string;

  @Column('jsonb')
  inputs: Record<string, unknown>;
}

/**
 * One control evaluated on one subject by one scan; never changed. Points at the control version
 * it ran (and so its expression), its evidence, the waiver that applied and the finding it
 * opened or refreshed.
 */
@Entity({ name: 'compliance_results' })
@Index('compliance_results_scan_idx', ['scanId', 'id'])
@Index('compliance_results_subject_idx', ['subjectId', 'controlId', 'evaluatedAt'])
@Index('compliance_results_control_idx', ['controlId', 'evaluatedAt'])
@Check(
  'compliance_results_outcome_check',
  `outcome IN ('passed', 'failed', 'waived', 'error', 'not_applicable')`,
)
export class ResultEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  scanId: string;

  @Column('uuid')
  controlId: string;

  @Column('int')
  controlVersion: number;

  @Column('text')
  subjectType: ControlSubjectType;

  @Column('uuid')
  subjectId: string;

  @Column('text')
  outcome: ResultOutcome;

  /** Why an `error` (the evaluation's message). */
  @Column('text', { nullable: true })
  message: string | null;

  @Column('text')
  evidenceSha256: string;

  @Column('uuid', { nullable: true })
  waiverId: string | null;

  @Column('uuid', { nullable: true })
  findingId: string | null;

  @Column('timestamptz')
  evaluatedAt: Date;
}
