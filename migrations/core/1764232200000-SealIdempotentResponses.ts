import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored idempotent responses are kept sealed (`sealed_response`), since creating answers may carry a
 * secret shown once. `response_body` stays for keys claimed before, read until they expire.
 */
export class SealIdempotentResponses1764232200000 implements MigrationInterface {
  name = 'SealIdempotentResponses1764232200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE idempotency_keys ADD COLUMN sealed_response text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE idempotency_keys DROP COLUMN sealed_response`);
  }
}
