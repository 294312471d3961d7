import { Module } from '@nestjs/common';
import { IntegrationsModule } from './integrations.module';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksResolver } from './webhooks/webhooks.resolver';

/** REST and GraphQL for webhooks; the API process imports this, the worker only IntegrationsModule. */
@Module({
  imports: [IntegrationsModule],
  controllers: [WebhooksController],
  providers: [WebhooksResolver],
})
export class IntegrationsApiModule {}
