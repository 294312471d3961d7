import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires, uuidParam } from '@opsplane/core';
import { ChangeFindingStatusInput, FindingFilterArgs, ListFindingsArgs } from './dto/finding.inputs';
import { FINDING_STATUS_RULES, FindingModel, FindingPage } from './dto/finding.model';
import { FindingSummaryPage } from './dto/finding-summary.model';
import { FindingSlaPolicyModel, UpdateFindingSlaPolicyInput } from './dto/sla-policy.dto';
import { LIST_DESCRIPTION } from './findings.controller';
import { FindingsService } from './findings.service';

@Resolver(() => FindingModel)
export class FindingsResolver {
  constructor(private readonly findings: FindingsService) {}

  @Query(() => FindingPage, { name: 'findings', description: `Findings, worst first. ${LIST_DESCRIPTION}` })
  @Requires('read')
  list(@Args() args: ListFindingsArgs) {
    return this.findings.list(args);
  }

  @Query(() => FindingModel, { name: 'finding' })
  @Requires('read')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.findings.get(id);
  }

  @Query(() => FindingSummaryPage, {
    name: 'findingSummaries',
    description: 'Finding counts by severity and status, per subject.',
  })
  @Requires('read')
  summaries(@Args() args: FindingFilterArgs) {
    return this.findings.summaries(args);
  }

  @Query(() => FindingSlaPolicyModel, { name: 'findingSlaPolicy' })
  @Requires('read')
  slaPolicy() {
    return this.findings.slaPolicy();
  }

  @Mutation(() => FindingModel, { name: 'changeFindingStatus', description: FINDING_STATUS_RULES })
  @Requires('operate')
  changeStatus(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: ChangeFindingStatusInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.findings.changeStatus(actor, id, input, expectedVersion ?? undefined);
  }

  @Mutation(() => FindingSlaPolicyModel, {
    name: 'updateFindingSlaPolicy',
    description: 'Replaces the SLA policy; due dates of unresolved findings move to match.',
  })
  @Requires('administer')
  updateSlaPolicy(
    @CurrentActor() actor: Actor,
    @Args('input') input: UpdateFindingSlaPolicyInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.findings.updateSlaPolicy(actor, input, expectedVersion ?? undefined);
  }
}
