import { Args, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { EnvironmentModel, ServiceModel, serviceLoader, ServicesService } from '@opsplane/catalog';
import { GraphqlContext, RequestLoaders, Requires, selectedFieldNames } from '@opsplane/core';
import { CurrentDeploymentsService } from './current-deployments.service';
import { CurrentDeploymentPage } from './dto/current-deployment.model';
import { EnvironmentPageArgs } from './dto/deploy-window.inputs';
import { deploymentColumnsFor, DeploymentModel } from './dto/deployment.model';
import { ReleaseModel } from './dto/release.model';
import { ReleasesService } from './releases.service';
import { loadReleasesAhead } from './request-loaders';

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
    private readonly releases: ReleasesService,
    private readonly services: ServicesService,
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
  currentDeployments(
    environment: EnvironmentModel,
    _args: unknown,
    { req: request }: GraphqlContext,
    info: GraphQLResolveInfo,
  ) {
    // Only the columns this query reads, and a loader per column set, so that two selections of
    // the field in one query never share partial rows.
    const columns = deploymentColumnsFor(selectedFieldNames(info), ['environmentId']);
    return this.loaders
      .get(request, `currentDeploymentsByEnvironment:${columns.join()}`, async (ids: readonly string[]) => {
        const deployments = await this.current.ofEnvironments(ids, columns);
        await loadReleasesAhead(
          this.loaders,
          this.releases,
          this.services,
          request,
          info,
          deployments.flat(),
        );
        return deployments;
      })
      .load(environment.id);
  }
}

@Resolver(() => ReleaseModel)
export class ReleaseServiceResolver {
  constructor(
    private readonly services: ServicesService,
    private readonly loaders: RequestLoaders,
  ) {}

  @ResolveField('service', () => ServiceModel)
  service(release: ReleaseModel, _args: unknown, { req: request }: GraphqlContext) {
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
  service(deployment: DeploymentModel, _args: unknown, { req: request }: GraphqlContext) {
    return serviceLoader(this.loaders, this.services, request).load(deployment.serviceId);
  }
}
