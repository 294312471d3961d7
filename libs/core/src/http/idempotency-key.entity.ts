import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonObject } from '../json';

/** The stored outcome of a creating POST, so a retry with the same key gets the same answer. */
@Entity({ name: 'idempotency_keys' })
@Index('idempotency_keys_expires_idx', ['expiresAt'])
export class IdempotencyKeyEntity {
  /** Keys are scoped per caller: two pipelines may pick the same key without colliding. */
  @PrimaryColumn('text')
  actorId: string;

  @PrimaryColumn('text')
  key: string;

  /** SHA-256 of method, route and canonical body: the same key with another request is refused. */
  @Column('char', { length: 64 })
  requestHash: string;

  /** Null until the request that claimed the key commits its response. */
  @Column('jsonb', { nullable: true })
  responseBody: JsonObject | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;
}
