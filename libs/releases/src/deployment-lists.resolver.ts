import { Injectable } from '@nestjs/common';
import { Args, Context, Info, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { EnvironmentModel, ServiceModel, ServicesService } from '@opsplane/catalog';
import { GraphqlContext, RequestLoaders, selectedFieldNames } from '@opsplane/core';
import { DeploymentParent, DeploymentsService } from './deployments.service';
import {
  EnvironmentDeploymentsArgs,
  ListDeploymentsArgs,
  ServiceDeploymentsArgs,
} from './dto/deployment.inputs';
import { deploymentColumnsFor, DeploymentPage } from './dto/deployment.model';
import { ReleaseModel } from './dto/release.model';
import { ReleasesService } from './releases.service';
import { deploymentPage, loadReleasesAhead } from './request-loaders';

const DESCRIPTION =
  'Newest first; continue with `cursor: nextCursor` and the same filters, here or in the root ' +
  '`deployments` list. First pages are read for every parent in the query in one statement';

/**
 * Pages of deployments, from the root list and from an environment, a service or a release: one
 * way to read them (`deploymentPage`), so that a portal's "each environment's 5 newest
 * deployments" costs one statement whichever way the query asks for it, and the rows hold only
 * the columns the query reads.
 */
@Injectable()
export class DeploymentPages {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly releases: ReleasesService,
    private readonly services: ServicesService,
    private readonly loaders: RequestLoaders,
  ) {}

  read(request: object, info: GraphQLResolveInfo, args: ListDeploymentsArgs, parent?: DeploymentParent) {
    return deploymentPage(this.loaders, this.deployments, request, args, {
      parent,
      columns: deploymentColumnsFor(selectedFieldNames(info, ['items']), []),
      ahead: (deployments) =>
        loadReleasesAhead(this.loaders, this.releases, this.services, request, info, deployments, ['items']),
    });
  }
}

/**
 * The parent, typed as a plain shape on purpose: Nest runs its global pipes on every decorated
 * parameter whose type is a class, so `@Parent() environment: EnvironmentModel` would have the
 * validation pipe transform and validate the whole parent object on every call.
 */
type Parent = Pick<EnvironmentModel | ServiceModel | ReleaseModel, 'id'>;

@Resolver(() => EnvironmentModel)
export class EnvironmentDeploymentListResolver {
  constructor(private readonly pages: DeploymentPages) {}

  @ResolveField('deployments', () => DeploymentPage, {
    description: `Deployments into this environment. ${DESCRIPTION}.`,
  })
  deployments(
    @Parent() environment: Parent,
    @Args() args: EnvironmentDeploymentsArgs,
    @Context() { req }: GraphqlContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.pages.read(req, info, { ...args, environmentId: environment.id }, 'environmentId');
  }
}

@Resolver(() => ServiceModel)
export class ServiceDeploymentListResolver {
  constructor(private readonly pages: DeploymentPages) {}

  @ResolveField('deployments', () => DeploymentPage, {
    description: `Deployments of this service. ${DESCRIPTION}.`,
  })
  deployments(
    @Parent() service: Parent,
    @Args() args: ServiceDeploymentsArgs,
    @Context() { req }: GraphqlContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.pages.read(req, info, { ...args, serviceId: service.id }, 'serviceId');
  }
}

@Resolver(() => ReleaseModel)
export class ReleaseDeploymentListResolver {
  constructor(private readonly pages: DeploymentPages) {}

  @ResolveField('deployments', () => DeploymentPage, {
    description: `Deployments of this release. ${DESCRIPTION}.`,
  })
  deployments(
    @Parent() release: Parent,
    @Args() args: ServiceDeploymentsArgs,
    @Context() { req }: GraphqlContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.pages.read(req, info, { ...args, releaseId: release.id }, 'releaseId');
  }
}
