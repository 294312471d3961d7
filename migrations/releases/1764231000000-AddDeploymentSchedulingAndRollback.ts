import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled deployments (a due time and an expiry), rollbacks (links both ways), what runs where
 * (`current_deployments`, kept up to date on every success) and pins.
 */
export class AddDeploymentSchedulingAndRollback1764231000000 implements MigrationInterface {
  name = 'AddDeploymentSchedulingAndRollback1764231000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deployments
        ADD COLUMN scheduled_for timestamptz,
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN rollback_of uuid,
        ADD COLUMN rolled_back_at timestamptz,
        ADD COLUMN rollback_deployment_id uuid,
        ADD CONSTRAINT deployments_rollback_of_fkey FOREIGN KEY (rollback_of) REFERENCES deployments (id),
        ADD CONSTRAINT deployments_rollback_deployment_id_fkey
          FOREIGN KEY (rollback_deployment_id) REFERENCES deployments (id),
        ADD CONSTRAINT deployments_rolled_back_check
          CHECK ((rolled_back_at IS NULL) = (rollback_deployment_id IS NULL))`);
    // The scheduler's two scans touch only the few deployments still waiting.
    await db.query(`
      CREATE INDEX deployments_due_idx ON deployments (scheduled_for) WHERE status = 'scheduled'`);
    await db.query(`
      CREATE INDEX deployments_expiring_idx ON deployments (expires_at)
        WHERE status IN ('pending_approval', 'scheduled') AND expires_at IS NOT NULL`);
    // History of one service in one environment, newest first (also finds a rollback's target).
    await db.query(
      `CREATE INDEX deployments_environment_service_idx ON deployments (environment_id, service_id, id)`,
    );

    await db.query(`
      CREATE TABLE current_deployments (
        environment_id uuid NOT NULL,
        service_id uuid NOT NULL,
        deployment_id uuid NOT NULL,
        release_id uuid NOT NULL,
        succeeded_at timestamptz NOT NULL,
        CONSTRAINT current_deployments_pkey PRIMARY KEY (environment_id, service_id),
        CONSTRAINT current_deployments_environment_id_fkey
          FOREIGN KEY (environment_id) REFERENCES environments (id),
        CONSTRAINT current_deployments_service_id_fkey FOREIGN KEY (service_id) REFERENCES services (id),
        CONSTRAINT current_deployments_deployment_id_fkey
          FOREIGN KEY (deployment_id) REFERENCES deployments (id),
        CONSTRAINT current_deployments_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases (id)
      )`);
    await db.query(`
      INSERT INTO current_deployments (environment_id, service_id, deployment_id, release_id, succeeded_at)
      SELECT DISTINCT ON (environment_id, service_id) environment_id, service_id, id, release_id, finished_at
        FROM deployments
       WHERE status = 'succeeded'
       ORDER BY environment_id, service_id, finished_at DESC, id DESC`);

    await db.query(`
      CREATE TABLE deployment_pins (
        environment_id uuid NOT NULL,
        service_id uuid NOT NULL,
        release_id uuid,
        reason text NOT NULL,
        pinned_by text NOT NULL,
        pinned_at timestamptz NOT NULL,
        CONSTRAINT deployment_pins_pkey PRIMARY KEY (environment_id, service_id),
        CONSTRAINT deployment_pins_environment_id_fkey FOREIGN KEY (environment_id) REFERENCES environments (id),
        CONSTRAINT deployment_pins_service_id_fkey FOREIGN KEY (service_id) REFERENCES services (id),
        CONSTRAINT deployment_pins_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases (id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deployment_pins`);
    await db.query(`DROP TABLE current_deployments`);
    await db.query(`DROP INDEX deployments_environment_service_idx`);
    await db.query(`DROP INDEX deployments_expiring_idx`);
    await db.query(`DROP INDEX deployments_due_idx`);
    await db.query(`
      ALTER TABLE deployments
        DROP CONSTRAINT deployments_rolled_back_check,
        DROP CONSTRAINT deployments_rollback_deployment_id_fkey,
        DROP CONSTRAINT deployments_rollback_of_fkey,
        DROP COLUMN rollback_deployment_id,
        DROP COLUMN rolled_back_at,
        DROP COLUMN rollback_of,
        DROP COLUMN expires_at,
        DROP COLUMN scheduled_for`);
  }
}
