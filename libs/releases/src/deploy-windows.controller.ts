import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IdParam,
  IfMatchVersion,
  Operation,
  PageArgs,
  Requires,
} from '@opsplane/core';
import { DeployScheduleService } from './deploy-schedule.service';
import { DeployWindowsService } from './deploy-windows.service';
import {
  CreateDeployWindowInput,
  NextDeployWindowArgs,
  UpdateDeployWindowInput,
} from './dto/deploy-window.inputs';
import { DeployWindowModel, DeployWindowPage, NextAllowedStartModel } from './dto/deploy-window.model';

const ENVIRONMENT = { name: 'idOrSlug', description: 'The environment id (UUID) or slug.' };
const PERIOD_PROBLEMS =
  'A bad `schedule` (five cron fields), `timeZone` (IANA, no fixed offsets) or `durationMinutes` ' +
  '(1 to 10080) is 400 naming each field.';

@ApiTags('deploy windows')
@Controller('v1')
export class DeployWindowsController {
  constructor(
    private readonly windows: DeployWindowsService,
    private readonly schedule: DeployScheduleService,
  ) {}

  @Post('environments/:idOrSlug/deploy-windows')
  @Requires('administer')
  @Idempotent()
  @ApiParam(ENVIRONMENT)
  @Operation({
    operationId: 'createDeployWindow',
    summary: 'Add a deploy window to an environment, optionally for one service',
    description: PERIOD_PROBLEMS,
    status: 201,
    response: DeployWindowModel,
    problems: [404, 409, 422],
  })
  create(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Body() input: CreateDeployWindowInput,
  ) {
    return this.windows.create(actor, idOrSlug, input);
  }

  @Get('environments/:idOrSlug/deploy-windows')
  @Requires('read')
  @ApiParam(ENVIRONMENT)
  @Operation({
    operationId: 'listDeployWindows',
    summary: 'List the deploy windows of an environment, in creation order',
    response: DeployWindowPage,
    problems: [404],
  })
  list(@Param('idOrSlug') idOrSlug: string, @Query() args: PageArgs) {
    return this.windows.list(idOrSlug, args);
  }

  @Get('environments/:idOrSlug/deploy-windows/next')
  @Requires('read')
  @ApiParam(ENVIRONMENT)
  @Operation({
    operationId: 'getNextDeployWindow',
    summary: 'When a deployment may next start, by the windows and freezes in scope',
    description:
      'Windows of the environment for every service, plus those of `serviceId` when given; freezes of the ' +
      'environment or of every environment, likewise. `start` is `from` itself when a deployment may start ' +
      'then, and null when nothing allows a start within the horizon.',
    response: NextAllowedStartModel,
    problems: [404],
  })
  next(@Param('idOrSlug') idOrSlug: string, @Query() args: NextDeployWindowArgs) {
    return this.schedule.next(idOrSlug, args);
  }

  @Get('deploy-windows/:id')
  @Requires('read')
  @Operation({
    operationId: 'getDeployWindow',
    summary: 'Get a deploy window',
    response: DeployWindowModel,
    problems: [404],
  })
  get(@IdParam() id: string) {
    return this.windows.get(id);
  }

  @Patch('deploy-windows/:id')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'updateDeployWindow',
    summary: 'Change a deploy window',
    description: PERIOD_PROBLEMS,
    response: DeployWindowModel,
    problems: [404, 409, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: UpdateDeployWindowInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.windows.update(actor, id, input, version);
  }

  @Delete('deploy-windows/:id')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'deleteDeployWindow',
    summary: 'Delete a deploy window (the audit log keeps it); answers with what was deleted',
    response: DeployWindowModel,
    problems: [404, 412],
  })
  delete(@CurrentActor() actor: Actor, @IdParam() id: string, @IfMatchVersion() version?: number) {
    return this.windows.delete(actor, id, version);
  }
}
