import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookDeliveries } from './webhooks/webhook-deliveries';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEntity } from './webhooks/webhook.entity';
import { WebhooksService } from './webhooks/webhooks.service';

/**
 * What Opsplane sends out: webhooks (fed by the outbox, knowing no feature). Imported by the worker
 * too, which makes the deliveries; the API is in IntegrationsApiModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEntity, WebhookDeliveryEntity, WebhookAttemptEntity])],
  providers: [WebhooksService, WebhookDeliveries],
  exports: [WebhooksService, WebhookDeliveries],
})
export class IntegrationsModule {}
