import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox relay: each event records the transaction that wrote it (`xid`: txid_current(), i.e.
 * pg_current_xact_id() as a bigint), so the relay reads only events whose transaction is older than every transaction
 * still running, in (xid, id) order, and never passes over one that commits late. Each subscriber
 * remembers how far it has read in `outbox_positions`.
 */
export class OutboxRelay1764231800000 implements MigrationInterface {
  name = 'OutboxRelay1764231800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE outbox_events ADD COLUMN xid bigint NOT NULL DEFAULT txid_current()`);
    await db.query(`CREATE INDEX outbox_events_xid_idx ON outbox_events (xid, id)`);
    await db.query(
      `CREATE TABLE outbox_positions (
         subscriber text PRIMARY KEY,
         last_xid bigint NOT NULL,
         last_id uuid NOT NULL,
         updated_at timestamptz NOT NULL
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE outbox_positions`);
    await db.query(`DROP INDEX outbox_events_xid_idx`);
    await db.query(`ALTER TABLE outbox_events DROP COLUMN xid`);
  }
}
