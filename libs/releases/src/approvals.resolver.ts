import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires, uuidParam } from '@opsplane/core';
import { ApprovalsService } from './approvals.service';
import { ApprovalRuleModel, SetApprovalRuleInput } from './dto/approval.model';
import { DeploymentModel } from './dto/deployment.model';

const ENVIRONMENT = { description: 'The environment id (UUID) or slug.' };

@Resolver(() => ApprovalRuleModel)
export class ApprovalsResolver {
  constructor(private readonly approvals: ApprovalsService) {}

  @Query(() => ApprovalRuleModel, {
    name: 'approvalRule',
    description: 'The approval rule of an environment; approval_rule.not_found when none.',
  })
  @Requires('read')
  rule(@Args('environment', ENVIRONMENT) environment: string) {
    return this.approvals.getRule(environment);
  }

  @Mutation(() => ApprovalRuleModel, {
    name: 'setApprovalRule',
    description: 'Creates or replaces the rule.',
  })
  @Requires('administer')
  setRule(
    @CurrentActor() actor: Actor,
    @Args('environment', ENVIRONMENT) environment: string,
    @Args('input') input: SetApprovalRuleInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.approvals.setRule(actor, environment, input, expectedVersion ?? undefined);
  }

  @Mutation(() => ApprovalRuleModel, { name: 'removeApprovalRule', description: 'Returns what was removed.' })
  @Requires('administer')
  removeRule(
    @CurrentActor() actor: Actor,
    @Args('environment', ENVIRONMENT) environment: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.approvals.removeRule(actor, environment, expectedVersion ?? undefined);
  }

  @Mutation(() => DeploymentModel, {
    name: 'approveDeployment',
    description:
      'Approve a deployment waiting for approval. queue: true (approveAndQueue) queues it when this ' +
      'approval completes the required ones; otherwise it waits for queueDeployment.',
  })
  @Requires('operate')
  approve(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('comment', { nullable: true }) comment?: string,
    @Args('queue', { nullable: true }) queue?: boolean,
  ) {
    return this.approvals.approve(actor, id, { comment, queue });
  }

  @Mutation(() => DeploymentModel, {
    name: 'rejectDeployment',
    description: 'Reject a deployment waiting for approval; one rejection ends it. comment is required.',
  })
  @Requires('operate')
  reject(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('comment') comment: string,
  ) {
    return this.approvals.reject(actor, id, { comment });
  }

  @Mutation(() => DeploymentModel, {
    name: 'queueDeployment',
    description: 'Queue an approved deployment; approval.missing while approvals are missing.',
  })
  @Requires('operate')
  queue(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.approvals.queue(actor, id);
  }
}
