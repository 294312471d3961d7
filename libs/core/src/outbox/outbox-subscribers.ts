import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock';
import { Transactions } from '../database/transactions';
import { JobQueue } from '../jobs/job-queue.service';
import { JobContext } from '../jobs/on-job.decorator';
import { JsonObject } from '../json';
import { Input, Prop } from '../schema/fields';
import { OutboxEventEntity } from './outbox-event.entity';

/** An event as a subscriber receives it: what `ChangeRecorder.record` wrote, once it has committed. */
export interface OutboxEvent {
  id: string;
  /** `<resource>.<verb>`, e.g. `deployment.started`. */
  type: string;
  /** The subject: one aggregate's events reach a subscriber in the order they happened. */
  aggregateType: string;
  aggregateId: string;
  payload: JsonObject;
  requestId: string;
  occurredAt: Date;
}

/**
 * A consumer of the outbox, declared in code by a lib and registered in its module's
 * `onModuleInit` with `OutboxSubscribers.register`. Each subscriber has its own position in the
 * outbox and its own job type, `outbox.<name>` (one job per event, its retries and concurrency its
 * own), so a slow or failing subscriber delays only itself.
 */
export interface OutboxSubscriber {
  /** Lower-case letters, digits, `_` and `-`; its job type is `outbox.<name>`. Never rename one: the name holds its position. */
  name: string;
  /** Event types it wants: exact (`incident.resolved`), a prefix wildcard (`deployment.*`) or `*`. */
  types: string[];
  /**
   * Handles one event, as a job: idempotent (an attempt whose process died is run again). Throwing
   * retries it with backoff; until it succeeds (or lands as failed) the later events of the same
   * subject wait for it, the other subjects do not.
   */
  handle(event: OutboxEvent, context: JobContext): Promise<void>;
  /** Events of different subjects handled at once by one process. Default 4. */
  concurrency?: number;
  /** Default 5. */
  retryLimit?: number;
  /** Default 5, backed off exponentially. */
  retryDelaySeconds?: number;
  /** Default 60. */
  timeoutSeconds?: number;
}

@Input('OutboxDeliveryJob')
export class OutboxDeliveryJob {
  @Prop.uuid()
  eventId: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** `*`, `deployment.*` or an exact type. */
export function matchesType(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) =>
    pattern === '*'
      ? true
      : pattern.endsWith('.*')
        ? type.startsWith(pattern.slice(0, -1))
        : pattern === type,
  );
}

/** The job type that delivers events to `subscriber`. */
export const deliveryJobType = (subscriber: string) => `outbox.${subscriber}`;

/**
 * The outbox's subscribers (libs register theirs in `onModuleInit`). Registering defines the
 * subscriber's job type (policy `key_strict_fifo`, keyed by subject) and, the first time a name is
 * seen, starts its position at the end of the outbox: it receives events committed from then on.
 */
@Injectable()
export class OutboxSubscribers {
  private readonly subscribers = new Map<string, OutboxSubscriber>();

  constructor(
    private readonly queue: JobQueue,
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  async register(subscriber: OutboxSubscriber): Promise<void> {
    if (!NAME.test(subscriber.name))
      throw new Error(`Outbox subscriber name "${subscriber.name}" is not valid`);
    if (this.subscribers.has(subscriber.name))
      throw new Error(`Outbox subscriber ${subscriber.name} is registered twice`);
    if (subscriber.types.length === 0) throw new Error(`Outbox subscriber ${subscriber.name} wants no types`);
    await this.queue.define(
      deliveryJobType(subscriber.name),
      {
        payload: OutboxDeliveryJob,
        policy: 'key_strict_fifo',
        concurrency: subscriber.concurrency ?? 4,
        retryLimit: subscriber.retryLimit ?? 5,
        retryDelaySeconds: subscriber.retryDelaySeconds ?? 5,
        retryBackoff: true,
        timeoutSeconds: subscriber.timeoutSeconds ?? 60,
      },
      (payload, context) => this.deliver(subscriber, payload as OutboxDeliveryJob, context),
    );
    this.subscribers.set(subscriber.name, subscriber);
    // The end of what is readable now: every event after it commits later and is delivered.
    await this.dataSource.query(
      `INSERT INTO outbox_positions (subscriber, last_xid, last_id, updated_at)
       SELECT $1, coalesce(head.xid, 0), coalesce(head.id, '00000000-0000-0000-0000-000000000000'), $2
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT xid, id FROM outbox_events
            WHERE xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
            ORDER BY xid DESC, id DESC LIMIT 1) head ON true
       ON CONFLICT (subscriber) DO NOTHING`,
      [subscriber.name, this.clock.now()],
    );
  }

  all(): OutboxSubscriber[] {
    return [...this.subscribers.values()];
  }

  private async deliver(
    subscriber: OutboxSubscriber,
    job: OutboxDeliveryJob,
    context: JobContext,
  ): Promise<{ delivered: number }> {
    const event = await this.transactions
      .manager()
      .findOne(OutboxEventEntity, { where: { id: job.eventId } });
    if (!event) return { delivered: 0 }; // pruned long after it was published
    await subscriber.handle(
      {
        id: event.id,
        type: event.type,
        aggregateType: event.aggregateType,
        aggregateId: event.aggregateId,
        payload: event.payload,
        requestId: event.requestId,
        occurredAt: event.occurredAt,
      },
      context,
    );
    return { delivered: 1 };
  }
}
