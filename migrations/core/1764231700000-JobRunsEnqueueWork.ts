import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled jobs now enqueue work on the queue (pg-boss) instead of running in the process that
 * claimed the slot: a run row is the claim, and its outcome lives on the queue's job of the same
 * id. pg-boss's own schema ("pgboss") is installed by pg-boss at start, beside these migrations.
 */
export class JobRunsEnqueueWork1764231700000 implements MigrationInterface {
  name = 'JobRunsEnqueueWork1764231700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX job_runs_status_idx`);
    await db.query(
      `ALTER TABLE job_runs DROP COLUMN status, DROP COLUMN finished_at, DROP COLUMN counts, DROP COLUMN error`,
    );
    await db.query(`ALTER TABLE job_runs RENAME COLUMN started_at TO claimed_at`);
    await db.query(`CREATE INDEX job_runs_claimed_at_idx ON job_runs (claimed_at)`);
    // Housekeeping deletes published events past the retention period.
    await db.query(
      `CREATE INDEX outbox_events_published_at_idx ON outbox_events (published_at) WHERE published_at IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX outbox_events_published_at_idx`);
    await db.query(`DROP INDEX job_runs_claimed_at_idx`);
    await db.query(`ALTER TABLE job_runs RENAME COLUMN claimed_at TO started_at`);
    await db.query(
      `ALTER TABLE job_runs ADD COLUMN status text NOT NULL DEFAULT 'succeeded', ADD COLUMN finished_at timestamptz,
         ADD COLUMN counts jsonb NOT NULL DEFAULT '{}', ADD COLUMN error text`,
    );
    await db.query(`ALTER TABLE job_runs ALTER COLUMN status DROP DEFAULT`);
    await db.query(`CREATE INDEX job_runs_status_idx ON job_runs (status, started_at)`);
  }
}
