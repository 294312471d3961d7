import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the advisory database is synced from, and what the last sync of each source saw. */
export class CreateAdvisorySources1764233300000 implements MigrationInterface {
  name = 'CreateAdvisorySources1764233300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE advisory_sources (
         url text NOT NULL,
         etag text,
         last_modified text,
         checked_at timestamptz,
         synced_at timestamptz,
         last_status text,
         last_error text,
         last_import jsonb,
         CONSTRAINT advisory_sources_pkey PRIMARY KEY (url),
         CONSTRAINT advisory_sources_last_status_check
           CHECK (last_status IN ('imported', 'not_modified', 'failed'))
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE advisory_sources');
  }
}
