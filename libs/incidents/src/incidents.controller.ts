import { Body, Controller, Get, Patch, Post, Put, Query } from '@nestjs/common';
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
import { ChangeCorrelationService } from './change-correlation.service';
import {
  INCIDENT_METRICS_DESCRIPTION,
  IncidentMetricsArgs,
  IncidentMetricsModel,
} from './dto/incident-metrics.dto';
import {
  ChangeIncidentStatusInput,
  DeclareIncidentInput,
  ListIncidentsArgs,
  SetIncidentCauseInput,
  UpdateIncidentInput,
} from './dto/incident.inputs';
import { IncidentModel, IncidentPage } from './dto/incident.model';
import { RelatedDeploymentListModel, RelatedDeploymentsArgs } from './dto/related-deployment.model';
import { IncidentMetricsService } from './incident-metrics.service';
import { IncidentsService } from './incidents.service';

export const STATUS_RULES =
  'triggered → acknowledged → mitigated → resolved → closed; forward moves may skip steps, `closed` only ' +
  'from `resolved`. Reopen: mitigated, resolved or closed → triggered or acknowledged (`incident.reopened`). ' +
  'Anything else is 409 `incident.illegal_transition` listing the allowed next statuses. Closing an incident ' +
  'at or above INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY (default SEV2) needs a published postmortem (409 ' +
  '`incident.postmortem_required`). Each status stamps its time; acknowledgedAt is the first acknowledgement.';

@ApiTags('incidents')
@Controller('v1/incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly metrics: IncidentMetricsService,
    private readonly correlation: ChangeCorrelationService,
  ) {}

  @Post()
  @Requires('operate')
  @Idempotent()
  @Operation({
    operationId: 'declareIncident',
    summary: 'Declare an incident',
    description:
      'Starts `triggered` (`incident.triggered`). Services and environments by id or slug; an unknown or ' +
      'archived one is 400 `incident.unknown_reference` naming its path (`services.1`).',
    status: 201,
    response: IncidentModel,
    problems: [422],
  })
  declare(@CurrentActor() actor: Actor, @Body() input: DeclareIncidentInput) {
    return this.incidents.declare(actor, input);
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listIncidents',
    summary: 'List incidents, newest first',
    response: IncidentPage,
  })
  list(@Query() args: ListIncidentsArgs) {
    return this.incidents.list(args);
  }

  @Get('metrics')
  @Requires('read')
  @Operation({
    operationId: 'getIncidentMetrics',
    summary: 'Incident counts, MTTA, MTTM and MTTR (mean, median, p95) for a period',
    description: INCIDENT_METRICS_DESCRIPTION,
    response: IncidentMetricsModel,
  })
  report(@Query() args: IncidentMetricsArgs) {
    return this.metrics.report(args);
  }

  @Get(':id')
  @Requires('read')
  @Operation({
    operationId: 'getIncident',
    summary: 'Get an incident',
    response: IncidentModel,
    problems: [404],
  })
  get(@IdParam() id: string) {
    return this.incidents.get(id);
  }

  @Patch(':id')
  @Requires('operate')
  @ApiIfMatch()
  @Operation({
    operationId: 'updateIncident',
    summary: 'Change an incident’s title, summary, severity, scope, people or impact times',
    description:
      'A severity change writes a severity_change timeline entry and `incident.severity_changed`; other ' +
      'changes `incident.updated`.',
    response: IncidentModel,
    problems: [404, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: UpdateIncidentInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.incidents.update(actor, id, input, version);
  }

  @Post(':id/status')
  @Requires('operate')
  @ApiIfMatch()
  @Operation({
    operationId: 'changeIncidentStatus',
    summary: 'Move an incident to another status',
    description: STATUS_RULES,
    response: IncidentModel,
    problems: [404, 409, 412],
  })
  changeStatus(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: ChangeIncidentStatusInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.incidents.changeStatus(actor, id, input, version);
  }

  @Get(':id/related-deployments')
  @Requires('read')
  @Operation({
    operationId: 'listRelatedDeployments',
    summary: 'Deployments that may have caused the incident, with the reason each is listed',
    description:
      'Deployments to the incident’s services or environments that started or finished in the `hours` ' +
      '(default 24, at most 168) before impact start (else detection, else declaration), newest first.',
    response: RelatedDeploymentListModel,
    problems: [404],
  })
  related(@IdParam() id: string, @Query() args: RelatedDeploymentsArgs) {
    return this.correlation.related(id, args.hours);
  }

  @Put(':id/cause')
  @Requires('operate')
  @ApiIfMatch()
  @Operation({
    operationId: 'setIncidentCause',
    summary: 'Mark the deployment that caused the incident (null clears it)',
    description:
      'Writes a deployment timeline entry and `incident.cause_set` / `incident.cause_cleared`. An unknown ' +
      'deployment is 400 `incident.unknown_reference`.',
    response: IncidentModel,
    problems: [404, 412],
  })
  setCause(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: SetIncidentCauseInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.incidents.setCause(actor, id, input.deploymentId, version);
  }
}
