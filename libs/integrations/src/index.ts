export { IntegrationsModule } from './integrations.module';
export { IntegrationsApiModule } from './integrations-api.module';
export { WebhooksConfig } from './integrations.config';
export { IntegrationErrors } from './integrations.errors';
export { WebhooksService } from './webhooks/webhooks.service';
export { WebhookDeliveries } from './webhooks/webhook-deliveries';
export {
  WebhookModel,
  CreatedWebhookModel,
  WebhookDeliveryModel,
  WebhookAttemptModel,
} from './webhooks/webhook.dto';
