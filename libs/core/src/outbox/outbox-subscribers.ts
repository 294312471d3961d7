import { Injectable } from '@nestjs/common';
import { ArrayMaxSize } from 'class-validator';
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
 * outbox and its own job type, `outbox.<name>` (its retries and concurrency its own), so a slow or
 * failing subscriber delays only itself. It takes events in one of two ways:
 * - `handle`: one event per job, one subject's events one at a time in the order they happened;
 * - `handleBatch`: up to `batchSize` events per job, in no particular order, for a subscriber that
 *   does not rely on order and wants throughput (webhooks: receivers are not promised an order).
 *   Ordering has a cost: pg-boss finds each subject's head among every waiting job on each fetch,
 *   which grows with a backlog (~50 ms a fetch with 5,000 events waiting, measured).
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
  handle?(event: OutboxEvent, context: JobContext): Promise<void>;
  /** Handles several events as one job, idempotently; throwing retries them all. */
  handleBatch?(events: OutboxEvent[], context: JobContext): Promise<void>;
  /** Events per `handleBatch` job, at most; default 50. */
  batchSize?: number;
  /** Jobs handled at once by one process. Default 4. */
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

@Input('OutboxBatchJob')
export class OutboxBatchJob {
  @Prop.uuid({ isArray: true })
  @ArrayMaxSize(500)
  eventIds: string[];
}

/** Whether the subscriber takes events in batches, unordered. */
export const isBatchSubscriber = (subscriber: OutboxSubscriber) => subscriber.handleBatch !== undefined;

/** Events per job of a batch subscriber. */
export const batchSizeOf = (subscriber: OutboxSubscriber) => Math.min(subscriber.batchSize ?? 50, 500);

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
 * subscriber's job type (policy `key_strict_fifo`, keyed by subject, unless it is not `ordered`) and, the first time a name is
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
    if (!subscriber.handle === !subscriber.handleBatch)
      throw new Error(`Outbox subscriber ${subscriber.name} needs either handle or handleBatch`);
    const batched = isBatchSubscriber(subscriber);
    await this.queue.define(
      deliveryJobType(subscriber.name),
      {
        payload: batched ? OutboxBatchJob : OutboxDeliveryJob,
        policy: batched ? 'standard' : 'key_strict_fifo',
        concurrency: subscriber.concurrency ?? 4,
        // Events are many and short: fetched a few at a time, so a backlog is worked off without
        // waiting for a poll between events.
        batchSize: Math.min(4, subscriber.concurrency ?? 4),
        retryLimit: subscriber.retryLimit ?? 5,
        retryDelaySeconds: subscriber.retryDelaySeconds ?? 5,
        retryBackoff: true,
        timeoutSeconds: subscriber.timeoutSeconds ?? 60,
      },
      (payload, context) =>
        batched
          ? this.deliverBatch(subscriber, payload as OutboxBatchJob, context)
          : this.deliver(subscriber, payload as OutboxDeliveryJob, context),
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
    const [event] = await this.events([job.eventId]);
    if (!event) return { delivered: 0 }; // pruned long after it was published
    await subscriber.handle!(event, context);
    return { delivered: 1 };
  }

  private async deliverBatch(
    subscriber: OutboxSubscriber,
    job: OutboxBatchJob,
    context: JobContext,
  ): Promise<{ delivered: number }> {
    const events = await this.events(job.eventIds);
    if (events.length > 0) await subscriber.handleBatch!(events, context);
    return { delivered: events.length };
  }

  /** The events still kept, in (xid, id) order. */
  private async events(ids: string[]): Promise<OutboxEvent[]> {
    const rows = await this.transactions
      .manager()
      .getRepository(OutboxEventEntity)
      .createQueryBuilder('event')
      .where('event.id IN (:...ids)', { ids })
      .orderBy('event.xid')
      .addOrderBy('event.id')
      .getMany();
    return rows.map((event) => ({
      id: event.id,
      type: event.type,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      payload: event.payload,
      requestId: event.requestId,
      occurredAt: event.occurredAt,
    }));
  }
}
