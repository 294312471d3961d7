import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonObject } from '../json';

/**
 * Transactional outbox: written in the same transaction as the change it announces, read later
 * by webhook delivery and subscriptions, so no event is sent for a rolled-back change and none
 * is lost for a committed one.
 */
@Entity({ name: 'outbox_events' })
@Index('outbox_events_unpublished_idx', ['id'], { where: 'published_at IS NULL' })
@Index('outbox_events_published_at_idx', ['publishedAt'], { where: 'published_at IS NOT NULL' })
@Index('outbox_events_xid_idx', ['xid', 'id'])
export class OutboxEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  type: string;

  @Column('text')
  aggregateType: string;

  @Column('text')
  aggregateId: string;

  @Column('jsonb')
  payload: JsonObject;

  @Column('text')
  requestId: string;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('timestamptz', { nullable: true })
  publishedAt: Date | null;

  /**
   * The writing transaction's id, 64-bit, set by the database (`txid_current()`: pg_current_xact_id()
   * as a bigint, a form TypeORM compares without casts; the top-level transaction's even inside a
   * savepoint). The relay
   * reads an event only once every transaction that could still commit an older one has finished.
   * Never written by code (inserts leave it to the default).
   */
  @Column({
    type: 'bigint',
    default: () => 'txid_current()',
    insert: false,
    update: false,
    select: false,
  })
  xid?: string;
}
