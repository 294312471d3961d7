import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  VersionColumn,
} from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'retrying', 'succeeded', 'failed', 'cancelled'] as const;
/**
 * pending: waiting for its first attempt (or a redelivery); retrying: an attempt failed and the next
 * is scheduled; succeeded: a 2xx came back; failed: the retry period ended without one; cancelled:
 * the webhook was disabled before it succeeded.
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * A URL subscribed to outbox events. The signing secret is kept sealed (SecretBox, context: the
 * webhook's id), since signing needs it back; after a rotation the previous one stays, sealed, and
 * signs beside the new one until `previousSecretExpiresAt`.
 */
@Entity({ name: 'webhooks' })
export class WebhookEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  url: string;

  @Column('text', { nullable: true })
  description: string | null;

  /** Exact types, `<resource>.*` or `*`. */
  @Column('text', { array: true })
  eventTypes: string[];

  /** Filters; empty means any. An event carrying no service (or environment, severity) passes no such filter. */
  @Column('uuid', { array: true, default: () => "'{}'" })
  serviceIds: string[];

  @Column('uuid', { array: true, default: () => "'{}'" })
  environmentIds: string[];

  @Column('text', { array: true, default: () => "'{}'" })
  severities: string[];

  @Column('text')
  sealedSecret: string;

  @Column('text', { nullable: true })
  previousSealedSecret: string | null;

  @Column('timestamptz', { nullable: true })
  previousSecretExpiresAt: Date | null;

  /** Set while disabled (by a person, or by delivery failing for a whole retry period). */
  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  @Column('text', { nullable: true })
  disabledReason: string | null;

  @Column('text')
  createdBy: string;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}

/**
 * One event to one webhook. Created by the fan-out (once per pair: the unique key makes a repeated
 * fan-out a no-op), then attempted by `integrations.webhook_attempt` jobs until it succeeds or its
 * retry period ends. `jobId` is the one job allowed to make the next attempt: a redelivery replaces
 * it, so a retry scheduled before is recognised as stale and does nothing.
 */
@Entity({ name: 'webhook_deliveries' })
@Unique('webhook_deliveries_event_key', ['webhookId', 'eventId'])
@Index('webhook_deliveries_list_idx', ['webhookId', 'id'])
@Index('webhook_deliveries_created_idx', ['createdAt'])
@Check(
  'webhook_deliveries_status_check',
  `status IN ('pending', 'retrying', 'succeeded', 'failed', 'cancelled')`,
)
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  webhookId: string;

  /** Deleting a webhook deletes its delivery log. */
  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'webhook_deliveries_webhook_id_fkey' })
  webhook?: object;

  @Column('uuid')
  eventId: string;

  @Column('text')
  eventType: string;

  @Column('text')
  status: DeliveryStatus;

  @Column('int')
  attempts: number;

  @Column('uuid', { nullable: true })
  jobId: string | null;

  /** When the scheduled attempt is due; null once the delivery is finished. */
  @Column('timestamptz', { nullable: true })
  nextAttemptAt: Date | null;

  /** The end of the current retry period: after it, no more attempts. */
  @Column('timestamptz')
  retryUntil: Date;

  @Column('int', { nullable: true })
  lastStatusCode: number | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz', { nullable: true })
  lastAttemptAt: Date | null;

  @Column('timestamptz', { nullable: true })
  deliveredAt: Date | null;

  @Column('timestamptz')
  createdAt: Date;
}

/** One HTTP attempt of a delivery, as it went: kept for the delivery log. */
@Entity({ name: 'webhook_delivery_attempts' })
@Unique('webhook_delivery_attempts_key', ['deliveryId', 'attempt'])
export class WebhookAttemptEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  deliveryId: string;

  @ManyToOne(() => WebhookDeliveryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'delivery_id',
    foreignKeyConstraintName: 'webhook_delivery_attempts_delivery_id_fkey',
  })
  delivery?: object;

  /** 1 for the first attempt; a redelivery continues the count. */
  @Column('int')
  attempt: number;

  @Column('timestamptz')
  startedAt: Date;

  @Column('int')
  durationMs: number;

  @Column('boolean')
  succeeded: boolean;

  /** The response's status; null when none came back (timeout, refused connection, …). */
  @Column('int', { nullable: true })
  statusCode: number | null;

  /** What went wrong, for people (`timeout: no complete response within 10000 ms`, `HTTP 503`). */
  @Column('text', { nullable: true })
  error: string | null;

  /** The start of the response body, for debugging a receiver (at most 1 KiB). */
  @Column('text', { nullable: true })
  responseBody: string | null;

  /** When the next attempt was scheduled for, after this one; null when none was. */
  @Column('timestamptz', { nullable: true })
  nextAttemptAt: Date | null;
}
