import { MigrationInterface, QueryRunner } from 'typeorm';

/** A promotion policy per environment: which ranks a release must come from, and how many successes. */
export class AddPromotionPolicies1764230900000 implements MigrationInterface {
  name = 'AddPromotionPolicies1764230900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE environment_promotion_policies (
        environment_id uuid NOT NULL,
        enabled boolean NOT NULL,
        from_ranks integer[],
        minimum_successes integer NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        CONSTRAINT environment_promotion_policies_pkey PRIMARY KEY (environment_id),
        CONSTRAINT environment_promotion_policies_environment_id_fkey
          FOREIGN KEY (environment_id) REFERENCES environments (id),
        CONSTRAINT environment_promotion_policies_minimum_check CHECK (minimum_successes BETWEEN 1 AND 100),
        CONSTRAINT environment_promotion_policies_ranks_check
          CHECK (from_ranks IS NULL OR cardinality(from_ranks) BETWEEN 1 AND 20)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE environment_promotion_policies`);
  }
}
