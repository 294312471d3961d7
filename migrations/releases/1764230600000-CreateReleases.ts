import { MigrationInterface, QueryRunner } from 'typeorm';

/** Releases with their commits, and deployments of releases into environments. */
export class CreateReleases1764230600000 implements MigrationInterface {
  name = 'CreateReleases1764230600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE releases (
        id uuid NOT NULL,
        service_id uuid NOT NULL,
        version text NOT NULL,
        changelog text,
        artifacts jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        first_deployed_at timestamptz,
        revision integer NOT NULL,
        CONSTRAINT releases_pkey PRIMARY KEY (id),
        CONSTRAINT releases_service_id_fkey FOREIGN KEY (service_id) REFERENCES services (id)
      )`);
    await db.query(`CREATE UNIQUE INDEX releases_service_version_key ON releases (service_id, version)`);
    // A service's releases, newest first (ids are UUIDv7).
    await db.query(`CREATE INDEX releases_service_idx ON releases (service_id, id)`);

    await db.query(`
      CREATE TABLE release_commits (
        release_id uuid NOT NULL,
        position integer NOT NULL,
        sha text NOT NULL,
        message text NOT NULL,
        authored_at timestamptz,
        merged_at timestamptz,
        CONSTRAINT release_commits_pkey PRIMARY KEY (release_id, position),
        CONSTRAINT release_commits_release_id_fkey FOREIGN KEY (release_id)
          REFERENCES releases (id) ON DELETE CASCADE
      )`);

    await db.query(`
      CREATE TABLE deployments (
        id uuid NOT NULL,
        release_id uuid NOT NULL,
        service_id uuid NOT NULL,
        environment_id uuid NOT NULL,
        status text NOT NULL,
        reason text,
        status_reason text,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        queued_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        version integer NOT NULL,
        CONSTRAINT deployments_pkey PRIMARY KEY (id),
        CONSTRAINT deployments_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases (id),
        CONSTRAINT deployments_service_id_fkey FOREIGN KEY (service_id) REFERENCES services (id),
        CONSTRAINT deployments_environment_id_fkey FOREIGN KEY (environment_id) REFERENCES environments (id),
        CONSTRAINT deployments_status_check CHECK (status IN (
          'pending_approval', 'scheduled', 'queued', 'running', 'succeeded', 'failed', 'canceled',
          'rejected', 'expired'
        ))
      )`);
    // Lists filter by one of these and go newest first; an ascending index scans backwards as fast.
    await db.query(`CREATE INDEX deployments_environment_idx ON deployments (environment_id, id)`);
    await db.query(`CREATE INDEX deployments_service_idx ON deployments (service_id, id)`);
    await db.query(`CREATE INDEX deployments_release_idx ON deployments (release_id, id)`);
    // At most one running deployment per (environment, service): the database decides races.
    await db.query(`
      CREATE UNIQUE INDEX deployments_one_running_key ON deployments (environment_id, service_id)
        WHERE status = 'running'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deployments`);
    await db.query(`DROP TABLE release_commits`);
    await db.query(`DROP TABLE releases`);
  }
}
