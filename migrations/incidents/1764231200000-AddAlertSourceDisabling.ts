import { MigrationInterface, QueryRunner } from 'typeorm';

/** Alert sources can be disabled (their deliveries refused) without losing their alerts. */
export class AddAlertSourceDisabling1764231200000 implements MigrationInterface {
  name = 'AddAlertSourceDisabling1764231200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_sources ADD COLUMN disabled_at timestamptz NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_sources DROP COLUMN disabled_at`);
  }
}
