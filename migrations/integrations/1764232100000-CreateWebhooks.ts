import { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhooks, their deliveries (one per event and webhook) and every attempt of each. */
export class CreateWebhooks1764232100000 implements MigrationInterface {
  name = 'CreateWebhooks1764232100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE webhooks (
         id uuid PRIMARY KEY,
         url text NOT NULL,
         description text,
         event_types text[] NOT NULL,
         service_ids uuid[] NOT NULL DEFAULT '{}',
         environment_ids uuid[] NOT NULL DEFAULT '{}',
         severities text[] NOT NULL DEFAULT '{}',
         sealed_secret text NOT NULL,
         previous_sealed_secret text,
         previous_secret_expires_at timestamptz,
         disabled_at timestamptz,
         disabled_reason text,
         created_by text NOT NULL,
         version integer NOT NULL,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL
       )`,
    );
    await db.query(
      `CREATE TABLE webhook_deliveries (
         id uuid PRIMARY KEY,
         webhook_id uuid NOT NULL,
         event_id uuid NOT NULL,
         event_type text NOT NULL,
         status text NOT NULL,
         attempts integer NOT NULL,
         job_id uuid,
         next_attempt_at timestamptz,
         retry_until timestamptz NOT NULL,
         last_status_code integer,
         last_error text,
         last_attempt_at timestamptz,
         delivered_at timestamptz,
         created_at timestamptz NOT NULL,
         CONSTRAINT webhook_deliveries_event_key UNIQUE (webhook_id, event_id),
         CONSTRAINT webhook_deliveries_status_check
           CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed', 'cancelled')),
         CONSTRAINT webhook_deliveries_webhook_id_fkey
           FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE
       )`,
    );
    await db.query(`CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (webhook_id, id)`);
    await db.query(`CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at)`);
    await db.query(
      `CREATE TABLE webhook_delivery_attempts (
         id uuid PRIMARY KEY,
         delivery_id uuid NOT NULL,
         attempt integer NOT NULL,
         started_at timestamptz NOT NULL,
         duration_ms integer NOT NULL,
         succeeded boolean NOT NULL,
         status_code integer,
         error text,
         response_body text,
         next_attempt_at timestamptz,
         CONSTRAINT webhook_delivery_attempts_key UNIQUE (delivery_id, attempt),
         CONSTRAINT webhook_delivery_attempts_delivery_id_fkey
           FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_delivery_attempts`);
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhooks`);
  }
}
