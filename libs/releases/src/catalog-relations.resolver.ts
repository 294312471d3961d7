import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { EnvironmentModel, ServiceModel, ServicesService } from '@opsplane/catalog';
import { RequestLoaders, Requires } from '@opsplane/core';
import { CurrentDeploymentsService } from './current-deployments.service';
import { CurrentDeploymentPage } from './dto/current-deployment.model';
import { EnvironmentPageArgs } from './dto/deploy-window.inputs';
import { DeploymentModel } from './dto/deployment.model';
import { ReleaseModel } from './dto/release.model';

/*
 * The graph between releases and the catalog, in both directions. Every field is batched per
 * request, so a page of environments with their current deployments, releases, services and
 * commits costs one query per level, however many environments the page holds.
 */

@Resolver(() => EnvironmentModel)
export class EnvironmentDeploymentsResolver {
  constructor(
    private readonly current: CurrentDeploymentsService,
    private readonly loaders: RequestLoaders,
  ) {}

  @Query(() => CurrentDeploymentPage, {
    name: 'currentDeployments',
    description: 'What runs in an environment: per service (by slug), the last succeeded deployment.',
  })
  @Requires('read')
  list(@Args() { environment, ...page }: EnvironmentPageArgs) {
    return this.current.list(environment, page);
  }

  @ResolveField('currentDeployments', () => [DeploymentModel], {
    description: 'Per service, the last succeeded deployment here (by service id).',
  })
  currentDeployments(@Parent() environment: EnvironmentModel, @Context('req') request: object) {
    return this.loaders
      .get(request, 'currentDeploymentsByEnvironment', (ids: readonly string[]) =>
        this.current.ofEnvironments(ids),
      )
      .load(environment.id);
  }
}

/** `service` on releases and deployments, through one loader. */
function serviceLoader(loaders: RequestLoaders, services: ServicesService, request: object) {
  return loaders.get(request, 'serviceById', (ids: readonly string[]) => services.findMany(ids));
}

@Resolver(() => ReleaseModel)
export class ReleaseServiceResolver {
  constructor(
    private readonly services: ServicesService,
    private readonly loaders: RequestLoaders,
  ) {}

  @ResolveField('service', () => ServiceModel)
  service(@Parent() release: ReleaseModel, @Context('req') request: object) {
    return serviceLoader(this.loaders, this.services, request).load(release.serviceId);
  }
}

@Resolver(() => DeploymentModel)
export class DeploymentServiceResolver {
  constructor(
    private readonly services: ServicesService,
    private readonly loaders: RequestLoaders,
  ) {}

  @ResolveField('service', () => ServiceModel)
  service(@Parent() deployment: DeploymentModel, @Context('req') request: object) {
    return serviceLoader(this.loaders, this.services, request).load(deployment.serviceId);
  }
}
