import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compliance history for reading: one row per stretch of one outcome of a (control, subject), so
 * posture as of an instant and period reports read intervals, not every result. Results of one
 * control by time answer "did it run in the period".
 */
export class AddOutcomeIntervals1764232600000 implements MigrationInterface {
  name = 'AddOutcomeIntervals1764232600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE compliance_outcome_intervals (
         subject_id uuid NOT NULL,
         control_id uuid NOT NULL,
         started_at timestamptz NOT NULL,
         subject_type text NOT NULL,
         outcome text NOT NULL,
         first_result_id uuid NOT NULL,
         last_result_id uuid NOT NULL,
         last_evaluated_at timestamptz NOT NULL,
         ended_at timestamptz,
         CONSTRAINT compliance_outcome_intervals_pkey PRIMARY KEY (subject_id, control_id, started_at),
         CONSTRAINT compliance_outcome_intervals_outcome_check
           CHECK (outcome IN ('passed', 'failed', 'waived', 'error', 'not_applicable'))
       )`,
    );
    await db.query(
      `CREATE UNIQUE INDEX compliance_outcome_intervals_current_key
         ON compliance_outcome_intervals (subject_id, control_id) WHERE ended_at IS NULL`,
    );
    await db.query(
      `CREATE INDEX compliance_outcome_intervals_control_idx ON compliance_outcome_intervals (control_id, started_at)`,
    );
    await db.query(
      `CREATE INDEX compliance_results_control_idx ON compliance_results (control_id, evaluated_at)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX compliance_results_control_idx');
    await db.query('DROP TABLE compliance_outcome_intervals');
  }
}
