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

  /**
   * The stored response of a key claimed before responses were sealed (1764232200000); read for
   * replays until those keys expire (HTTP_IDEMPOTENCY_TTL_HOURS), never written.
   */
  @Column('jsonb', { nullable: true })
  responseBody: JsonObject | null;

  /**
   * The response as JSON, sealed by SecretBox (context: actor and key): creating answers may carry
   * a secret shown once (an API key's token, a webhook's signing secret), which must not rest in
   * clear. Null until the request that claimed the key commits its response.
   */
  @Column('text', { nullable: true })
  sealedResponse: string | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;
}
