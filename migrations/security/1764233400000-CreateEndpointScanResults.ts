import { MigrationInterface, QueryRunner } from 'typeorm';

/** The latest endpoint scan of each of an environment's URLs: what compliance controls read. */
export class CreateEndpointScanResults1764233400000 implements MigrationInterface {
  name = 'CreateEndpointScanResults1764233400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE endpoint_scan_results (
         environment_id uuid NOT NULL,
         url text NOT NULL,
         scanned_at timestamptz NOT NULL,
         reachable boolean NOT NULL,
         result jsonb NOT NULL,
         CONSTRAINT endpoint_scan_results_pkey PRIMARY KEY (environment_id, url),
         CONSTRAINT endpoint_scan_results_environment_id_fkey FOREIGN KEY (environment_id)
           REFERENCES environments (id)
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE endpoint_scan_results');
  }
}
