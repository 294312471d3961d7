import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires, uuidParam } from '@opsplane/core';
import {
  CreateFreezePeriodInput,
  ListFreezePeriodsArgs,
  UpdateFreezePeriodInput,
} from './dto/freeze-period.inputs';
import { FreezePeriodModel, FreezePeriodPage } from './dto/freeze-period.model';
import { FreezePeriodsService } from './freeze-periods.service';

@Resolver(() => FreezePeriodModel)
export class FreezePeriodsResolver {
  constructor(private readonly freezes: FreezePeriodsService) {}

  @Query(() => FreezePeriodPage, { name: 'freezePeriods', description: 'Freeze periods, newest first.' })
  @Requires('read')
  list(@Args() args: ListFreezePeriodsArgs) {
    return this.freezes.list(args);
  }

  @Query(() => FreezePeriodModel, { name: 'freezePeriod' })
  @Requires('read')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.freezes.get(id);
  }

  @Mutation(() => FreezePeriodModel, {
    name: 'createFreezePeriod',
    description: 'One-off (startsAt, endsAt) or recurring (schedule, durationMinutes, timeZone), not both.',
  })
  @Requires('administer')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateFreezePeriodInput) {
    return this.freezes.create(actor, input);
  }

  @Mutation(() => FreezePeriodModel, { name: 'updateFreezePeriod' })
  @Requires('administer')
  update(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: UpdateFreezePeriodInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.freezes.update(actor, id, input, expectedVersion ?? undefined);
  }

  @Mutation(() => FreezePeriodModel, {
    name: 'deleteFreezePeriod',
    description: 'Deletes the freeze (the audit log keeps it) and returns what was deleted.',
  })
  @Requires('administer')
  delete(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.freezes.delete(actor, id, expectedVersion ?? undefined);
  }
}
