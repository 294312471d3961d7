import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IfMatchVersion,
  Operation,
  Requires,
  uuidParam,
} from '@opsplane/core';
import { DeploymentsService } from './deployments.service';
import {
  ListDeploymentsArgs,
  ReportDeploymentStatusInput,
  RequestDeploymentInput,
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
      '`errors` entry per failing gate (`path: gate.<name>`).',
    status: 201,
    response: DeploymentModel,
    problems: [404, 409, 422],
  })
  request(@CurrentActor() actor: Actor, @Body() input: RequestDeploymentInput) {
    return this.deployments.request(actor, input);
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
    @Param('id', uuidParam) id: string,
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
  get(@Param('id', uuidParam) id: string) {
    return this.deployments.get(id);
  }
}
