import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far the relay has handed the outbox to one subscriber: the (xid, id) of the last event it
 * read for it. Updated in the transaction that enqueues the subscriber's jobs, so a crash neither
 * loses nor repeats a delivery.
 */
@Entity({ name: 'outbox_positions' })
export class OutboxPositionEntity {
  @PrimaryColumn('text')
  subscriber: string;

  @Column('bigint')
  lastXid: string;

  @Column('uuid')
  lastId: string;

  @Column('timestamptz')
  updatedAt: Date;
}
