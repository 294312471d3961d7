import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires, uuidParam } from '@opsplane/core';
import {
  CreateWaiverInput,
  ListWaiversArgs,
  RevokeWaiverInput,
  WaiverModel,
  WaiverPage,
} from '../dto/waiver.dto';
import { WaiversService } from './waivers.service';

@Resolver(() => WaiverModel)
export class WaiversResolver {
  constructor(private readonly waivers: WaiversService) {}

  @Query(() => WaiverPage, { name: 'waivers', description: 'Waivers, newest first.' })
  @Requires('read')
  list(@CurrentActor() reader: Actor, @Args() args: ListWaiversArgs) {
    return this.waivers.list(reader, args);
  }

  @Query(() => WaiverModel, { name: 'waiver' })
  @Requires('read')
  get(@CurrentActor() reader: Actor, @Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.waivers.get(reader, id);
  }

  @Mutation(() => WaiverModel, {
    name: 'createWaiver',
    description: 'Waives a control for one subject until a date.',
  })
  @Requires('administer')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateWaiverInput) {
    return this.waivers.create(actor, input);
  }

  @Mutation(() => WaiverModel, { name: 'revokeWaiver' })
  @Requires('administer')
  revoke(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: RevokeWaiverInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.waivers.revoke(actor, id, input, expectedVersion ?? undefined);
  }
}
