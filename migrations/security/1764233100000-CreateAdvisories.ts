import { MigrationInterface, QueryRunner } from 'typeorm';

/** The advisory database: OSV records as imported, and the packages each names (for matching). */
export class CreateAdvisories1764233100000 implements MigrationInterface {
  name = 'CreateAdvisories1764233100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE advisories (
         id uuid NOT NULL,
         osv_id text NOT NULL,
         aliases text[] NOT NULL,
         summary text,
         modified timestamptz NOT NULL,
         published timestamptz,
         severity text NOT NULL,
         record jsonb NOT NULL,
         imported_at timestamptz NOT NULL,
         CONSTRAINT advisories_pkey PRIMARY KEY (id),
         CONSTRAINT advisories_osv_id_key UNIQUE (osv_id),
         CONSTRAINT advisories_severity_check CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info'))
       )`,
    );
    // "Which records does CVE-… go by": an alias lookup, so GIN over the array.
    await db.query(`CREATE INDEX advisories_aliases_idx ON advisories USING gin (aliases)`);
    // The list: newest change first.
    await db.query(`CREATE INDEX advisories_modified_idx ON advisories (modified, id)`);
    await db.query(
      `CREATE TABLE advisory_packages (
         advisory_id uuid NOT NULL,
         ecosystem text NOT NULL,
         name text NOT NULL,
         CONSTRAINT advisory_packages_pkey PRIMARY KEY (advisory_id, ecosystem, name),
         CONSTRAINT advisory_packages_advisory_id_fkey FOREIGN KEY (advisory_id)
           REFERENCES advisories (id) ON DELETE CASCADE
       )`,
    );
    await db.query(`CREATE INDEX advisory_packages_package_idx ON advisory_packages (ecosystem, name)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE advisory_packages');
    await db.query('DROP TABLE advisories');
  }
}
