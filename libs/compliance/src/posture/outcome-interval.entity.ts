import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ControlSubjectType } from '../controls/control-language';
import { ResultOutcome } from '../scans/scan.entity';

/**
 * How compliance history is stored for reading: one row per stretch of time a (control, subject)
 * had one outcome, from the result that began it to the first result with another outcome (open
 * while it lasts). Hourly scans write one result per pair and hour, but outcomes change rarely, so
 * posture as of any instant and a period's pass rate, failing intervals and time to remediate are
 * read from a few rows per pair instead of every result (a year of hourly scans of 3,000 pairs is
 * 26 M results and, at a change a week, 150 k intervals). Results stay the record: each interval
 * names the result that began it and the latest one seen, with what posture shows of each.
 */
@Entity({ name: 'compliance_outcome_intervals' })
@Index('compliance_outcome_intervals_current_key', ['subjectId', 'controlId'], {
  unique: true,
  where: 'ended_at IS NULL',
})
@Index('compliance_outcome_intervals_control_idx', ['controlId', 'startedAt'])
@Check(
  'compliance_outcome_intervals_outcome_check',
  `outcome IN ('passed', 'failed', 'waived', 'error', 'not_applicable')`,
)
export class OutcomeIntervalEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'compliance_outcome_intervals_pkey' })
  subjectId: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'compliance_outcome_intervals_pkey' })
  controlId: string;

  @PrimaryColumn('timestamptz', { primaryKeyConstraintName: 'compliance_outcome_intervals_pkey' })
  startedAt: Date;

  @Column('text')
  subjectType: ControlSubjectType;

  @Column('text')
  outcome: ResultOutcome;

  /** The result that began the interval (evaluated at startedAt), its control version and evidence. */
  @Column('uuid')
  firstResultId: string;

  @Column('int')
  firstControlVersion: number;

  @Column('text')
  firstEvidenceSha256: string;

  /** The latest result of the interval: when it was evaluated, its control version and evidence. */
  @Column('uuid')
  lastResultId: string;

  @Column('timestamptz')
  lastEvaluatedAt: Date;

  @Column('int')
  lastControlVersion: number;

  @Column('text')
  lastEvidenceSha256: string;

  /** When a result with another outcome was evaluated; null while the interval lasts. */
  @Column('timestamptz', { nullable: true })
  endedAt: Date | null;
}
