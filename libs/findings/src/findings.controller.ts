import { Body, Controller, Get, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  IdParam,
  IfMatchVersion,
  Operation,
  Requires,
} from '@opsplane/core';
import { ChangeFindingStatusInput, FindingFilterArgs, ListFindingsArgs } from './dto/finding.inputs';
import { FINDING_STATUS_RULES, FindingModel, FindingPage } from './dto/finding.model';
import { FindingSummaryPage } from './dto/finding-summary.model';
import { FindingSlaPolicyModel, UpdateFindingSlaPolicyInput } from './dto/sla-policy.dto';
import { FindingsService } from './findings.service';

export const LIST_DESCRIPTION =
  'Typed filters, all optional and combined with AND; e.g. `subjectType=environment&subjectId=…&unresolved=true` ' +
  'is everything still open on one environment, worst first.';

@ApiTags('findings')
@Controller('v1/findings')
export class FindingsController {
  constructor(private readonly findings: FindingsService) {}

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listFindings',
    summary: 'List findings, worst first',
    description: LIST_DESCRIPTION,
    response: FindingPage,
  })
  list(@Query() args: ListFindingsArgs) {
    return this.findings.list(args);
  }

  @Get('summaries')
  @Requires('read')
  @Operation({
    operationId: 'listFindingSummaries',
    summary: 'Finding counts by severity and status, per subject',
    description: 'One entry per subject with findings under the filters, in (subjectType, subjectId) order.',
    response: FindingSummaryPage,
  })
  summaries(@Query() args: FindingFilterArgs) {
    return this.findings.summaries(args);
  }

  @Get('sla-policy')
  @Requires('read')
  @Operation({
    operationId: 'getFindingSlaPolicy',
    summary: 'Get the SLA policy: days to fix a finding, per severity',
    response: FindingSlaPolicyModel,
  })
  slaPolicy() {
    return this.findings.slaPolicy();
  }

  @Put('sla-policy')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'updateFindingSlaPolicy',
    summary: 'Replace the SLA policy',
    description:
      'Every severity, null for no due date. The due date of every open, triaged and accepted finding moves to ' +
      'match (opened + the new days) in the same transaction; one that is no longer past due is no longer ' +
      'breached. Recorded as `finding_sla_policy.updated`. If-Match (optional) takes the current `version`.',
    response: FindingSlaPolicyModel,
    problems: [412],
  })
  updateSlaPolicy(
    @CurrentActor() actor: Actor,
    @Body() input: UpdateFindingSlaPolicyInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.findings.updateSlaPolicy(actor, input, version);
  }

  @Get(':id')
  @Requires('read')
  @Operation({ operationId: 'getFinding', summary: 'Get a finding', response: FindingModel, problems: [404] })
  get(@IdParam() id: string) {
    return this.findings.get(id);
  }

  @Post(':id/status')
  @Requires('operate')
  @ApiIfMatch()
  @Operation({
    operationId: 'changeFindingStatus',
    summary: 'Triage, resolve, accept the risk of, or mark a false positive a finding',
    description:
      `${FINDING_STATUS_RULES} Other moves are 409 \`finding.illegal_transition\` listing the allowed ones. ` +
      'accepted needs reason, acceptedBy (not the caller) and acceptedUntil (future, within ' +
      'FINDINGS_MAX_ACCEPTANCE_DAYS); false_positive needs a reason. Recorded as `finding.<status>` ' +
      '(`finding.reopened`, `finding.marked_false_positive`) with the caller and the reason.',
    response: FindingModel,
    problems: [404, 409, 412],
  })
  changeStatus(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: ChangeFindingStatusInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.findings.changeStatus(actor, id, input, version);
  }
}
