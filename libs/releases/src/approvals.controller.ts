import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  IdParam,
  IfMatchVersion,
  Operation,
  Requires,
} from '@opsplane/core';
import { ApprovalsService } from './approvals.service';
import {
  ApprovalRuleModel,
  ApproveDeploymentInput,
  DeploymentApprovalList,
  RejectDeploymentInput,
  SetApprovalRuleInput,
} from './dto/approval.model';
import { DeploymentModel } from './dto/deployment.model';

const ENVIRONMENT = { name: 'idOrSlug', description: 'The environment id (UUID) or slug.' };
const DECISION_PROBLEMS =
  'The key needs the rule’s approver role or admin (403 `approval.role_required`); each approver decides ' +
  'once (409 `approval.already_decided`); only a `pending_approval` deployment can be decided on (409 ' +
  '`deployment.illegal_transition`).';

@ApiTags('approvals')
@Controller('v1')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Put('environments/:idOrSlug/approval-rule')
  @Requires('administer')
  @ApiParam(ENVIRONMENT)
  @ApiIfMatch()
  @Operation({
    operationId: 'setApprovalRule',
    summary: 'Require N approvals from a role before deployments into the environment may be queued',
    description:
      'Creates or replaces the rule. Deployments requested from now on start in `pending_approval`; those ' +
      'requested before keep the rule (or none) they were requested under. If-Match (optional) takes the ' +
      'current `version`.',
    response: ApprovalRuleModel,
    problems: [404, 409, 412],
  })
  setRule(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Body() input: SetApprovalRuleInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.approvals.setRule(actor, idOrSlug, input, version);
  }

  @Get('environments/:idOrSlug/approval-rule')
  @Requires('read')
  @ApiParam(ENVIRONMENT)
  @Operation({
    operationId: 'getApprovalRule',
    summary: 'Get the approval rule of an environment (404 `approval_rule.not_found` when none)',
    response: ApprovalRuleModel,
    problems: [404],
  })
  getRule(@Param('idOrSlug') idOrSlug: string) {
    return this.approvals.getRule(idOrSlug);
  }

  @Delete('environments/:idOrSlug/approval-rule')
  @Requires('administer')
  @ApiParam(ENVIRONMENT)
  @ApiIfMatch()
  @Operation({
    operationId: 'removeApprovalRule',
    summary: 'Remove the approval rule of an environment; answers with what was removed',
    description: 'Deployments already waiting for approval keep needing it. If-Match (optional).',
    response: ApprovalRuleModel,
    problems: [404, 412],
  })
  removeRule(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @IfMatchVersion() version?: number,
  ) {
    return this.approvals.removeRule(actor, idOrSlug, version);
  }

  @Post('deployments/:id/approve')
  @Requires('operate')
  @Operation({
    operationId: 'approveDeployment',
    summary: 'Approve a deployment waiting for approval (approveAndQueue with `queue: true`)',
    description:
      `${DECISION_PROBLEMS} The requester cannot approve their own deployment unless the rule allows it ` +
      '(403 `approval.self_approval`). Approving does not queue: with `queue: true` (approveAndQueue) the ' +
      'approval that completes the required ones moves the deployment to `queued`; otherwise it stays ' +
      '`pending_approval` with `isApproved: true` until `POST /v1/deployments/{id}/queue`. A deployment with ' +
      'a schedule needs no `queue`: its last approval moves it to `scheduled` (or `queued` once its time has come).',
    response: DeploymentModel,
    problems: [403, 404, 409],
  })
  approve(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() input: ApproveDeploymentInput) {
    return this.approvals.approve(actor, id, input);
  }

  @Post('deployments/:id/reject')
  @Requires('operate')
  @Operation({
    operationId: 'rejectDeployment',
    summary: 'Reject a deployment waiting for approval; one rejection ends it (`rejected`)',
    description: `${DECISION_PROBLEMS} A comment is required.`,
    response: DeploymentModel,
    problems: [403, 404, 409],
  })
  reject(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() input: RejectDeploymentInput) {
    return this.approvals.reject(actor, id, input);
  }

  @Post('deployments/:id/queue')
  @Requires('operate')
  @Operation({
    operationId: 'queueDeployment',
    summary: 'Queue an approved deployment, or a scheduled one now instead of at its time',
    description:
      'An approved `pending_approval` deployment moves to `queued` (to `scheduled` while its scheduled time is ' +
      'ahead); a `scheduled` one moves to `queued` at once. 409 `approval.missing` while approvals are ' +
      'missing; 409 `deployment.illegal_transition` in any other status.',
    response: DeploymentModel,
    problems: [404, 409],
  })
  queue(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.approvals.queue(actor, id);
  }

  @Get('deployments/:id/approvals')
  @Requires('read')
  @Operation({
    operationId: 'listDeploymentApprovals',
    summary: 'The approval decisions on a deployment, oldest first',
    response: DeploymentApprovalList,
    problems: [404],
  })
  list(@IdParam() id: string) {
    return this.approvals.decisions(id);
  }
}
