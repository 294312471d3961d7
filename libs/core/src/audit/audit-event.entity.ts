import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonObject } from '../json';

/** Append-only; each row's hash covers its content and the previous row's hash. */
@Entity({ name: 'audit_events' })
@Index('audit_events_target_idx', ['targetType', 'targetId', 'seq'])
export class AuditEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Position in the hash chain; gap-free because it is assigned under a lock. */
  @Index('audit_events_seq_key', { unique: true })
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  seq: number;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('text')
  actorKind: string;

  @Column('text')
  actorId: string;

  @Column('text')
  actorName: string;

  @Column('text')
  action: string;

  @Column('text')
  targetType: string;

  @Column('text')
  targetId: string;

  @Column('text')
  requestId: string;

  @Column('jsonb', { nullable: true })
  before: JsonObject | null;

  @Column('jsonb', { nullable: true })
  after: JsonObject | null;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('char', { length: 64 })
  prevHash: string;

  @Column('char', { length: 64 })
  hash: string;
}
