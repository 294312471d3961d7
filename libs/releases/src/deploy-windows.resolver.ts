import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires, uuidParam } from '@opsplane/core';
import { DeployScheduleService } from './deploy-schedule.service';
import { DeployWindowsService } from './deploy-windows.service';
import {
  CreateDeployWindowInput,
  EnvironmentPageArgs,
  NextDeployWindowQueryArgs,
  UpdateDeployWindowInput,
} from './dto/deploy-window.inputs';
import { DeployWindowModel, DeployWindowPage, NextAllowedStartModel } from './dto/deploy-window.model';

const ENVIRONMENT = { description: 'The environment id (UUID) or slug.' };
@Resolver(() => DeployWindowModel)
export class DeployWindowsResolver {
  constructor(
    private readonly windows: DeployWindowsService,
    private readonly schedule: DeployScheduleService,
  ) {}

  @Query(() => DeployWindowPage, {
    name: 'deployWindows',
    description: 'The deploy windows of an environment, in creation order.',
  })
  @Requires('read')
  list(@Args() { environment, ...page }: EnvironmentPageArgs) {
    return this.windows.list(environment, page);
  }

  @Query(() => DeployWindowModel, { name: 'deployWindow' })
  @Requires('read')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.windows.get(id);
  }

  @Query(() => NextAllowedStartModel, {
    name: 'nextDeployWindow',
    description: 'When a deployment may next start, by the windows and freezes in scope.',
  })
  @Requires('read')
  next(@Args() { environment, ...args }: NextDeployWindowQueryArgs) {
    return this.schedule.next(environment, args);
  }

  @Mutation(() => DeployWindowModel, { name: 'createDeployWindow' })
  @Requires('administer')
  create(
    @CurrentActor() actor: Actor,
    @Args('environment', ENVIRONMENT) environment: string,
    @Args('input') input: CreateDeployWindowInput,
  ) {
    return this.windows.create(actor, environment, input);
  }

  @Mutation(() => DeployWindowModel, { name: 'updateDeployWindow' })
  @Requires('administer')
  update(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: UpdateDeployWindowInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.windows.update(actor, id, input, expectedVersion ?? undefined);
  }

  @Mutation(() => DeployWindowModel, {
    name: 'deleteDeployWindow',
    description: 'Deletes the window (the audit log keeps it) and returns what was deleted.',
  })
  @Requires('administer')
  delete(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.windows.delete(actor, id, expectedVersion ?? undefined);
  }
}
