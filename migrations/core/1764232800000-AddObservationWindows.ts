import { MigrationInterface, QueryRunner } from 'typeorm';

/** An auditor key's observation window: its compliance and audit reads see only [from, to). */
export class AddObservationWindows1764232800000 implements MigrationInterface {
  name = 'AddObservationWindows1764232800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE api_keys ADD COLUMN observation_from timestamptz, ADD COLUMN observation_to timestamptz`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE api_keys DROP COLUMN observation_from, DROP COLUMN observation_to');
  }
}
