import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  ChangeRecorder,
  Clock,
  Input,
  JobContext,
  JobQueue,
  JobResult,
  JobsConfig,
  Metrics,
  newId,
  OnJob,
  OutboundConfig,
  OutboundHttp,
  OutboundResponse,
  OutboundResult,
  OutboxEvent,
  OutboxSubscribers,
  Prop,
  systemActor,
  Transactions,
} from '@opsplane/core';
import { ArrayMaxSize, ArrayMinSize } from 'class-validator';
import { Counter } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { EntityManager, IsNull } from 'typeorm';
import { WebhooksConfig } from '../integrations.config';
import { nextAttemptAt } from './retry-schedule';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';
import { selects, signedHeaders, webhookBody, webhookSigners } from './webhook-message';
import { ATTEMPT_JOB, cancelPendingDeliveries, WEBHOOK, WebhooksService } from './webhooks.service';

/** First attempts of one webhook's deliveries queued as one job, at most (the events of one relay batch). */
const MAX_DELIVERIES_PER_JOB = 50;

@Input('WebhookAttemptJob')
export class WebhookAttemptJob {
  /** Deliveries of one webhook, attempted together (a retry or a redelivery: one). */
  @Prop.uuid({ isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DELIVERIES_PER_JOB)
  deliveryIds: string[];
}

/** Bytes of a receiver's answer kept in the delivery log. */
const RESPONSE_KEPT_BYTES = 1024;

/** An event no longer kept (pruned past the retention period): nothing to send. */
interface Gone {
  ok: false;
  gone: true;
  durationMs: 0;
}

/** What one attempt reads: the delivery, its webhook and its event (null columns when pruned). */
interface AttemptRow {
  id: string;
  job_id: string | null;
  webhook_id: string;
  url: string;
  sealed_secret: string;
  previous_sealed_secret: string | null;
  previous_secret_expires_at: Date | null;
  disabled_at: Date | null;
  event_id: string | null;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: OutboxEvent['payload'];
  request_id: string;
  occurred_at: Date;
}

/**
 * How events reach webhooks. The outbox subscriber `webhooks` gets every committed event (in order
 * per subject) and, in one transaction, creates a delivery for each enabled webhook that selects it
 * and queues its first attempt. Each attempt is a job of its own (`integrations.webhook_attempt`,
 * grouped per webhook so one slow receiver holds at most WEBHOOKS_CONCURRENCY_PER_WEBHOOK slots of a
 * process), so a failing receiver delays neither other webhooks nor the events behind it. A failed
 * attempt schedules the next (backoff with jitter, `retry-schedule.ts`) as a delayed job, recorded on
 * the delivery; a webhook with no successful delivery for a whole retry period is disabled.
 */
@Injectable()
export class WebhookDeliveries implements OnModuleInit {
  private readonly logger = new Logger(WebhookDeliveries.name);
  private readonly attemptsCounter: Counter<'outcome'>;

  constructor(
    private readonly subscribers: OutboxSubscribers,
    private readonly queue: JobQueue,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly outbound: OutboundHttp,
    private readonly outboundConfig: OutboundConfig,
    private readonly webhooks: WebhooksService,
    private readonly changes: ChangeRecorder,
    private readonly config: WebhooksConfig,
    private readonly jobs: JobsConfig,
    metrics: Metrics,
  ) {
    this.attemptsCounter = new Counter({
      name: 'opsplane_webhook_attempts_total',
      help: 'Webhook delivery attempts made by this process, by outcome (succeeded, failed).',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
  }

  async onModuleInit(): Promise<void> {
    const perWebhook = this.config.concurrencyPerWebhook;
    await this.queue.define(
      ATTEMPT_JOB,
      {
        payload: WebhookAttemptJob,
        concurrency: 16,
        // Two jobs per fetch (8 workers), so a backlog is worked off back to back; a slow receiver
        // holds up at most the one other job fetched with its own.
        batchSize: 2,
        // One job of a webhook at a time per process; inside it, perWebhook requests at once.
        groupConcurrency: 1,
        // HTTP failures are retried by the delivery's own schedule; these retries are for attempts
        // whose process died or whose database write failed.
        retryLimit: 3,
        retryDelaySeconds: 5,
        timeoutSeconds:
          Math.ceil(this.outboundConfig.timeoutMs / 1000) * Math.ceil(MAX_DELIVERIES_PER_JOB / perWebhook) +
          30,
      },
      (payload, context) => this.attempt((payload as WebhookAttemptJob).deliveryIds, context),
    );
    await this.subscribers.register({
      name: 'webhooks',
      types: ['*'],
      // Each delivery is attempted (and retried) on its own, so receivers get no order anyway:
      // events come in batches, in any order.
      handleBatch: (events) => this.fanOut(events).then(() => undefined),
      batchSize: MAX_DELIVERIES_PER_JOB,
      concurrency: 4,
    });
  }

  /**
   * One delivery per (event, enabled webhook selecting it), in one transaction with one job per
   * webhook queueing their first attempts; a repeated hand-over adds nothing.
   */
  async fanOut(events: OutboxEvent[]): Promise<number> {
    return this.transactions.run(async (manager) => {
      const webhooks = await manager.find(WebhookEntity, {
        select: { id: true, eventTypes: true, serviceIds: true, environmentIds: true, severities: true },
        where: { disabledAt: IsNull() },
      });
      const now = this.clock.now();
      const retryUntil = new Date(now.getTime() + this.webhooks.retryPeriodMs);
      const rows: { id: string; webhookId: string; eventId: string; eventType: string; jobId: string }[] = [];
      for (const webhook of webhooks) {
        const jobId = newId();
        for (const event of events)
          if (selects(webhook, event))
            rows.push({
              id: newId(),
              webhookId: webhook.id,
              eventId: event.id,
              eventType: event.type,
              jobId,
            });
      }
      if (rows.length === 0) return 0;
      const created = await manager.query<{ id: string; webhook_id: string; job_id: string }[]>(
        `INSERT INTO webhook_deliveries
           (id, webhook_id, event_id, event_type, status, attempts, job_id, next_attempt_at, retry_until, created_at)
         SELECT row.id, row."webhookId", row."eventId", row."eventType", 'pending', 0, row."jobId", $2, $3, $2
           FROM json_to_recordset($1::json) AS row(id uuid, "webhookId" uuid, "eventId" uuid, "eventType" text, "jobId" uuid)
         ON CONFLICT ON CONSTRAINT webhook_deliveries_event_key DO NOTHING
         RETURNING id, webhook_id, job_id`,
        [JSON.stringify(rows), now, retryUntil],
      );
      const byJob = new Map<string, { webhookId: string; deliveryIds: string[] }>();
      for (const row of created) {
        const job = byJob.get(row.job_id) ?? { webhookId: row.webhook_id, deliveryIds: [] };
        job.deliveryIds.push(row.id);
        byJob.set(row.job_id, job);
      }
      await this.queue.enqueueMany(
        ATTEMPT_JOB,
        [...byJob].map(([jobId, job]) => ({
          payload: { deliveryIds: job.deliveryIds },
          id: jobId,
          group: job.webhookId,
        })),
        { manager },
      );
      return created.length;
    });
  }

  /**
   * One attempt of each delivery (all of one webhook) this job is still the one meant to make,
   * up to WEBHOOKS_CONCURRENCY_PER_WEBHOOK at once.
   */
  async attempt(deliveryIds: string[], context: Pick<JobContext, 'jobId'>): Promise<JobResult> {
    const manager = this.transactions.manager();
    // The deliveries, their webhook and their events in one round trip.
    const rows = await manager.query<AttemptRow[]>(
      `SELECT d.id, d.job_id, d.webhook_id, w.url, w.sealed_secret, w.previous_sealed_secret,
              w.previous_secret_expires_at, w.disabled_at, e.id AS event_id, e.type, e.aggregate_type,
              e.aggregate_id, e.payload, e.request_id, e.occurred_at
         FROM webhook_deliveries d
         JOIN webhooks w ON w.id = d.webhook_id
         LEFT JOIN outbox_events e ON e.id = d.event_id
        WHERE d.id = ANY($1::uuid[])
        ORDER BY d.id`,
      [deliveryIds],
    );
    // Deleted with their webhook, finished, or redelivered/cancelled since this job was queued.
    const mine = rows.filter((row) => row.job_id === context.jobId);
    if (mine.length === 0) return { attempted: 0 };
    if (mine[0].disabled_at) {
      await cancelPendingDeliveries(manager, mine[0].webhook_id);
      return { attempted: 0 };
    }
    // One webhook's deliveries: its secrets are unsealed, and their signers made, once for all of them.
    const signers = webhookSigners(
      this.webhooks.signingSecrets(
        {
          id: mine[0].webhook_id,
          sealedSecret: mine[0].sealed_secret,
          previousSealedSecret: mine[0].previous_sealed_secret,
          previousSecretExpiresAt: mine[0].previous_secret_expires_at,
        },
        this.clock.now(),
      ),
    );
    const succeeded: { row: AttemptRow; startedAt: Date; result: OutboundResponse }[] = [];
    let next = 0;
    const sendNext = async (): Promise<void> => {
      while (next < mine.length) {
        const row = mine[next++];
        const startedAt = this.clock.now();
        if (!row.event_id) {
          await this.recordFailure(row.id, context.jobId, startedAt, {
            ok: false,
            gone: true,
            durationMs: 0,
          });
          continue;
        }
        const result = await this.send(row, startedAt, signers);
        const ok = result.ok && result.status >= 200 && result.status < 300;
        this.attemptsCounter.inc({ outcome: ok ? 'succeeded' : 'failed' });
        if (ok) succeeded.push({ row, startedAt, result });
        else await this.recordFailure(row.id, context.jobId, startedAt, result);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.config.concurrencyPerWebhook, mine.length) }, sendNext),
    );
    await this.recordSuccesses(context.jobId, succeeded);
    return { attempted: mine.length, succeeded: succeeded.length };
  }

  private send(row: AttemptRow, sentAt: Date, signers: Webhook[]): Promise<OutboundResult> {
    const body = webhookBody({
      id: row.event_id!,
      type: row.type,
      aggregateType: row.aggregate_type,
      aggregateId: row.aggregate_id,
      payload: row.payload,
      requestId: row.request_id,
      occurredAt: row.occurred_at,
    });
    return this.outbound.request(row.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Opsplane-Webhooks/1',
        ...signedHeaders(row.event_id!, sentAt, body, signers),
      },
      body,
      maxResponseBytes: RESPONSE_KEPT_BYTES,
    });
  }

  /**
   * Successes, all in one statement (the common case, kept to one round trip): a delivery is
   * succeeded whoever asked for the attempt; only if this job was still the one named is nothing
   * left scheduled (a redelivery asked for since still goes out).
   */
  private async recordSuccesses(
    jobId: string,
    succeeded: { row: AttemptRow; startedAt: Date; result: OutboundResponse }[],
  ): Promise<void> {
    if (succeeded.length === 0) return;
    const attempts = succeeded.map(({ row, startedAt, result }) => ({
      attemptId: newId(),
      deliveryId: row.id,
      startedAt: startedAt.toISOString(),
      status: result.status,
      durationMs: result.durationMs,
      body: keptBody(result),
    }));
    await this.transactions.manager().query(
      `WITH input AS (
         SELECT * FROM json_to_recordset($1::json) AS x(
           "attemptId" uuid, "deliveryId" uuid, "startedAt" timestamptz, status int, "durationMs" int, body text)),
       delivered AS (
         UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1, status = 'succeeded', delivered_at = $3,
                last_attempt_at = input."startedAt", last_status_code = input.status, last_error = NULL,
                next_attempt_at = CASE WHEN d.job_id = $2 THEN NULL ELSE d.next_attempt_at END,
                job_id = CASE WHEN d.job_id = $2 THEN NULL ELSE d.job_id END
           FROM input WHERE d.id = input."deliveryId"
          RETURNING d.id, d.attempts)
       INSERT INTO webhook_delivery_attempts
         (id, delivery_id, attempt, started_at, duration_ms, succeeded, status_code, response_body)
       SELECT input."attemptId", delivered.id, delivered.attempts, input."startedAt", input."durationMs", true,
              input.status, input.body
         FROM delivered JOIN input ON input."deliveryId" = delivered.id`,
      [JSON.stringify(attempts), jobId, this.clock.now()],
    );
  }

  /** A failed attempt and what follows from it, in one transaction with the delivery locked. */
  private async recordFailure(
    deliveryId: string,
    jobId: string,
    startedAt: Date,
    result: OutboundResult | Gone,
  ): Promise<void> {
    await this.transactions.run(async (manager) => {
      const delivery = await manager.findOne(WebhookDeliveryEntity, {
        where: { id: deliveryId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!delivery) return;
      const now = this.clock.now();
      const attempt = delivery.attempts + 1;
      const statusCode = result.ok ? result.status : null;
      const error = describeFailure(result);
      // A redelivery or a cancellation since this attempt began decides what comes next, not this job.
      const stillMine = delivery.jobId === jobId;
      const gone = 'gone' in result;
      const next = !stillMine || gone ? null : nextAttemptAt(now, attempt, delivery.retryUntil, this.config);
      const nextJobId = next ? newId() : null;
      await manager.insert(WebhookAttemptEntity, {
        id: newId(),
        deliveryId,
        attempt,
        startedAt,
        durationMs: result.durationMs,
        succeeded: false,
        statusCode,
        error,
        responseBody: result.ok ? keptBody(result) : null,
        nextAttemptAt: next,
      });
      await manager.update(
        WebhookDeliveryEntity,
        { id: deliveryId },
        {
          attempts: attempt,
          lastAttemptAt: startedAt,
          lastStatusCode: statusCode,
          lastError: error,
          ...(stillMine && { status: next ? 'retrying' : 'failed', jobId: nextJobId, nextAttemptAt: next }),
        },
      );
      if (next && nextJobId) {
        await this.queue.enqueue(
          ATTEMPT_JOB,
          { deliveryIds: [deliveryId] },
          { id: nextJobId, startAfter: next, group: delivery.webhookId, manager },
        );
      } else if (stillMine && !gone) {
        await this.disableIfFailingForAPeriod(manager, delivery.webhookId, now, error);
      }
    });
  }

  /** Disables a webhook none of whose deliveries succeeded during the last retry period. */
  private async disableIfFailingForAPeriod(
    manager: EntityManager,
    webhookId: string,
    now: Date,
    lastError: string,
  ): Promise<void> {
    const since = new Date(now.getTime() - this.webhooks.retryPeriodMs);
    const [succeeded] = await manager.query<unknown[]>(
      `SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1 AND delivered_at >= $2 LIMIT 1`,
      [webhookId, since],
    );
    if (succeeded) return;
    const webhook = await manager.findOne(WebhookEntity, {
      where: { id: webhookId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!webhook || webhook.disabledAt) return;
    const reason =
      `No delivery succeeded from ${since.toISOString()} to ${now.toISOString()} ` +
      `(a whole retry period, ${this.config.retryPeriodSeconds} s); the last attempt: ${lastError}.`;
    this.logger.warn(`Webhook ${webhookId} disabled: ${reason}`);
    await this.changes.edit(
      manager,
      systemActor('webhooks', `webhook-disable:${webhookId}`),
      WEBHOOK,
      { id: webhookId, verb: 'disabled', reason },
      (entity) => ({ ...entity, disabledAt: now, disabledReason: reason, updatedAt: now }),
    );
    await cancelPendingDeliveries(manager, webhookId);
  }

  /** Finished deliveries (and their attempts) past JOBS_RETENTION_DAYS. */
  @OnJob('integrations.webhook_housekeeping', {
    schedule: (get) => get(JobsConfig).housekeepingCron,
    policy: 'exclusive',
    retryLimit: 2,
    timeoutSeconds: 600,
  })
  async prune(): Promise<JobResult> {
    const before = new Date(this.clock.now().getTime() - this.jobs.retentionDays * 86_400_000);
    const [, deleted] = await this.transactions
      .manager()
      .query<[unknown, number]>(
        `DELETE FROM webhook_deliveries WHERE created_at < $1 AND status IN ('succeeded', 'failed', 'cancelled')`,
        [before],
      );
    return { deliveriesDeleted: deleted };
  }
}

/** The start of a receiver's answer as stored (PostgreSQL text holds no NUL); null when empty. */
function keptBody(result: OutboundResponse): string | null {
  return result.body ? result.body.replaceAll('\u0000', '') : null;
}

function describeFailure(result: OutboundResult | Gone): string {
  if ('gone' in result) return 'the event is no longer kept (past the retention period)';
  if (result.ok) {
    const redirect = result.status >= 300 && result.status < 400 ? ' (redirects are not followed)' : '';
    return `HTTP ${result.status}${redirect}`;
  }
  return `${result.failure}: ${result.message}`;
}
