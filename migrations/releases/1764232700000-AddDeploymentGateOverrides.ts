import { MigrationInterface, QueryRunner } from 'typeorm';

/** The gates other than the freeze (compliance, …) an admin let a deployment through, with reason and who. */
export class AddDeploymentGateOverrides1764232700000 implements MigrationInterface {
  name = 'AddDeploymentGateOverrides1764232700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deployments ADD COLUMN gate_overrides jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE deployments DROP COLUMN gate_overrides');
  }
}
