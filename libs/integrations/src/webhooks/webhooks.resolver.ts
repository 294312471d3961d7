import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires, uuidParam } from '@opsplane/core';
import {
  CreatedWebhookModel,
  CreateWebhookInput,
  ListWebhooksArgs,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  WebhookDeliveriesArgs,
  WebhookDeliveryModel,
  WebhookDeliveryPage,
  WebhookModel,
  WebhookPage,
} from './webhook.dto';
import { WebhooksService } from './webhooks.service';

@Resolver(() => WebhookModel)
export class WebhooksResolver {
  constructor(private readonly webhooks: WebhooksService) {}

  @Query(() => WebhookPage, { name: 'webhooks', description: 'Webhooks, newest first.' })
  @Requires('audit')
  list(@Args() args: ListWebhooksArgs) {
    return this.webhooks.list(args);
  }

  @Query(() => WebhookModel, { name: 'webhook' })
  @Requires('audit')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.webhooks.get(id);
  }

  @Query(() => WebhookDeliveryPage, {
    name: 'webhookDeliveries',
    description: 'A webhook’s deliveries, newest first, each with every attempt.',
  })
  @Requires('audit')
  deliveries(@Args() { webhookId, ...args }: WebhookDeliveriesArgs) {
    return this.webhooks.deliveries(webhookId, args);
  }

  @Mutation(() => CreatedWebhookModel, {
    name: 'createWebhook',
    description: 'Subscribes a URL to events; answers the signing secret once.',
  })
  @Requires('administer')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateWebhookInput) {
    return this.webhooks.create(actor, input);
  }

  @Mutation(() => WebhookModel, {
    name: 'updateWebhook',
    description: 'Only the fields sent change; enabled: false disables it and cancels pending deliveries.',
  })
  @Requires('administer')
  update(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: UpdateWebhookInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.webhooks.update(actor, id, input, expectedVersion ?? undefined);
  }

  @Mutation(() => WebhookModel, { name: 'deleteWebhook', description: 'Deletes it and its delivery log.' })
  @Requires('administer')
  delete(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.webhooks.remove(actor, id, expectedVersion ?? undefined);
  }

  @Mutation(() => CreatedWebhookModel, {
    name: 'rotateWebhookSecret',
    description: 'Answers the new secret once; the old one keeps signing beside it for the overlap.',
  })
  @Requires('administer')
  rotateSecret(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input', { type: () => RotateWebhookSecretInput, nullable: true })
    input: RotateWebhookSecretInput | null,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.webhooks.rotateSecret(actor, id, input ?? {}, expectedVersion ?? undefined);
  }

  @Mutation(() => WebhookDeliveryModel, {
    name: 'redeliverWebhookDelivery',
    description: 'Sends a delivery again now, whatever its status.',
  })
  @Requires('administer')
  redeliver(
    @CurrentActor() actor: Actor,
    @Args('webhookId', { type: () => ID }, uuidParam) webhookId: string,
    @Args('deliveryId', { type: () => ID }, uuidParam) deliveryId: string,
  ) {
    return this.webhooks.redeliver(actor, webhookId, deliveryId);
  }
}
