import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock';
import { JobsConfig } from '../config/config';
import { Transactions } from '../database/transactions';
import { JobQueue } from '../jobs/job-queue.service';
import { OnJob } from '../jobs/on-job.decorator';
import {
  batchSizeOf,
  deliveryJobType,
  isBatchSubscriber,
  matchesType,
  OutboxSubscriber,
  OutboxSubscribers,
} from './outbox-subscribers';

/** Events read for one subscriber per pass. */
const BATCH = 500;
/** Passes per relay job; what is left waits for the next tick. */
const MAX_PASSES = 20;
/** pg_try_advisory_xact_lock key of the relay: one pass at a time across processes. */
const RELAY_LOCK = 0x6f7574626f78; // "outbox"

/**
 * Only events of transactions older than every transaction still running: those with an xid below
 * the snapshot's xmin have all committed or rolled back, so no event can later appear before the
 * last one read. (An id or timestamp is taken before commit, in no particular commit order.)
 */
const SETTLED = `xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;

interface EventRow {
  id: string;
  xid: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
}

export type RelayResult = Record<'enqueued' | 'published', number>;

/**
 * Hands committed outbox events to every subscriber wanting them: for each subscriber, in one
 * transaction, reads the settled events after its position in (xid, id) order, enqueues one
 * `outbox.<subscriber>` job per matching event (keyed by subject, so a subject's jobs run in
 * order) and moves the position past them; a crash before commit leaves both undone, so nothing
 * is lost or enqueued twice. Events every subscriber has passed get `published_at`.
 */
@Injectable()
export class OutboxRelay {
  constructor(
    private readonly subscribers: OutboxSubscribers,
    private readonly queue: JobQueue,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  @OnJob('core.outbox_relay', {
    schedule: (get) => get(JobsConfig).outboxRelayCron,
    // One relay queued or running at a time; the advisory lock covers a direct call too.
    policy: 'exclusive',
    retryLimit: 0,
    timeoutSeconds: 120,
  })
  async run(): Promise<RelayResult> {
    return this.relay();
  }

  /** Relays until nothing settled is left (or MAX_PASSES); tests call it directly. */
  async relay(): Promise<RelayResult> {
    const total: RelayResult = { enqueued: 0, published: 0 };
    for (let pass = 0; pass < MAX_PASSES; pass += 1) {
      const result = await this.pass();
      total.enqueued += result.enqueued;
      total.published += result.published;
      if (!result.more) break;
    }
    return total;
  }

  private pass(): Promise<{ enqueued: number; published: number; more: boolean }> {
    return this.transactions.run(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock($1) AS locked`,
        [RELAY_LOCK],
      );
      if (!locked) return { enqueued: 0, published: 0, more: false };
      const subscribers = this.subscribers.all();
      let enqueued = 0;
      let more = false;
      for (const subscriber of subscribers) {
        const read = await this.relayTo(manager, subscriber);
        enqueued += read.enqueued;
        more ||= read.full;
      }
      const published = await this.markPublished(
        manager,
        subscribers.map((s) => s.name),
      );
      return { enqueued, published, more };
    });
  }

  private async relayTo(
    manager: EntityManager,
    subscriber: OutboxSubscriber,
  ): Promise<{ enqueued: number; full: boolean }> {
    const [position] = await manager.query<{ last_xid: string; last_id: string }[]>(
      `SELECT last_xid::text AS last_xid, last_id FROM outbox_positions WHERE subscriber = $1 FOR UPDATE`,
      [subscriber.name],
    );
    if (!position) return { enqueued: 0, full: false };
    const events = await manager.query<EventRow[]>(
      `SELECT id, xid::text AS xid, type, aggregate_type, aggregate_id FROM outbox_events
        WHERE (xid, id) > ($1::bigint, $2::uuid) AND ${SETTLED}
        ORDER BY xid, id LIMIT ${BATCH}`,
      [position.last_xid, position.last_id],
    );
    if (events.length === 0) return { enqueued: 0, full: false };
    const matching = events.filter((event) => matchesType(subscriber.types, event.type));
    const jobs = isBatchSubscriber(subscriber)
      ? chunks(matching, batchSizeOf(subscriber)).map((chunk) => ({
          payload: { eventIds: chunk.map((event) => event.id) },
        }))
      : matching.map((event) => ({
          payload: { eventId: event.id },
          singletonKey: `${event.aggregate_type}:${event.aggregate_id}`,
        }));
    await this.queue.enqueueMany(deliveryJobType(subscriber.name), jobs, { manager });
    const last = events[events.length - 1];
    await manager.query(
      `UPDATE outbox_positions SET last_xid = $2, last_id = $3, updated_at = $4 WHERE subscriber = $1`,
      [subscriber.name, last.xid, last.id, this.clock.now()],
    );
    return { enqueued: matching.length, full: events.length === BATCH };
  }

  /** Every subscriber's position has passed these (with none registered: every settled event). */
  private async markPublished(manager: EntityManager, names: string[]): Promise<number> {
    const passed =
      names.length === 0
        ? SETTLED
        : `(xid, id) <= (SELECT last_xid, last_id FROM outbox_positions WHERE subscriber = ANY($2)
                          ORDER BY last_xid, last_id LIMIT 1)`;
    const [, affected] = await manager.query<[unknown, number]>(
      `UPDATE outbox_events SET published_at = $1 WHERE published_at IS NULL AND ${passed}`,
      names.length === 0 ? [this.clock.now()] : [this.clock.now(), names],
    );
    return affected;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
