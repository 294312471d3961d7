import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires } from '@opsplane/core';
import {
  CreateEnvironmentInput,
  ListEnvironmentsArgs,
  UpdateEnvironmentInput,
} from './dto/environment.inputs';
import { CANCEL_DEPLOYMENTS } from './dto/archive.args';
import { EnvironmentModel, EnvironmentPage } from './dto/environment.model';
import { EnvironmentsService } from './environments.service';

@Resolver(() => EnvironmentModel)
export class EnvironmentsResolver {
  constructor(private readonly environments: EnvironmentsService) {}

  @Query(() => EnvironmentPage, {
    name: 'environments',
    description: 'Environments in promotion order (rank, then id).',
  })
  @Requires('read')
  list(@Args() args: ListEnvironmentsArgs) {
    return this.environments.list(args);
  }

  @Query(() => EnvironmentModel, { name: 'environment' })
  @Requires('read')
  get(@Args('idOrSlug') idOrSlug: string) {
    return this.environments.get(idOrSlug);
  }

  @Mutation(() => EnvironmentModel, { name: 'createEnvironment' })
  @Requires('administer')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateEnvironmentInput) {
    return this.environments.create(actor, input);
  }

  @Mutation(() => EnvironmentModel, { name: 'updateEnvironment' })
  @Requires('administer')
  update(
    @CurrentActor() actor: Actor,
    @Args('idOrSlug') idOrSlug: string,
    @Args('input') input: UpdateEnvironmentInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.environments.update(actor, idOrSlug, input, expectedVersion ?? undefined);
  }

  @Mutation(() => EnvironmentModel, {
    name: 'archiveEnvironment',
    description:
      'Refused (catalog.archive_blocked) while it has active deployments, unless cancelDeployments cancels ' +
      'the ones not started; a running one refuses it either way.',
  })
  @Requires('administer')
  archive(
    @CurrentActor() actor: Actor,
    @Args('idOrSlug') idOrSlug: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
    @Args('cancelDeployments', CANCEL_DEPLOYMENTS) cancelDeployments?: boolean,
  ) {
    return this.environments.archive(actor, idOrSlug, expectedVersion ?? undefined, {
      cancelDeployments: cancelDeployments ?? undefined,
    });
  }

  @Mutation(() => EnvironmentModel, {
    name: 'restoreEnvironment',
    description: 'Restores an archived environment.',
  })
  @Requires('administer')
  restore(
    @CurrentActor() actor: Actor,
    @Args('idOrSlug') idOrSlug: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.environments.restore(actor, idOrSlug, expectedVersion ?? undefined);
  }
}
