import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IdParam,
  IfMatchVersion,
  Operation,
  Requires,
} from '@opsplane/core';
import {
  CreatedWebhookModel,
  CreateWebhookInput,
  ListWebhookDeliveriesArgs,
  ListWebhooksArgs,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  WebhookDeliveryModel,
  WebhookDeliveryPage,
  WebhookModel,
  WebhookPage,
} from './webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Requires('administer')
  @Idempotent()
  @Operation({
    operationId: 'createWebhook',
    summary: 'Subscribe a URL to events',
    description:
      'Every committed event of the chosen types (and filters) is POSTed to the URL as JSON, signed per ' +
      'Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the secret answered ' +
      'here, once. Failed deliveries are retried with exponential backoff for WEBHOOKS_RETRY_PERIOD_SECONDS ' +
      '(24 h by default); a webhook with no successful delivery for a whole period is disabled.',
    status: 201,
    response: CreatedWebhookModel,
    problems: [422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateWebhookInput) {
    return this.webhooks.create(actor, input);
  }

  @Get()
  @Requires('audit')
  @Operation({ operationId: 'listWebhooks', summary: 'List webhooks, newest first', response: WebhookPage })
  list(@Query() args: ListWebhooksArgs) {
    return this.webhooks.list(args);
  }

  @Get(':id')
  @Requires('audit')
  @Operation({ operationId: 'getWebhook', summary: 'Get a webhook', response: WebhookModel, problems: [404] })
  get(@IdParam() id: string) {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'updateWebhook',
    summary: 'Change a webhook’s URL, event types or filters, or disable / enable it',
    description: 'Only the fields sent change. Disabling cancels its pending deliveries.',
    response: WebhookModel,
    problems: [404, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: UpdateWebhookInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.webhooks.update(actor, id, input, version);
  }

  @Delete(':id')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook and its delivery log; answers with what was deleted',
    response: WebhookModel,
    problems: [404, 412],
  })
  delete(@CurrentActor() actor: Actor, @IdParam() id: string, @IfMatchVersion() version?: number) {
    return this.webhooks.remove(actor, id, version);
  }

  @Post(':id/rotate-secret')
  @Requires('administer')
  @ApiIfMatch()
  @HttpCode(200)
  @Operation({
    operationId: 'rotateWebhookSecret',
    summary: 'Replace a webhook’s secret; answers the new one once',
    description:
      'During the overlap (default 24 h) every delivery carries two signatures, by the new and the old ' +
      'secret, so the receiver can switch to the new one without rejecting anything.',
    response: CreatedWebhookModel,
    problems: [404, 412],
  })
  rotateSecret(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: RotateWebhookSecretInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.webhooks.rotateSecret(actor, id, input, version);
  }

  @Get(':id/deliveries')
  @Requires('audit')
  @Operation({
    operationId: 'listWebhookDeliveries',
    summary: 'A webhook’s deliveries, newest first, each with every attempt',
    response: WebhookDeliveryPage,
    problems: [404],
  })
  deliveries(@IdParam() id: string, @Query() args: ListWebhookDeliveriesArgs) {
    return this.webhooks.deliveries(id, args);
  }

  @Get(':id/deliveries/:deliveryId')
  @Requires('audit')
  @Operation({
    operationId: 'getWebhookDelivery',
    summary: 'One delivery of a webhook, with every attempt',
    response: WebhookDeliveryModel,
    problems: [404],
  })
  delivery(@IdParam() id: string, @IdParam('deliveryId') deliveryId: string) {
    return this.webhooks.delivery(id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @Requires('administer')
  @HttpCode(202)
  @Operation({
    operationId: 'redeliverWebhookDelivery',
    summary: 'Send a delivery again now, whatever its status',
    description:
      'One attempt, with the same `webhook-id` (receivers drop duplicates by it). If it fails while the ' +
      'delivery’s retry period still runs, the retries go on; past it, the delivery is failed again.',
    status: 202,
    response: WebhookDeliveryModel,
    problems: [404, 409],
  })
  redeliver(@CurrentActor() actor: Actor, @IdParam() id: string, @IdParam('deliveryId') deliveryId: string) {
    return this.webhooks.redeliver(actor, id, deliveryId);
  }
}
