import { MigrationInterface, QueryRunner } from 'typeorm';

/** Services and environments. */
export class CreateCatalog1764230500000 implements MigrationInterface {
  name = 'CreateCatalog1764230500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE services (
        id uuid NOT NULL,
        slug text NOT NULL,
        name text NOT NULL,
        owner_team text NOT NULL,
        repository_url text,
        criticality text NOT NULL,
        links jsonb NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        archived_at timestamptz,
        CONSTRAINT services_pkey PRIMARY KEY (id)
      )`);
    await db.query(`CREATE UNIQUE INDEX services_slug_key ON services (slug)`);
    await db.query(`CREATE INDEX services_owner_team_idx ON services (owner_team)`);

    await db.query(`
      CREATE TABLE environments (
        id uuid NOT NULL,
        slug text NOT NULL,
        name text NOT NULL,
        tier text NOT NULL,
        rank integer NOT NULL,
        is_protected boolean NOT NULL,
        endpoint_urls text array NOT NULL,
        facts jsonb NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        archived_at timestamptz,
        CONSTRAINT environments_pkey PRIMARY KEY (id)
      )`);
    await db.query(`CREATE UNIQUE INDEX environments_slug_key ON environments (slug)`);
    // Lists are in promotion order and hide archived rows.
    await db.query(`CREATE INDEX environments_rank_idx ON environments (rank, id) WHERE archived_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE environments`);
    await db.query(`DROP TABLE services`);
  }
}
