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
  OutboundResult,
  OutboxEvent,
  OutboxSubscribers,
  Prop,
  systemActor,
  Transactions,
} from '@opsplane/core';
import { Counter } from 'prom-client';
import { EntityManager, IsNull } from 'typeorm';
import { WebhooksConfig } from '../integrations.config';
import { nextAttemptAt } from './retry-schedule';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';
import { selects, signedHeaders, webhookBody } from './webhook-message';
import { ATTEMPT_JOB, cancelPendingDeliveries, WEBHOOK, WebhooksService } from './webhooks.service';

@Input('WebhookAttemptJob')
export class WebhookAttemptJob {
  @Prop.uuid()
  deliveryId: string;
}

/** Bytes of a receiver's answer kept in the delivery log. */
const RESPONSE_KEPT_BYTES = 1024;

interface EventRow {
  id: string;
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
    await this.queue.define(
      ATTEMPT_JOB,
      {
        payload: WebhookAttemptJob,
        concurrency: 16,
        groupConcurrency: this.config.concurrencyPerWebhook,
        // HTTP failures are retried by the delivery's own schedule; these retries are for attempts
        // whose process died or whose database write failed.
        retryLimit: 3,
        retryDelaySeconds: 5,
        timeoutSeconds: Math.ceil(this.outboundConfig.timeoutMs / 1000) + 30,
      },
      (payload, context) => this.attempt((payload as WebhookAttemptJob).deliveryId, context),
    );
    await this.subscribers.register({
      name: 'webhooks',
      types: ['*'],
      concurrency: 8,
      handle: (event) => this.fanOut(event).then(() => undefined),
    });
  }

  /** One delivery per enabled webhook selecting the event, each with its first attempt queued; a repeat adds nothing. */
  async fanOut(event: OutboxEvent): Promise<number> {
    return this.transactions.run(async (manager) => {
      const webhooks = await manager.find(WebhookEntity, {
        select: { id: true, eventTypes: true, serviceIds: true, environmentIds: true, severities: true },
        where: { disabledAt: IsNull() },
      });
      const wanting = webhooks.filter((webhook) => selects(webhook, event));
      if (wanting.length === 0) return 0;
      const now = this.clock.now();
      const retryUntil = new Date(now.getTime() + this.webhooks.retryPeriodMs);
      const rows = wanting.map((webhook) => ({ id: newId(), webhookId: webhook.id, jobId: newId() }));
      const created = await manager.query<{ id: string; webhook_id: string; job_id: string }[]>(
        `INSERT INTO webhook_deliveries
           (id, webhook_id, event_id, event_type, status, attempts, job_id, next_attempt_at, retry_until, created_at)
         SELECT row.id, row."webhookId", $2, $3, 'pending', 0, row."jobId", $4, $5, $4
           FROM json_to_recordset($1::json) AS row(id uuid, "webhookId" uuid, "jobId" uuid)
         ON CONFLICT ON CONSTRAINT webhook_deliveries_event_key DO NOTHING
         RETURNING id, webhook_id, job_id`,
        [JSON.stringify(rows), event.id, event.type, now, retryUntil],
      );
      await this.queue.enqueueMany(
        ATTEMPT_JOB,
        created.map((row) => ({ payload: { deliveryId: row.id }, id: row.job_id, group: row.webhook_id })),
        { manager },
      );
      return created.length;
    });
  }

  /** One attempt of a delivery, if this job is still the one meant to make it. */
  async attempt(deliveryId: string, context: Pick<JobContext, 'jobId'>): Promise<JobResult> {
    const manager = this.transactions.manager();
    const delivery = await manager.findOneBy(WebhookDeliveryEntity, { id: deliveryId });
    // Deleted with its webhook, finished, or redelivered/cancelled since this job was queued.
    if (!delivery || delivery.jobId !== context.jobId) return { attempted: false };
    const webhook = await manager.findOneBy(WebhookEntity, { id: delivery.webhookId });
    if (!webhook) return { attempted: false };
    if (webhook.disabledAt) {
      await cancelPendingDeliveries(manager, webhook.id);
      return { attempted: false };
    }
    const event = await this.event(manager, delivery.eventId);
    const startedAt = this.clock.now();
    const result: OutboundResult | { ok: false; gone: true; durationMs: 0 } = event
      ? await this.send(webhook, event, startedAt)
      : { ok: false, gone: true, durationMs: 0 };
    const succeeded = result.ok && result.status >= 200 && result.status < 300;
    this.attemptsCounter.inc({ outcome: succeeded ? 'succeeded' : 'failed' });
    await this.record(delivery.id, context.jobId, startedAt, result, succeeded);
    return { attempted: true, succeeded };
  }

  private async send(webhook: WebhookEntity, event: OutboxEvent, sentAt: Date): Promise<OutboundResult> {
    const body = webhookBody(event);
    return this.outbound.request(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Opsplane-Webhooks/1',
        ...signedHeaders(event.id, sentAt, body, this.webhooks.signingSecrets(webhook, sentAt)),
      },
      body,
      maxResponseBytes: RESPONSE_KEPT_BYTES,
    });
  }

  /** The attempt, and what follows from it, in one transaction with the delivery locked. */
  private async record(
    deliveryId: string,
    jobId: string,
    startedAt: Date,
    result: OutboundResult | { ok: false; gone: true; durationMs: 0 },
    succeeded: boolean,
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
      const error = succeeded ? null : describeFailure(result);
      // A redelivery or a cancellation since this attempt began decides what comes next, not this job.
      const stillMine = delivery.jobId === jobId;
      const gone = 'gone' in result;
      const next =
        succeeded || !stillMine || gone
          ? null
          : nextAttemptAt(now, attempt, delivery.retryUntil, this.config);
      const nextJobId = next ? newId() : null;
      await manager.insert(WebhookAttemptEntity, {
        id: newId(),
        deliveryId,
        attempt,
        startedAt,
        durationMs: result.durationMs,
        succeeded,
        statusCode,
        error,
        // PostgreSQL text holds no NUL.
        responseBody: result.ok && result.body ? result.body.replaceAll('\u0000', '') : null,
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
          // A success is one whoever asked for the attempt.
          ...(succeeded && { status: 'succeeded' as const, deliveredAt: now }),
          ...(stillMine && {
            status: succeeded ? 'succeeded' : next ? 'retrying' : 'failed',
            jobId: nextJobId,
            nextAttemptAt: next,
          }),
        },
      );
      if (next && nextJobId) {
        await this.queue.enqueue(
          ATTEMPT_JOB,
          { deliveryId },
          { id: nextJobId, startAfter: next, group: delivery.webhookId, manager },
        );
      } else if (!succeeded && stillMine && !gone) {
        await this.disableIfFailingForAPeriod(manager, delivery.webhookId, now, error ?? 'failed');
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

  private async event(manager: EntityManager, id: string): Promise<OutboxEvent | null> {
    const [row] = await manager.query<EventRow[]>(
      `SELECT id, type, aggregate_type, aggregate_id, payload, request_id, occurred_at
         FROM outbox_events WHERE id = $1`,
      [id],
    );
    return row
      ? {
          id: row.id,
          type: row.type,
          aggregateType: row.aggregate_type,
          aggregateId: row.aggregate_id,
          payload: row.payload,
          requestId: row.request_id,
          occurredAt: row.occurred_at,
        }
      : null;
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

function describeFailure(result: OutboundResult | { ok: false; gone: true }): string {
  if ('gone' in result) return 'the event is no longer kept (past the retention period)';
  if (result.ok) {
    const redirect = result.status >= 300 && result.status < 400 ? ' (redirects are not followed)' : '';
    return `HTTP ${result.status}${redirect}`;
  }
  return `${result.failure}: ${result.message}`;
}
