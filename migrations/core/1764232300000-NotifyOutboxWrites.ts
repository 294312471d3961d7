import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wakes the outbox relay when events commit: a statement-level trigger notifies `opsplane_outbox`
 * once per INSERT statement. PostgreSQL delivers a notification only at commit (none on rollback)
 * and folds identical ones of one transaction into one, so a request writing several events sends
 * one. The payload is empty: the relay reads what is settled, the notification only says "look".
 */
export class NotifyOutboxWrites1764232300000 implements MigrationInterface {
  name = 'NotifyOutboxWrites1764232300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('opsplane_outbox', '');
         RETURN NULL;
       END
       $$`,
    );
    await db.query(
      `CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
         FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER outbox_events_notify ON outbox_events`);
    await db.query(`DROP FUNCTION outbox_events_notify()`);
  }
}
