import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  definedOnly,
  isUuid,
  JobQueue,
  KeysetOrder,
  newId,
  OutboundHttp,
  Page,
  paginate,
  SecretBox,
  toPage,
  Transactions,
  VersionedResource,
} from '@opsplane/core';
import { EntityManager, In } from 'typeorm';
import { WebhooksConfig } from '../integrations.config';
import { IntegrationErrors } from '../integrations.errors';
import {
  CreatedWebhookModel,
  CreateWebhookInput,
  ListWebhookDeliveriesArgs,
  ListWebhooksArgs,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  WebhookAttemptModel,
  WebhookDeliveryModel,
  WebhookModel,
  WebhookSeverity,
} from './webhook.dto';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';
import { newWebhookSecret } from './webhook-message';

/** The job that makes one attempt of one delivery. */
export const ATTEMPT_JOB = 'integrations.webhook_attempt';

/** Webhooks as admins manage them, and their delivery log. Deliveries themselves: WebhookDeliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly outbound: OutboundHttp,
    private readonly queue: JobQueue,
    private readonly config: WebhooksConfig,
  ) {}

  async create(actor: Actor, input: CreateWebhookInput): Promise<CreatedWebhookModel> {
    await this.outbound.assertOutboundUrl(input.url, 'url');
    const now = this.clock.now();
    const id = newId();
    const secret = newWebhookSecret();
    const disabled = input.enabled === false;
    const entity: WebhookEntity = {
      id,
      url: input.url,
      description: input.description ?? null,
      eventTypes: distinct(input.eventTypes),
      serviceIds: distinct(input.serviceIds ?? []),
      environmentIds: distinct(input.environmentIds ?? []),
      severities: distinct(input.severities ?? []),
      sealedSecret: this.box.seal(secret, id),
      previousSealedSecret: null,
      previousSecretExpiresAt: null,
      disabledAt: disabled ? now : null,
      disabledReason: disabled ? `Created disabled by ${actor.name}.` : null,
      createdBy: actor.id,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return this.transactions.run(async (manager) => {
      await manager.insert(WebhookEntity, entity);
      const created = toWebhookModel(entity);
      // The secret never enters the audit log or the outbox.
      await this.changes.record(manager, actor, {
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: id,
        after: created,
      });
      return { ...created, secret };
    });
  }

  async update(
    actor: Actor,
    id: string,
    input: UpdateWebhookInput,
    expectedVersion?: number,
  ): Promise<WebhookModel> {
    if (!isUuid(id)) throw notFound(id);
    if (input.url !== undefined) await this.outbound.assertOutboundUrl(input.url, 'url');
    const changes = definedOnly({
      url: input.url,
      description: input.description,
      eventTypes: input.eventTypes && distinct(input.eventTypes),
      serviceIds: input.serviceIds && distinct(input.serviceIds),
      environmentIds: input.environmentIds && distinct(input.environmentIds),
      severities: input.severities && distinct(input.severities),
    });
    return this.transactions.run(async (manager) => {
      // Locked now, so the verb (disabled, enabled, updated) is judged on the row edit() changes.
      const current = await manager.findOne(WebhookEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      const enabling = input.enabled === true && current?.disabledAt != null;
      const disabling = input.enabled === false && current != null && current.disabledAt == null;
      const now = this.clock.now();
      const updated = await this.changes.edit(
        manager,
        actor,
        WEBHOOK,
        { id, expectedVersion, verb: disabling ? 'disabled' : enabling ? 'enabled' : 'updated' },
        (entity) => ({
          ...entity,
          ...changes,
          ...(disabling && { disabledAt: now, disabledReason: `Disabled by ${actor.name}.` }),
          ...(enabling && { disabledAt: null, disabledReason: null }),
          updatedAt: now,
        }),
      );
      if (disabling) await cancelPendingDeliveries(manager, id);
      return updated;
    });
  }

  async remove(actor: Actor, id: string, expectedVersion?: number): Promise<WebhookModel> {
    if (!isUuid(id)) throw notFound(id);
    // The delivery log goes with it (ON DELETE CASCADE); attempts already queued find nothing to do.
    return this.transactions.run((manager) =>
      this.changes.remove(manager, actor, WEBHOOK, id, expectedVersion),
    );
  }

  /**
   * A new secret, answered this once. The old one keeps signing beside it for `overlapSeconds`
   * (Standard Webhooks sends one signature per secret), so receivers can switch without a gap.
   */
  async rotateSecret(
    actor: Actor,
    id: string,
    input: RotateWebhookSecretInput,
    expectedVersion?: number,
  ): Promise<CreatedWebhookModel> {
    if (!isUuid(id)) throw notFound(id);
    const secret = newWebhookSecret();
    const overlapSeconds = input.overlapSeconds ?? 86_400;
    const rotated = await this.transactions.run((manager) =>
      this.changes.edit(
        manager,
        actor,
        WEBHOOK,
        { id, expectedVersion, verb: 'secret_rotated' },
        (entity) => {
          const now = this.clock.now();
          return {
            ...entity,
            sealedSecret: this.box.seal(secret, id),
            // Sealed for this webhook already: kept as it is.
            previousSealedSecret: overlapSeconds > 0 ? entity.sealedSecret : null,
            previousSecretExpiresAt:
              overlapSeconds > 0 ? new Date(now.getTime() + overlapSeconds * 1000) : null,
            updatedAt: now,
          };
        },
      ),
    );
    return { ...rotated, secret };
  }

  async get(id: string): Promise<WebhookModel> {
    return toWebhookModel(await this.load(id));
  }

  async list(args: ListWebhooksArgs): Promise<Page<WebhookModel>> {
    const query = this.transactions.manager().getRepository(WebhookEntity).createQueryBuilder('webhook');
    const order: KeysetOrder = { idColumn: 'webhook.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getMany();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toWebhookModel);
  }

  /** The webhook's deliveries, newest first, each with its attempts. */
  async deliveries(webhookId: string, args: ListWebhookDeliveriesArgs): Promise<Page<WebhookDeliveryModel>> {
    await this.load(webhookId);
    const manager = this.transactions.manager();
    const query = manager
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('delivery')
      .where('delivery.webhook_id = :webhookId', { webhookId });
    if (args.status) query.andWhere('delivery.status = :status', { status: args.status });
    const order: KeysetOrder = { idColumn: 'delivery.id', direction: 'DESC', scope: { webhookId } };
    const rows = await paginate(query, args, order).getMany();
    const attempts = await attemptsOf(
      manager,
      rows.map((row) => row.id),
    );
    return toPage(
      rows,
      args,
      order,
      (row) => ({ id: row.id }),
      (row) => toDeliveryModel(row, attempts.get(row.id) ?? []),
    );
  }

  async delivery(webhookId: string, deliveryId: string): Promise<WebhookDeliveryModel> {
    const manager = this.transactions.manager();
    const row = await this.loadDelivery(manager, webhookId, deliveryId);
    return toDeliveryModel(row, (await attemptsOf(manager, [row.id])).get(row.id) ?? []);
  }

  /**
   * Sends a delivery again now, whatever its status (a receiver that lost what it got, or one fixed
   * after its retries ran out): one attempt, replacing any scheduled one. If it fails and the
   * delivery's retry period still runs, the retries go on; past it, the delivery is failed again.
   */
  async redeliver(actor: Actor, webhookId: string, deliveryId: string): Promise<WebhookDeliveryModel> {
    const redelivered = await this.transactions.run(async (manager) => {
      const webhook = await this.load(webhookId, manager);
      if (webhook.disabledAt)
        throw new AppError(
          IntegrationErrors.webhookDisabled,
          'The webhook is disabled; enable it before redelivering.',
        );
      const delivery = await this.loadDelivery(manager, webhookId, deliveryId, true);
      const [event] = await manager.query<unknown[]>(`SELECT 1 FROM outbox_events WHERE id = $1`, [
        delivery.eventId,
      ]);
      if (!event)
        throw new AppError(
          IntegrationErrors.eventGone,
          `The event ${delivery.eventId} is no longer kept, so it cannot be sent again.`,
        );
      const before = toDeliveryModel(delivery, []);
      const now = this.clock.now();
      const jobId = newId();
      const changed: WebhookDeliveryEntity = {
        ...delivery,
        status: 'pending',
        jobId,
        nextAttemptAt: now,
      };
      await manager.save(WebhookDeliveryEntity, changed);
      await this.queue.enqueue(
        ATTEMPT_JOB,
        { deliveryIds: [deliveryId] },
        { id: jobId, group: webhookId, manager },
      );
      await this.changes.record(manager, actor, {
        action: 'webhook_delivery.redelivered',
        targetType: 'webhook_delivery',
        targetId: deliveryId,
        before,
        after: toDeliveryModel(changed, []),
      });
      return changed;
    });
    return this.delivery(webhookId, redelivered.id);
  }

  async load(id: string, manager = this.transactions.manager()): Promise<WebhookEntity> {
    const webhook = isUuid(id) ? await manager.findOneBy(WebhookEntity, { id }) : null;
    if (!webhook) throw notFound(id);
    return webhook;
  }

  /** The secrets deliveries are signed with at `now`: the current one, and the previous while it overlaps. */
  signingSecrets(
    webhook: Pick<WebhookEntity, 'id' | 'sealedSecret' | 'previousSealedSecret' | 'previousSecretExpiresAt'>,
    now: Date,
  ): string[] {
    const secrets = [this.box.open(webhook.sealedSecret, webhook.id)];
    if (
      webhook.previousSealedSecret &&
      webhook.previousSecretExpiresAt &&
      webhook.previousSecretExpiresAt > now
    )
      secrets.push(this.box.open(webhook.previousSealedSecret, webhook.id));
    return secrets;
  }

  get retryPeriodMs(): number {
    return this.config.retryPeriodSeconds * 1000;
  }

  private async loadDelivery(
    manager: EntityManager,
    webhookId: string,
    deliveryId: string,
    forUpdate = false,
  ): Promise<WebhookDeliveryEntity> {
    const delivery =
      isUuid(webhookId) && isUuid(deliveryId)
        ? await manager.findOne(WebhookDeliveryEntity, {
            where: { id: deliveryId, webhookId },
            ...(forUpdate && { lock: { mode: 'pessimistic_write' as const } }),
          })
        : null;
    if (!delivery)
      throw new AppError(
        IntegrationErrors.deliveryNotFound,
        `No delivery "${deliveryId}" of webhook "${webhookId}".`,
      );
    return delivery;
  }
}

/** Pending and retrying deliveries of a disabled webhook: not sent; their queued attempts find themselves stale. */
export async function cancelPendingDeliveries(manager: EntityManager, webhookId: string): Promise<void> {
  await manager.query(
    `UPDATE webhook_deliveries SET status = 'cancelled', job_id = NULL, next_attempt_at = NULL
      WHERE webhook_id = $1 AND status IN ('pending', 'retrying')`,
    [webhookId],
  );
}

async function attemptsOf(
  manager: EntityManager,
  deliveryIds: string[],
): Promise<Map<string, WebhookAttemptModel[]>> {
  const byDelivery = new Map<string, WebhookAttemptModel[]>();
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await manager.find(WebhookAttemptEntity, {
    where: { deliveryId: In(deliveryIds) },
    order: { deliveryId: 'ASC', attempt: 'ASC' },
  });
  for (const row of rows) {
    const list = byDelivery.get(row.deliveryId) ?? [];
    list.push({
      attempt: row.attempt,
      startedAt: row.startedAt,
      durationMs: row.durationMs,
      succeeded: row.succeeded,
      statusCode: row.statusCode,
      error: row.error,
      responseBody: row.responseBody,
      nextAttemptAt: row.nextAttemptAt,
    });
    byDelivery.set(row.deliveryId, list);
  }
  return byDelivery;
}

export function toWebhookModel(entity: WebhookEntity): WebhookModel {
  return {
    id: entity.id,
    url: entity.url,
    description: entity.description,
    eventTypes: entity.eventTypes,
    serviceIds: entity.serviceIds,
    environmentIds: entity.environmentIds,
    severities: entity.severities as WebhookSeverity[],
    enabled: entity.disabledAt === null,
    disabledAt: entity.disabledAt,
    disabledReason: entity.disabledReason,
    previousSecretExpiresAt: entity.previousSealedSecret ? entity.previousSecretExpiresAt : null,
    createdBy: entity.createdBy,
    version: entity.version,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

export function toDeliveryModel(
  entity: WebhookDeliveryEntity,
  attemptLog: WebhookAttemptModel[],
): WebhookDeliveryModel {
  return {
    id: entity.id,
    webhookId: entity.webhookId,
    eventId: entity.eventId,
    eventType: entity.eventType,
    status: entity.status,
    attempts: entity.attempts,
    nextAttemptAt: entity.nextAttemptAt,
    retryUntil: entity.retryUntil,
    lastAttemptAt: entity.lastAttemptAt,
    lastStatusCode: entity.lastStatusCode,
    lastError: entity.lastError,
    deliveredAt: entity.deliveredAt,
    createdAt: entity.createdAt,
    attemptLog,
  };
}

/** The model never carries a secret, so neither do the audit log and the outbox. */
export const WEBHOOK: VersionedResource<WebhookEntity, WebhookModel> = {
  entity: WebhookEntity,
  type: 'webhook',
  toModel: toWebhookModel,
  notFound,
};

function notFound(id: string): AppError {
  return new AppError(IntegrationErrors.webhookNotFound, `No webhook with id "${id}".`);
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
