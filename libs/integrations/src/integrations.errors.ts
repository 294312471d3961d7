import { errorCode } from '@opsplane/core';

/** Error codes of the integrations context (webhooks). */
export const IntegrationErrors = {
  webhookNotFound: errorCode('webhook.not_found', 'not_found', 'Webhook not found'),
  deliveryNotFound: errorCode('webhook.delivery_not_found', 'not_found', 'Webhook delivery not found'),
  webhookDisabled: errorCode('webhook.disabled', 'conflict', 'The webhook is disabled'),
  eventGone: errorCode(
    'webhook.event_gone',
    'conflict',
    'The delivery’s event is no longer kept (past the retention period)',
  ),
};
