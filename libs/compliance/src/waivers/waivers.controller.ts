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
import {
  CreateWaiverInput,
  ListWaiversArgs,
  RevokeWaiverInput,
  WaiverModel,
  WaiverPage,
} from '../dto/waiver.dto';
import { WaiversService } from './waivers.service';

@ApiTags('compliance')
@Controller('v1/compliance/waivers')
export class WaiversController {
  constructor(private readonly waivers: WaiversService) {}

  @Post()
  @Requires('administer')
  @Idempotent()
  @Operation({
    operationId: 'createWaiver',
    summary: 'Waive a control for one environment or service, until a date',
    description:
      'A failure then reports as `waived` (never `passed`) until expiresAt or a revocation (`compliance_waiver.created`). ' +
      'Refused with 400 naming the field: a blank reason, approvedBy naming the caller, an expiry not in the future ' +
      'or beyond COMPLIANCE_MAX_WAIVER_DAYS, an unknown control or subject.',
    status: 201,
    response: WaiverModel,
    problems: [422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateWaiverInput) {
    return this.waivers.create(actor, input);
  }

  @Get()
  @Requires('read')
  @Operation({ operationId: 'listWaivers', summary: 'List waivers, newest first', response: WaiverPage })
  list(@CurrentActor() reader: Actor, @Query() args: ListWaiversArgs) {
    return this.waivers.list(reader, args);
  }

  @Get(':id')
  @Requires('read')
  @Operation({ operationId: 'getWaiver', summary: 'Get a waiver', response: WaiverModel, problems: [404] })
  get(@CurrentActor() reader: Actor, @IdParam() id: string) {
    return this.waivers.get(reader, id);
  }

  @Post(':id/revoke')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'revokeWaiver',
    summary: 'End a waiver now',
    description:
      'The next scan reports the failure again (`compliance_waiver.revoked`); 409 `waiver.ended` when it already ended.',
    response: WaiverModel,
    problems: [404, 409, 412],
  })
  revoke(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: RevokeWaiverInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.waivers.revoke(actor, id, input, version);
  }
}
