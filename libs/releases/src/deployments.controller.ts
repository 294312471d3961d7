import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IdParam,
  IfMatchVersion,
  Operation,
  Requires,
} from '@opsplane/core';
import { DeploymentsService } from './deployments.service';
import {
  ListDeploymentsArgs,
  ReportDeploymentStatusInput,
  RequestDeploymentInput,
  RollbackDeploymentInput,
} from './dto/deployment.inputs';
import { DeploymentModel, DeploymentPage } from './dto/deployment.model';

@ApiTags('deployments')
@Controller('v1/deployments')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Post()
  @Requires('operate')
  @Idempotent()
  @Operation({
    operationId: 'requestDeployment',
    summary: 'Request a deployment of a release into an environment',
    description:
      'Every deployment gate runs; if any refuses, the answer is 409 `deployment.gates_failed` with one ' +
      '`errors` entry per failing gate (`path: gate.<name>`). With `schedule` it waits in `scheduled` until ' +
      'its time (gates judged at that time, and again at start); with `expiresAt` it becomes `expired` if ' +
      'still waiting for approval or its time then.',
    status: 201,
    response: DeploymentModel,
    problems: [404, 409, 422],
  })
  request(@CurrentActor() actor: Actor, @Body() input: RequestDeploymentInput) {
    return this.deployments.request(actor, input);
  }

  @Post(':id/rollback')
  @Requires('operate')
  @Idempotent()
  @Operation({
    operationId: 'rollbackDeployment',
    summary: 'Roll back a deployment: deploy the release that succeeded before it in that environment',
    description:
      'Only the latest succeeded or failed deployment of its service in its environment can be rolled back ' +
      '(409 `deployment.not_rollbackable`), once (409 `deployment.already_rolled_back`). The new deployment ' +
      '(answered, `rollbackOf` set) is of the last release that succeeded there before it, skipping ' +
      'deployments that were rolled back themselves (409 `deployment.nothing_to_roll_back_to` when there is ' +
      'none); it passes every gate and the approval rule like any deployment. The replaced one is marked ' +
      '(`rolledBackAt`, `rollbackDeploymentId`) and emits `deployment.rolled_back`. `pin: true` also pins ' +
      'the service there to the release rolled back to.',
    status: 201,
    response: DeploymentModel,
    problems: [404, 409, 422],
  })
  rollback(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() input: RollbackDeploymentInput) {
    return this.deployments.rollback(actor, id, input);
  }

  @Post(':id/status')
  @Requires('operate')
  @ApiIfMatch()
  @Operation({
    operationId: 'reportDeploymentStatus',
    summary: 'Report progress of a deployment (running, succeeded, failed, canceled)',
    description:
      'An illegal transition is 409 `deployment.illegal_transition` listing the allowed ones. `running` runs ' +
      'the gates again and is 409 `deployment.already_running` while another deployment of the service runs ' +
      'in the environment. `failed` needs a reason.',
    response: DeploymentModel,
    problems: [404, 409, 412],
  })
  reportStatus(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: ReportDeploymentStatusInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.deployments.reportStatus(actor, id, input, version);
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listDeployments',
    summary: 'List deployments, newest first',
    response: DeploymentPage,
  })
  list(@Query() args: ListDeploymentsArgs) {
    return this.deployments.list(args);
  }

  @Get(':id')
  @Requires('read')
  @Operation({
    operationId: 'getDeployment',
    summary: 'Get a deployment',
    response: DeploymentModel,
    problems: [404],
  })
  get(@IdParam() id: string) {
    return this.deployments.get(id);
  }
}
