import { Args, Context, ID, Info, Int, Mutation, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { DeploymentPages } from './deployment-lists.resolver';
import { Actor, CurrentActor, GraphqlContext, RequestLoaders, Requires, uuidParam } from '@opsplane/core';
import { ApprovalsService } from './approvals.service';
import { DeploymentsService } from './deployments.service';
import { ReleasesService } from './releases.service';
import { releaseLoader } from './request-loaders';
import { DeploymentApprovalModel } from './dto/approval.model';
import {
  ListDeploymentsArgs,
  ReportDeploymentStatusInput,
  RequestDeploymentInput,
  RollbackDeploymentInput,
} from './dto/deployment.inputs';
import { DeploymentModel, DeploymentPage } from './dto/deployment.model';
import { ReleaseModel } from './dto/release.model';

@Resolver(() => DeploymentModel)
export class DeploymentsResolver {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly loaders: RequestLoaders,
    private readonly releases: ReleasesService,
    private readonly approvals: ApprovalsService,
    private readonly pages: DeploymentPages,
  ) {}

  @Query(() => DeploymentPage, {
    name: 'deployments',
    description:
      'Deployments, newest first. First pages of one environment (service, release) each, asked under ' +
      'several aliases in one query, are read in one statement.',
  })
  @Requires('read')
  list(
    @Args() args: ListDeploymentsArgs,
    @Context() { req }: GraphqlContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.pages.read(req, info, args);
  }

  @Query(() => DeploymentModel, { name: 'deployment' })
  @Requires('read')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.deployments.get(id);
  }

  @Mutation(() => DeploymentModel, {
    name: 'requestDeployment',
    description:
      'Runs every deployment gate; refused with deployment.gates_failed listing each failing gate (gate.<name>).',
  })
  @Requires('operate')
  request(@CurrentActor() actor: Actor, @Args('input') input: RequestDeploymentInput) {
    return this.deployments.request(actor, input);
  }

  @Mutation(() => DeploymentModel, {
    name: 'rollbackDeployment',
    description:
      'Deploys the release that succeeded before this deployment in its environment (rollbackOf set) and ' +
      'marks this one rolled back; same rules as POST /v1/deployments/{id}/rollback.',
  })
  @Requires('operate')
  rollback(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: RollbackDeploymentInput,
  ) {
    return this.deployments.rollback(actor, id, input);
  }

  @Mutation(() => DeploymentModel, {
    name: 'reportDeploymentStatus',
    description: 'Progress reported by the tool that executes the deployment.',
  })
  @Requires('operate')
  reportStatus(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: ReportDeploymentStatusInput,
    @Args('expectedVersion', {
      type: () => Int,
      nullable: true,
      description: 'Refuse the change unless this is the current version.',
    })
    expectedVersion?: number,
  ) {
    return this.deployments.reportStatus(actor, id, input, expectedVersion ?? undefined);
  }

  /** Batched per request: a page of deployments loads its releases in one go. */
  @ResolveField('release', () => ReleaseModel)
  release(deployment: DeploymentModel, _args: unknown, { req: request }: GraphqlContext) {
    return releaseLoader(this.loaders, this.releases, request).load(deployment.releaseId);
  }

  /** The approval decisions, oldest first; batched per request like `release`. */
  @ResolveField('approvals', () => [DeploymentApprovalModel])
  approvalDecisions(deployment: DeploymentModel, _args: unknown, { req: request }: GraphqlContext) {
    return this.loaders
      .get(request, 'approvalsByDeployment', (ids: readonly string[]) => this.approvals.decisionsOfMany(ids))
      .load(deployment.id);
  }
}
