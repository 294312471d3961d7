import { EntityManager } from 'typeorm';
import { ResultEntity } from '../scans/scan.entity';

/**
 * Folds one subject's new results into its outcome intervals, in the transaction that stores
 * them: an open interval with the same outcome takes the result as its latest; one with another
 * outcome ends when the result was evaluated and a new interval begins with it. One statement
 * whatever the number of controls. A result older than the open interval (a slow job of an
 * earlier scan committing late) changes nothing, so history only moves forward.
 */
export async function recordOutcomes(manager: EntityManager, results: ResultEntity[]): Promise<void> {
  if (results.length === 0) return;
  const rows = JSON.stringify(
    results.map((r) => ({
      id: r.id,
      subject_id: r.subjectId,
      subject_type: r.subjectType,
      control_id: r.controlId,
      outcome: r.outcome,
      at: r.evaluatedAt.toISOString(),
      control_version: r.controlVersion,
      evidence_sha256: r.evidenceSha256,
    })),
  );
  // One statement: the UPDATE (a CTE) moves the open intervals on, and the INSERT begins one for
  // every pair left without an open interval. The INSERT's snapshot still shows the intervals the
  // UPDATE ended as open, so those are told apart through what the UPDATE returned. A late result
  // of an earlier scan finds its pair open with a newer result, and is history already told.
  await manager.query(
    `WITH r AS (SELECT * FROM ${RESULTS}),
     moved AS (
       UPDATE compliance_outcome_intervals AS i
          SET last_result_id = CASE WHEN i.outcome = r.outcome THEN r.id ELSE i.last_result_id END,
              last_evaluated_at = CASE WHEN i.outcome = r.outcome THEN r.at ELSE i.last_evaluated_at END,
              last_control_version = CASE WHEN i.outcome = r.outcome THEN r.control_version ELSE i.last_control_version END,
              last_evidence_sha256 = CASE WHEN i.outcome = r.outcome THEN r.evidence_sha256 ELSE i.last_evidence_sha256 END,
              ended_at = CASE WHEN i.outcome = r.outcome THEN NULL ELSE r.at END
         FROM r
        WHERE i.subject_id = r.subject_id AND i.control_id = r.control_id AND i.ended_at IS NULL
          AND i.last_evaluated_at <= r.at
       RETURNING i.subject_id, i.control_id, i.ended_at IS NOT NULL AS ended
     )
     INSERT INTO compliance_outcome_intervals
       (subject_id, control_id, started_at, subject_type, outcome,
        first_result_id, first_control_version, first_evidence_sha256,
        last_result_id, last_evaluated_at, last_control_version, last_evidence_sha256)
     SELECT r.subject_id, r.control_id, r.at, r.subject_type, r.outcome,
            r.id, r.control_version, r.evidence_sha256, r.id, r.at, r.control_version, r.evidence_sha256
       FROM r
      WHERE NOT EXISTS (
        SELECT 1 FROM compliance_outcome_intervals AS i
         WHERE i.subject_id = r.subject_id AND i.control_id = r.control_id AND i.ended_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM moved
                            WHERE moved.subject_id = i.subject_id AND moved.control_id = i.control_id
                              AND moved.ended))
     ON CONFLICT DO NOTHING`,
    [rows],
  );
}

const RESULTS = `jsonb_to_recordset($1::jsonb)
  AS r(id uuid, subject_id uuid, subject_type text, control_id uuid, outcome text, at timestamptz,
       control_version int, evidence_sha256 text)`;
