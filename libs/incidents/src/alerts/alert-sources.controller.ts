import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
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
  AlertSourceModel,
  AlertSourcePage,
  CreateAlertSourceInput,
  CreatedAlertSourceModel,
  ListAlertSourcesArgs,
  UpdateAlertSourceInput,
} from './alert-source.dto';
import { AlertListModel } from './alert.model';
import { AlertSourcesService } from './alert-sources.service';

@ApiTags('alerts')
@Controller('v1')
export class AlertSourcesController {
  constructor(private readonly sources: AlertSourcesService) {}

  @Post('alert-sources')
  @Requires('administer')
  @Idempotent()
  @Operation({
    operationId: 'createAlertSource',
    summary: 'Let a monitoring system send alerts (Alertmanager, Grafana, PagerDuty events)',
    description:
      'Answers the secret once. Point the sender at `ingestPath`: Alertmanager `webhook_configs.url` with ' +
      '`http_config.authorization.credentials` = the secret; Grafana webhook contact point with the secret as ' +
      'Authorization header or HMAC key; PagerDuty-speaking tools with the secret as `routing_key`, sent to ' +
      "`ingestPath` or to `/v2/enqueue` (PagerDuty's own path: only the base URL changes).",
    status: 201,
    response: CreatedAlertSourceModel,
    problems: [422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateAlertSourceInput) {
    return this.sources.create(actor, input);
  }

  @Get('alert-sources')
  @Requires('read')
  @Operation({
    operationId: 'listAlertSources',
    summary: 'List alert sources, newest first',
    response: AlertSourcePage,
  })
  list(@Query() args: ListAlertSourcesArgs) {
    return this.sources.list(args);
  }

  @Get('alert-sources/:id')
  @Requires('read')
  @Operation({
    operationId: 'getAlertSource',
    summary: 'Get an alert source',
    response: AlertSourceModel,
    problems: [404],
  })
  get(@IdParam() id: string) {
    return this.sources.get(id);
  }

  @Patch('alert-sources/:id')
  @Requires('administer')
  @ApiIfMatch()
  @Operation({
    operationId: 'updateAlertSource',
    summary: 'Change an alert source’s name, severity mapping, labels or resolve policy',
    description: 'Only the fields sent change; null resets a setting to its default.',
    response: AlertSourceModel,
    problems: [404, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: UpdateAlertSourceInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.sources.update(actor, id, input, version);
  }

  @Post('alert-sources/:id/rotate-secret')
  @Requires('administer')
  @ApiIfMatch()
  @HttpCode(200)
  @Operation({
    operationId: 'rotateAlertSourceSecret',
    summary: 'Replace an alert source’s secret; answers the new one once, the old one stops working',
    response: CreatedAlertSourceModel,
    problems: [404, 412],
  })
  rotateSecret(@CurrentActor() actor: Actor, @IdParam() id: string, @IfMatchVersion() version?: number) {
    return this.sources.rotateSecret(actor, id, version);
  }

  @Post('alert-sources/:id/disable')
  @Requires('administer')
  @ApiIfMatch()
  @HttpCode(200)
  @Operation({
    operationId: 'disableAlertSource',
    summary: 'Refuse an alert source’s deliveries (404, nothing stored); its alerts stay',
    response: AlertSourceModel,
    problems: [404, 409, 412],
  })
  disable(@CurrentActor() actor: Actor, @IdParam() id: string, @IfMatchVersion() version?: number) {
    return this.sources.setEnabled(actor, id, false, version);
  }

  @Post('alert-sources/:id/enable')
  @Requires('administer')
  @ApiIfMatch()
  @HttpCode(200)
  @Operation({
    operationId: 'enableAlertSource',
    summary: 'Take a disabled alert source’s deliveries again',
    response: AlertSourceModel,
    problems: [404, 409, 412],
  })
  enable(@CurrentActor() actor: Actor, @IdParam() id: string, @IfMatchVersion() version?: number) {
    return this.sources.setEnabled(actor, id, true, version);
  }

  @Get('incidents/:id/alerts')
  @Requires('read')
  @Operation({
    operationId: 'listIncidentAlerts',
    summary: 'The alerts attached to an incident, oldest first',
    response: AlertListModel,
    problems: [404],
  })
  alerts(@IdParam() id: string) {
    return this.sources.alertsOfIncident(id);
  }
}
