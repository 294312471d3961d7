import { randomBytes } from 'node:crypto';
import { JsonObject, matchesType, OutboxEvent } from '@opsplane/core';
import { Webhook } from 'standardwebhooks';

/** What a webhook asks for: event types and, optionally, a service, environment or severity. */
export interface WebhookSelection {
  eventTypes: readonly string[];
  serviceIds: readonly string[];
  environmentIds: readonly string[];
  severities: readonly string[];
}

/**
 * Whether the event is one the webhook wants. Filters read the changed record (`after`, or `before`
 * for a deletion): its `serviceId`/`serviceIds`, `environmentId`/`environmentIds` and `severity`; a
 * service's or environment's own events count as theirs. An event that carries no such attribute
 * passes no filter on it: a webhook filtered to one service does not receive API key changes.
 */
export function selects(selection: WebhookSelection, event: OutboxEvent): boolean {
  if (!matchesType(selection.eventTypes, event.type)) return false;
  const record = recordOf(event);
  const own = (type: string) => (event.aggregateType === type ? [event.aggregateId] : []);
  const passes = (wanted: readonly string[], values: unknown[]) =>
    wanted.length === 0 || values.some((value) => typeof value === 'string' && wanted.includes(value));
  return (
    passes(selection.serviceIds, [...own('service'), ...valuesOf(record, 'serviceId', 'serviceIds')]) &&
    passes(selection.environmentIds, [
      ...own('environment'),
      ...valuesOf(record, 'environmentId', 'environmentIds'),
    ]) &&
    passes(selection.severities, valuesOf(record, 'severity'))
  );
}

function recordOf(event: OutboxEvent): JsonObject {
  const { after, before } = event.payload;
  const record = after ?? before;
  return record && typeof record === 'object' && !Array.isArray(record) ? (record as JsonObject) : {};
}

function valuesOf(record: JsonObject, ...keys: string[]): unknown[] {
  return keys.flatMap((key) => {
    const value = record[key];
    return Array.isArray(value) ? (value as unknown[]) : value === undefined || value === null ? [] : [value];
  });
}

/**
 * The body every receiver gets: the event as committed. `id` is also the `webhook-id` header, the
 * same on every retry and redelivery, so a receiver can drop duplicates by it.
 */
export function webhookBody(event: OutboxEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    subject: { type: event.aggregateType, id: event.aggregateId },
    data: event.payload,
    requestId: event.requestId,
  });
}

/** The `standardwebhooks` signers of a webhook's secrets, made once per batch of deliveries. */
export function webhookSigners(secrets: readonly string[]): Webhook[] {
  return secrets.map((secret) => new Webhook(secret));
}

/**
 * Standard Webhooks headers: the signature is HMAC-SHA256 over `<id>.<timestamp>.<body>`, made by
 * the `standardwebhooks` library itself, one `v1,<base64>` per secret, space-separated (several
 * while a rotated secret still overlaps).
 */
export function signedHeaders(
  messageId: string,
  sentAt: Date,
  body: string,
  signers: readonly Webhook[],
): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signers.map((signer) => signer.sign(messageId, sentAt, body)).join(' '),
  };
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
