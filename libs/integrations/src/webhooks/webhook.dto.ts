import { Args, Input, Model, PageArgs, PageOf, Prop } from '@opsplane/core';
import { ArrayMaxSize, ArrayMinSize } from 'class-validator';
import { DELIVERY_STATUSES, DeliveryStatus } from './webhook.entity';

/** Incident severities and finding severities: the values events carry in `severity`. */
export const WEBHOOK_SEVERITIES = [
  'SEV1',
  'SEV2',
  'SEV3',
  'SEV4',
  'SEV5',
  'critical',
  'high',
  'medium',
  'low',
  'info',
] as const;
export type WebhookSeverity = (typeof WEBHOOK_SEVERITIES)[number];

const EVENT_TYPE = {
  isArray: true,
  maxLength: 100,
  pattern: /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/,
  patternHint: 'must be an event type (`incident.resolved`), a prefix wildcard (`deployment.*`) or `*`',
};

const TYPES_DESCRIPTION =
  'Event types to receive: exact (`incident.resolved`), a prefix wildcard (`deployment.*`) or `*`; 1–50.';
const FILTER = 'Empty or absent: any. An event that carries no such attribute does not pass this filter.';

@Input(
  'CreateWebhookInput',
  'A URL that receives the events of the chosen types, signed per Standard Webhooks. Its secret is shown once, in the answer.',
)
export class CreateWebhookInput {
  @Prop.url({
    description:
      'http(s), no credentials; it must not resolve to a loopback, private, link-local or metadata address unless OUTBOUND_ALLOW_CIDRS allows it.',
    example: 'https://portal.example.com/hooks/opsplane',
  })
  url: string;

  @Prop.string({ optional: true, maxLength: 500 })
  description?: string | null;

  @Prop.string({
    ...EVENT_TYPE,
    description: TYPES_DESCRIPTION,
    example: ['deployment.*', 'incident.resolved'],
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  eventTypes: string[];

  @Prop.uuid({ isArray: true, optional: true, description: `Services whose events to receive. ${FILTER}` })
  @ArrayMaxSize(100)
  serviceIds?: string[] | null;

  @Prop.uuid({
    isArray: true,
    optional: true,
    description: `Environments whose events to receive. ${FILTER}`,
  })
  @ArrayMaxSize(100)
  environmentIds?: string[] | null;

  @Prop.enum(WEBHOOK_SEVERITIES, 'WebhookSeverity', {
    isArray: true,
    optional: true,
    description: `Severities to receive (incidents SEV1–SEV5, findings critical…info). ${FILTER}`,
  })
  @ArrayMaxSize(100)
  severities?: WebhookSeverity[] | null;

  @Prop.bool({ optional: true, description: 'Default true; a disabled webhook receives nothing.' })
  enabled?: boolean | null;
}

@Input(
  'UpdateWebhookInput',
  'Only the fields sent change; an array sent replaces the whole list. The secret changes only by rotation.',
)
export class UpdateWebhookInput {
  @Prop.url({ optional: true })
  url?: string;

  @Prop.string({ optional: true, nullable: true, maxLength: 500 })
  description?: string | null;

  @Prop.string({ ...EVENT_TYPE, optional: true, description: TYPES_DESCRIPTION })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  eventTypes?: string[];

  @Prop.uuid({ isArray: true, optional: true })
  @ArrayMaxSize(100)
  serviceIds?: string[];

  @Prop.uuid({ isArray: true, optional: true })
  @ArrayMaxSize(100)
  environmentIds?: string[];

  @Prop.enum(WEBHOOK_SEVERITIES, 'WebhookSeverity', { isArray: true, optional: true })
  @ArrayMaxSize(100)
  severities?: WebhookSeverity[];

  @Prop.bool({
    optional: true,
    description:
      'false disables the webhook (pending deliveries are cancelled); true enables it again and clears the reason.',
  })
  enabled?: boolean;
}

@Input('RotateWebhookSecretInput', 'How long the old secret keeps signing beside the new one.')
export class RotateWebhookSecretInput {
  @Prop.int({
    optional: true,
    min: 0,
    max: 604_800,
    description:
      'Seconds during which deliveries carry a signature by the old secret too (receivers switch without a gap); default 86400, 0 ends it now.',
  })
  overlapSeconds?: number | null;
}

@Model('Webhook', 'A URL subscribed to events; the secret is never shown again after creation or rotation.')
export class WebhookModel {
  @Prop.uuid()
  id: string;

  @Prop.url()
  url: string;

  @Prop.string({ nullable: true, maxLength: 500 })
  description: string | null;

  @Prop.string({ isArray: true, maxLength: 100 })
  eventTypes: string[];

  @Prop.uuid({ isArray: true })
  serviceIds: string[];

  @Prop.uuid({ isArray: true })
  environmentIds: string[];

  @Prop.enum(WEBHOOK_SEVERITIES, 'WebhookSeverity', { isArray: true })
  severities: WebhookSeverity[];

  @Prop.bool()
  enabled: boolean;

  @Prop.date({ nullable: true })
  disabledAt: Date | null;

  @Prop.string({
    nullable: true,
    maxLength: 2000,
    description: 'Why it is disabled: by whom, or the failures that disabled it.',
  })
  disabledReason: string | null;

  @Prop.date({
    nullable: true,
    description: 'Until then, deliveries are signed with the previous secret too.',
  })
  previousSecretExpiresAt: Date | null;

  @Prop.string({ maxLength: 200 })
  createdBy: string;

  @Prop.int({ min: 1 })
  version: number;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;
}

@Model(
  'CreatedWebhook',
  'The webhook and its signing secret (`whsec_<base64>`, Standard Webhooks), shown this once.',
)
export class CreatedWebhookModel extends WebhookModel {
  @Prop.string({ maxLength: 100 })
  secret: string;
}

@Model('WebhookAttempt', 'One HTTP attempt of a delivery.')
export class WebhookAttemptModel {
  @Prop.int({ min: 1 })
  attempt: number;

  @Prop.date()
  startedAt: Date;

  @Prop.int({ min: 0 })
  durationMs: number;

  @Prop.bool({ description: 'A 2xx came back.' })
  succeeded: boolean;

  @Prop.int({ nullable: true, min: 100, max: 599, description: 'Null when no response came back.' })
  statusCode: number | null;

  @Prop.string({ nullable: true, maxLength: 2000 })
  error: string | null;

  @Prop.string({
    nullable: true,
    maxLength: 1024,
    description: 'The start of the response body; null when it had none.',
  })
  responseBody: string | null;

  @Prop.date({ nullable: true, description: 'When the next attempt was scheduled for, after this one.' })
  nextAttemptAt: Date | null;
}

@Model('WebhookDelivery', 'One event sent to one webhook, with every attempt.')
export class WebhookDeliveryModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  webhookId: string;

  @Prop.uuid({ description: 'The event; also the `webhook-id` header, the same on every attempt.' })
  eventId: string;

  @Prop.string({ maxLength: 100 })
  eventType: string;

  @Prop.enum(DELIVERY_STATUSES, 'WebhookDeliveryStatus', {
    description:
      'pending: waiting for its first attempt or a redelivery; retrying: failed, next attempt scheduled; succeeded; failed: retried for the whole period; cancelled: the webhook was disabled first.',
  })
  status: DeliveryStatus;

  @Prop.int({ min: 0 })
  attempts: number;

  @Prop.date({ nullable: true })
  nextAttemptAt: Date | null;

  @Prop.date({ description: 'No attempt after this.' })
  retryUntil: Date;

  @Prop.date({ nullable: true })
  lastAttemptAt: Date | null;

  @Prop.int({ nullable: true, min: 100, max: 599 })
  lastStatusCode: number | null;

  @Prop.string({ nullable: true, maxLength: 2000 })
  lastError: string | null;

  @Prop.date({ nullable: true })
  deliveredAt: Date | null;

  @Prop.date()
  createdAt: Date;

  @Prop.nested(() => WebhookAttemptModel, { isArray: true, maxItems: 1000, description: 'Oldest first.' })
  attemptLog: WebhookAttemptModel[];
}

export const WebhookPage = PageOf(WebhookModel, 'WebhookPage');
export const WebhookDeliveryPage = PageOf(WebhookDeliveryModel, 'WebhookDeliveryPage');

@Args()
export class ListWebhooksArgs extends PageArgs {}

@Args()
export class ListWebhookDeliveriesArgs extends PageArgs {
  @Prop.enum(DELIVERY_STATUSES, 'WebhookDeliveryStatus', { optional: true })
  status?: DeliveryStatus;
}

/** GraphQL `webhookDeliveries`: the list arguments plus the webhook (REST has it in the path). */
@Args()
export class WebhookDeliveriesArgs extends ListWebhookDeliveriesArgs {
  @Prop.uuid()
  webhookId: string;
}
