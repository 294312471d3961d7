import { MigrationInterface, QueryRunner } from 'typeorm';

/** Compliance controls, their immutable versions, the record of library loads, and waivers. */
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
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE compliance_waivers');
    await db.query('DROP TABLE compliance_library_loads');
    await db.query('DROP TABLE compliance_control_versions');
    await db.query('DROP TABLE compliance_controls');
  }
}
