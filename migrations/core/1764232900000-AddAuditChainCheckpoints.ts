import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the last full verification of the audit chain ended, so verifications rehash only what came after. */
export class AddAuditChainCheckpoints1764232900000 implements MigrationInterface {
  name = 'AddAuditChainCheckpoints1764232900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE audit_chain_checkpoints (
         id smallint NOT NULL,
         through_seq bigint NOT NULL,
         through_hash char(64) NOT NULL,
         verified_at timestamptz NOT NULL,
         CONSTRAINT audit_chain_checkpoints_pkey PRIMARY KEY (id),
         CONSTRAINT audit_chain_checkpoints_one_row CHECK (id = 1)
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_chain_checkpoints');
  }
}
