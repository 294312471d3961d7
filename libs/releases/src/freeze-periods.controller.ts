import { Body, Controller, Delete, Get, Patch, Post, Query } from '@nestjs/common';
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
import {
  CreateFreezePeriodInput,
  ListFreezePeriodsArgs,
  UpdateFreezePeriodInput,
} from './dto/freeze-period.inputs';
import { FreezePeriodModel, FreezePeriodPage } from './dto/freeze-period.model';
import { FreezePeriodsService } from './freeze-periods.service';

const SHAPE_PROBLEMS =
  'Exactly one shape: `startsAt` + `endsAt` (after startsAt), or `schedule` + `durationMinutes` + ' +
  '`timeZone`; anything else is 400 naming each field.';

@ApiTags('freeze periods')
@Controller('v1/freeze-periods')
export class FreezePeriodsController {
  constructor(private readonly freezes: FreezePeriodsService) {}

  @Post()
  @Requires('administer')
  @Idempotent()
  @Operation({
    operationId: 'createFreezePeriod',
    summary: 'Freeze deployments into one environment or all of them',
    description: SHAPE_PROBLEMS,
    status: 201,
    response: FreezePeriodModel,
    problems: [404, 409, 422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateFreezePeriodInput) {
    return this.freezes.create(actor, input);
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listFreezePeriods',
    summary: 'List freeze periods, newest first',
    response: FreezePeriodPage,
  })
  list(@Query() args: ListFreezePeriodsArgs) {
    return this.freezes.list(args);
  }

  @Get(':id')
  @Requires('read')
  @Operation({
    operationId: 'getFreezePeriod',
    summary: 'Get a freeze period',
    response: FreezePeriodModel,
    problems: [404],
  })
  get(@IdParam() id: string) {
    return this.freezes.get(id);
  }

  @Patch(':id')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'updateFreezePeriod',
    summary: 'Change a freeze period',
    description: SHAPE_PROBLEMS,
    response: FreezePeriodModel,
    problems: [404, 409, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: UpdateFreezePeriodInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.freezes.update(actor, id, input, version);
  }

  @Delete(':id')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'deleteFreezePeriod',
    summary: 'Delete a freeze period (the audit log keeps it); answers with what was deleted',
    response: FreezePeriodModel,
    problems: [404, 412],
  })
  delete(@CurrentActor() actor: Actor, @IdParam() id: string, @IfMatchVersion() version?: number) {
    return this.freezes.delete(actor, id, version);
  }
}
