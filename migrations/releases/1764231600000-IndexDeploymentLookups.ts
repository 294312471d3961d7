import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lookups on deployments that had no index.
 *
 * Change correlation asks which deployments to an incident's services or environments started or
 * finished in the hours before impact. Through the environment and service indexes that reads
 * every deployment of both (200,000 rows, 190 MB, ~0.2 s on the 1M-deployment benchmark set);
 * through these two time ranges it reads a few hundred (~4 ms cold).
 *
 * The rollback links reference deployments from deployments: without an index on the referencing
 * columns, PostgreSQL's foreign-key check scans the whole table for every deployment deleted (the
 * benchmark's clean-up of a few thousand rows ran past the statement timeout). Almost every row
 * holds null there, so the partial indexes stay tiny.
 */
export class IndexDeploymentLookups1764231600000 implements MigrationInterface {
  name = 'IndexDeploymentLookups1764231600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX deployments_started_at_idx ON deployments (started_at) WHERE started_at IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX deployments_finished_at_idx ON deployments (finished_at) WHERE finished_at IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX deployments_rollback_of_idx ON deployments (rollback_of) WHERE rollback_of IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX deployments_rollback_deployment_idx ON deployments (rollback_deployment_id)
         WHERE rollback_deployment_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX deployments_rollback_deployment_idx`);
    await db.query(`DROP INDEX deployments_rollback_of_idx`);
    await db.query(`DROP INDEX deployments_finished_at_idx`);
    await db.query(`DROP INDEX deployments_started_at_idx`);
  }
}
