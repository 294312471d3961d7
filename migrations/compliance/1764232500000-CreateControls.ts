import { MigrationInterface, QueryRunner } from 'typeorm';

/** Compliance controls and their immutable versions, library loads, waivers, scans, results and evidence. */
export class CreateControls1764232500000 implements MigrationInterface {
  name = 'CreateControls1764232500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE compliance_controls (
         id uuid PRIMARY KEY,
         slug text NOT NULL,
         title text NOT NULL,
         description text,
         severity text NOT NULL,
         frameworks jsonb NOT NULL,
         subject_type text NOT NULL,
         scope jsonb NOT NULL,
         mode text NOT NULL,
         expression text NOT NULL,
         remediation text,
         origin text NOT NULL,
         version integer NOT NULL,
         created_by text NOT NULL,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL,
         CONSTRAINT compliance_controls_slug_key UNIQUE (slug),
         CONSTRAINT compliance_controls_mode_check CHECK (mode IN ('enforce', 'report', 'disabled'))
       )`,
    );
    await db.query(
      `CREATE TABLE compliance_control_versions (
         control_id uuid NOT NULL,
         version integer NOT NULL,
         title text NOT NULL,
         description text,
         severity text NOT NULL,
         frameworks jsonb NOT NULL,
         subject_type text NOT NULL,
         scope jsonb NOT NULL,
         mode text NOT NULL,
         expression text NOT NULL,
         remediation text,
         created_by text NOT NULL,
         created_at timestamptz NOT NULL,
         CONSTRAINT compliance_control_versions_pkey PRIMARY KEY (control_id, version),
         CONSTRAINT compliance_control_versions_control_id_fkey
           FOREIGN KEY (control_id) REFERENCES compliance_controls (id)
       )`,
    );
    await db.query(
      `CREATE INDEX compliance_control_versions_created_idx ON compliance_control_versions (created_at)`,
    );
    await db.query(
      `CREATE TABLE compliance_library_loads (
         library text CONSTRAINT compliance_library_loads_pkey PRIMARY KEY,
         loaded_at timestamptz NOT NULL,
         controls integer NOT NULL
       )`,
    );
    await db.query(
      `CREATE TABLE compliance_waivers (
         id uuid PRIMARY KEY,
         control_id uuid NOT NULL,
         subject_type text NOT NULL,
         subject_id uuid NOT NULL,
         reason text NOT NULL,
         requested_by text NOT NULL,
         approved_by text NOT NULL,
         expires_at timestamptz NOT NULL,
         revoked_at timestamptz,
         revoked_reason text,
         version integer NOT NULL,
         created_at timestamptz NOT NULL,
         CONSTRAINT compliance_waivers_control_id_fkey FOREIGN KEY (control_id) REFERENCES compliance_controls (id)
       )`,
    );
    await db.query(
      `CREATE INDEX compliance_waivers_control_subject_idx
         ON compliance_waivers (control_id, subject_type, subject_id, expires_at)`,
    );
    await db.query(
      `CREATE TABLE compliance_scans (
         id uuid PRIMARY KEY,
         status text NOT NULL,
         trigger text NOT NULL,
         requested_by text NOT NULL,
         filter jsonb NOT NULL,
         platform jsonb NOT NULL,
         subjects_total integer NOT NULL,
         subjects_done integer NOT NULL,
         counts jsonb NOT NULL,
         started_at timestamptz NOT NULL,
         finished_at timestamptz,
         CONSTRAINT compliance_scans_status_check CHECK (status IN ('running', 'completed'))
       )`,
    );
    await db.query(
      `CREATE TABLE compliance_scan_subjects (
         scan_id uuid NOT NULL,
         subject_id uuid NOT NULL,
         done_at timestamptz NOT NULL,
         CONSTRAINT compliance_scan_subjects_pkey PRIMARY KEY (scan_id, subject_id)
       )`,
    );
    await db.query(
      `CREATE TABLE compliance_evidence (
         sha256 text CONSTRAINT compliance_evidence_pkey PRIMARY KEY,
         inputs jsonb NOT NULL
       )`,
    );
    await db.query(
      `CREATE TABLE compliance_results (
         id uuid PRIMARY KEY,
         scan_id uuid NOT NULL,
         control_id uuid NOT NULL,
         control_version integer NOT NULL,
         subject_type text NOT NULL,
         subject_id uuid NOT NULL,
         outcome text NOT NULL,
         message text,
         evidence_sha256 text NOT NULL,
         waiver_id uuid,
         finding_id uuid,
         evaluated_at timestamptz NOT NULL,
         CONSTRAINT compliance_results_outcome_check
           CHECK (outcome IN ('passed', 'failed', 'waived', 'error', 'not_applicable'))
       )`,
    );
    await db.query(`CREATE INDEX compliance_results_scan_idx ON compliance_results (scan_id, id)`);
    await db.query(
      `CREATE INDEX compliance_results_subject_idx ON compliance_results (subject_id, control_id, evaluated_at)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE compliance_results');
    await db.query('DROP TABLE compliance_evidence');
    await db.query('DROP TABLE compliance_scan_subjects');
    await db.query('DROP TABLE compliance_scans');
    await db.query('DROP TABLE compliance_waivers');
    await db.query('DROP TABLE compliance_library_loads');
    await db.query('DROP TABLE compliance_control_versions');
    await db.query('DROP TABLE compliance_controls');
  }
}
