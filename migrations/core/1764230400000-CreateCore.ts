import { MigrationInterface, QueryRunner } from 'typeorm';

/** Audit log (append-only, hash-chained), outbox, API keys, idempotency keys, job runs. */
export class CreateCore1764230400000 implements MigrationInterface {
  name = 'CreateCore1764230400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_events (
        id uuid NOT NULL,
        seq bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_kind text NOT NULL,
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        request_id text NOT NULL,
        before jsonb,
        after jsonb,
        reason text,
        prev_hash character(64) NOT NULL,
        hash character(64) NOT NULL,
        CONSTRAINT audit_events_pkey PRIMARY KEY (id)
      )`);
    await db.query(`CREATE UNIQUE INDEX audit_events_seq_key ON audit_events (seq)`);
    await db.query(`CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id, seq)`);
    // Append-only in the database too: the application never updates or deletes audit rows, and
    // anyone who does it by hand must first disable this trigger (and will still break the chain).
    await db.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);

    await db.query(`
      CREATE TABLE outbox_events (
        id uuid NOT NULL,
        type text NOT NULL,
        aggregate_type text NOT NULL,
        aggregate_id text NOT NULL,
        payload jsonb NOT NULL,
        request_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        published_at timestamptz,
        CONSTRAINT outbox_events_pkey PRIMARY KEY (id)
      )`);
    await db.query(
      `CREATE INDEX outbox_events_unpublished_idx ON outbox_events (id) WHERE published_at IS NULL`,
    );

    await db.query(`
      CREATE TABLE api_keys (
        id uuid NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        token_hash character(64) NOT NULL,
        token_prefix text NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT api_keys_pkey PRIMARY KEY (id)
      )`);
    await db.query(`CREATE UNIQUE INDEX api_keys_token_hash_key ON api_keys (token_hash)`);

    await db.query(`
      CREATE TABLE idempotency_keys (
        actor_id text NOT NULL,
        key text NOT NULL,
        request_hash character(64) NOT NULL,
        response_body jsonb,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (actor_id, key)
      )`);
    await db.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);

    await db.query(`
      CREATE TABLE job_runs (
        id uuid NOT NULL,
        job text NOT NULL,
        slot timestamptz NOT NULL,
        trigger text NOT NULL,
        status text NOT NULL,
        instance_id text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        counts jsonb NOT NULL DEFAULT '{}',
        error text,
        CONSTRAINT job_runs_pkey PRIMARY KEY (id)
      )`);
    await db.query(`CREATE UNIQUE INDEX job_runs_job_slot_key ON job_runs (job, slot)`);
    await db.query(`CREATE INDEX job_runs_status_idx ON job_runs (status, started_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE job_runs`);
    await db.query(`DROP TABLE idempotency_keys`);
    await db.query(`DROP TABLE api_keys`);
    await db.query(`DROP TABLE outbox_events`);
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP FUNCTION audit_events_append_only`);
  }
}
