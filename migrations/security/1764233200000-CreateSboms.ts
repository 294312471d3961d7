import { MigrationInterface, QueryRunner } from 'typeorm';

/** A release's SBOM (one per release, replaced by a newer upload) and the components it lists. */
export class CreateSboms1764233200000 implements MigrationInterface {
  name = 'CreateSboms1764233200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE sboms (
         id uuid NOT NULL,
         release_id uuid NOT NULL,
         format text NOT NULL,
         spec_version text NOT NULL,
         sha256 text NOT NULL,
         subject jsonb,
         has_dependency_graph boolean NOT NULL,
         component_count integer NOT NULL,
         problems jsonb NOT NULL,
         media_type text NOT NULL,
         document bytea NOT NULL,
         uploaded_by text NOT NULL,
         uploaded_at timestamptz NOT NULL,
         last_scanned_at timestamptz,
         last_scan jsonb,
         CONSTRAINT sboms_pkey PRIMARY KEY (id),
         CONSTRAINT sboms_release_id_key UNIQUE (release_id),
         CONSTRAINT sboms_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases (id),
         CONSTRAINT sboms_format_check CHECK (format IN ('cyclonedx', 'spdx'))
       )`,
    );
    await db.query(
      `CREATE TABLE sbom_components (
         id uuid NOT NULL,
         release_id uuid NOT NULL,
         path text NOT NULL,
         ref text,
         name text NOT NULL,
         "group" text,
         version text,
         purl text,
         ecosystem text,
         package_name text NOT NULL,
         licenses jsonb NOT NULL,
         scope text,
         dependency text,
         matching text NOT NULL,
         CONSTRAINT sbom_components_pkey PRIMARY KEY (id),
         CONSTRAINT sbom_components_release_id_fkey FOREIGN KEY (release_id) REFERENCES sboms (release_id)
           ON DELETE CASCADE,
         CONSTRAINT sbom_components_dependency_check CHECK (dependency IN ('direct', 'transitive')),
         CONSTRAINT sbom_components_matching_check
           CHECK (matching IN ('evaluated', 'no_ecosystem', 'no_version_order', 'no_version'))
       )`,
    );
    // A release's components in document order (ids are UUIDv7s given in that order).
    await db.query(`CREATE INDEX sbom_components_release_idx ON sbom_components (release_id, id)`);
    // "Which releases contain lodash": by name, with or without the ecosystem; also how a scan's
    // advisories are looked up per package.
    await db.query(`CREATE INDEX sbom_components_package_idx ON sbom_components (package_name, ecosystem)`);
    await db.query(`CREATE INDEX sbom_components_purl_idx ON sbom_components (purl) WHERE purl IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE sbom_components');
    await db.query('DROP TABLE sboms');
  }
}
