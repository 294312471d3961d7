import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires } from '@opsplane/core';
import { CreateServiceInput, ListServicesArgs, UpdateServiceInput } from './dto/service.inputs';
import { CANCEL_DEPLOYMENTS } from './dto/archive.args';
import { ServiceModel, ServicePage } from './dto/service.model';
import { ServicesService } from './services.service';

@Resolver(() => ServiceModel)
export class ServicesResolver {
  constructor(private readonly services: ServicesService) {}

  @Query(() => ServicePage, { name: 'services', description: 'Services, alphabetical by slug.' })
  @Requires('read')
  list(@Args() args: ListServicesArgs) {
    return this.services.list(args);
  }

  @Query(() => ServiceModel, { name: 'service' })
  @Requires('read')
  get(@Args('idOrSlug') idOrSlug: string) {
    return this.services.get(idOrSlug);
  }

  @Mutation(() => ServiceModel, { name: 'createService' })
  @Requires('operate')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateServiceInput) {
    return this.services.create(actor, input);
  }

  @Mutation(() => ServiceModel, { name: 'updateService' })
  @Requires('operate')
  update(
    @CurrentActor() actor: Actor,
    @Args('idOrSlug') idOrSlug: string,
    @Args('input') input: UpdateServiceInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.services.update(actor, idOrSlug, input, expectedVersion ?? undefined);
  }

  @Mutation(() => ServiceModel, {
    name: 'archiveService',
    description:
      'Refused (catalog.archive_blocked) while it has active deployments, unless cancelDeployments cancels ' +
      'the ones not started; a running one refuses it either way.',
  })
  @Requires('operate')
  archive(
    @CurrentActor() actor: Actor,
    @Args('idOrSlug') idOrSlug: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
    @Args('cancelDeployments', CANCEL_DEPLOYMENTS) cancelDeployments?: boolean,
  ) {
    return this.services.archive(actor, idOrSlug, expectedVersion ?? undefined, {
      cancelDeployments: cancelDeployments ?? undefined,
    });
  }

  @Mutation(() => ServiceModel, { name: 'restoreService', description: 'Restores an archived service.' })
  @Requires('administer')
  restore(
    @CurrentActor() actor: Actor,
    @Args('idOrSlug') idOrSlug: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.services.restore(actor, idOrSlug, expectedVersion ?? undefined);
  }
}
