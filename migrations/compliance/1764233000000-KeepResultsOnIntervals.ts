import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each outcome interval keeps what posture shows of its first and latest result (the control
 * version it ran and its evidence hash; when it was evaluated is already there), so posture as of
 * a past instant reads the intervals alone: looking each result up was a random read per pair into
 * the largest table, most of a cold request's time.
 */
export class KeepResultsOnIntervals1764233000000 implements MigrationInterface {
  name = 'KeepResultsOnIntervals1764233000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE compliance_outcome_intervals
         ADD COLUMN first_control_version int, ADD COLUMN first_evidence_sha256 text,
         ADD COLUMN last_control_version int, ADD COLUMN last_evidence_sha256 text`,
    );
    await db.query(
      `UPDATE compliance_outcome_intervals AS i
          SET first_control_version = f.control_version, first_evidence_sha256 = f.evidence_sha256,
              last_control_version = l.control_version, last_evidence_sha256 = l.evidence_sha256
         FROM compliance_results AS f, compliance_results AS l
        WHERE f.id = i.first_result_id AND l.id = i.last_result_id`,
    );
    await db.query(
      `ALTER TABLE compliance_outcome_intervals
         ALTER COLUMN first_control_version SET NOT NULL, ALTER COLUMN first_evidence_sha256 SET NOT NULL,
         ALTER COLUMN last_control_version SET NOT NULL, ALTER COLUMN last_evidence_sha256 SET NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE compliance_outcome_intervals
         DROP COLUMN first_control_version, DROP COLUMN first_evidence_sha256,
         DROP COLUMN last_control_version, DROP COLUMN last_evidence_sha256`,
    );
  }
}
