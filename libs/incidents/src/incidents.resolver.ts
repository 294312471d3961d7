import { Args, ID, Mutation, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  environmentLoader,
  EnvironmentModel,
  EnvironmentsService,
  serviceLoader,
  ServiceModel,
  ServicesService,
} from '@opsplane/catalog';
import {
  Actor,
  CurrentActor,
  EXPECTED_VERSION,
  GraphqlContext,
  nullableUuidArg,
  RequestLoaders,
  Requires,
  uuidParam,
} from '@opsplane/core';
import { deploymentLoader, DeploymentModel, DeploymentsService } from '@opsplane/releases';
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
  UpdateIncidentInput,
} from './dto/incident.inputs';
import { IncidentModel, IncidentPage } from './dto/incident.model';
import { PostmortemModel } from './dto/postmortem.dto';
import { RelatedDeploymentListModel, RelatedDeploymentsQueryArgs } from './dto/related-deployment.model';
import { TimelineEntryModel } from './dto/timeline-entry.model';
import { IncidentMetricsService } from './incident-metrics.service';
import { IncidentsService } from './incidents.service';
import { STATUS_RULES } from './incidents.controller';
import { PostmortemsService } from './postmortems.service';
import { TIMELINE_FIELD_LIMIT, TimelineService } from './timeline.service';

/** Drops the nulls a loader answers for ids that no longer resolve. */
const present = <T>(values: (T | null)[]): T[] => values.filter((value): value is T => value !== null);

@Resolver(() => IncidentModel)
export class IncidentsResolver {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly metrics: IncidentMetricsService,
    private readonly correlation: ChangeCorrelationService,
    private readonly timeline: TimelineService,
    private readonly postmortems: PostmortemsService,
    private readonly services: ServicesService,
    private readonly environments: EnvironmentsService,
    private readonly deployments: DeploymentsService,
    private readonly loaders: RequestLoaders,
  ) {}

  @Query(() => IncidentPage, { name: 'incidents', description: 'Incidents, newest first.' })
  @Requires('read')
  list(@Args() args: ListIncidentsArgs) {
    return this.incidents.list(args);
  }

  @Query(() => IncidentModel, { name: 'incident' })
  @Requires('read')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.incidents.get(id);
  }

  @Query(() => IncidentMetricsModel, { name: 'incidentMetrics', description: INCIDENT_METRICS_DESCRIPTION })
  @Requires('read')
  report(@Args() args: IncidentMetricsArgs) {
    return this.metrics.report(args);
  }

  @Query(() => RelatedDeploymentListModel, {
    name: 'relatedDeployments',
    description:
      'Deployments to the incident’s services or environments in the hours (default 24, at most 168) before ' +
      'impact start (else detection, else declaration), newest first, each with a reason.',
  })
  @Requires('read')
  related(@Args() { incidentId, hours }: RelatedDeploymentsQueryArgs) {
    return this.correlation.related(incidentId, hours);
  }

  @Mutation(() => IncidentModel, { name: 'declareIncident', description: 'Starts triggered.' })
  @Requires('operate')
  declare(@CurrentActor() actor: Actor, @Args('input') input: DeclareIncidentInput) {
    return this.incidents.declare(actor, input);
  }

  @Mutation(() => IncidentModel, { name: 'updateIncident' })
  @Requires('operate')
  update(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: UpdateIncidentInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.incidents.update(actor, id, input, expectedVersion ?? undefined);
  }

  @Mutation(() => IncidentModel, { name: 'changeIncidentStatus', description: STATUS_RULES })
  @Requires('operate')
  changeStatus(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: ChangeIncidentStatusInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.incidents.changeStatus(actor, id, input, expectedVersion ?? undefined);
  }

  @Mutation(() => IncidentModel, {
    name: 'setIncidentCause',
    description: 'Marks the deployment that caused the incident; a null deploymentId clears it.',
  })
  @Requires('operate')
  setCause(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('deploymentId', { type: () => ID, nullable: true }, nullableUuidArg)
    deploymentId: string | null,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.incidents.setCause(actor, id, deploymentId ?? null, expectedVersion ?? undefined);
  }

  /** Batched per request: a page of incidents loads every timeline in one query. */
  @ResolveField('timeline', () => [TimelineEntryModel], {
    description: `Oldest first by occurredAt, at most ${TIMELINE_FIELD_LIMIT}; incidentTimeline pages through all.`,
  })
  timelineOf(incident: IncidentModel, _args: unknown, { req: request }: GraphqlContext) {
    return this.loaders
      .get(request, 'timelineByIncident', (ids: readonly string[]) => this.timeline.entriesOfMany(ids))
      .load(incident.id);
  }

  @ResolveField('postmortem', () => PostmortemModel, { nullable: true })
  postmortemOf(incident: IncidentModel, _args: unknown, { req: request }: GraphqlContext) {
    return this.loaders
      .get(request, 'postmortemByIncident', (ids: readonly string[]) => this.postmortems.findMany(ids))
      .load(incident.id);
  }

  @ResolveField('services', () => [ServiceModel], { description: 'The affected services.' })
  async servicesOf(incident: IncidentModel, _args: unknown, { req: request }: GraphqlContext) {
    const loader = serviceLoader(this.loaders, this.services, request);
    return present(await loader.loadMany(incident.serviceIds).then(throwErrors));
  }

  @ResolveField('environments', () => [EnvironmentModel], { description: 'The affected environments.' })
  async environmentsOf(incident: IncidentModel, _args: unknown, { req: request }: GraphqlContext) {
    const loader = environmentLoader(this.loaders, this.environments, request);
    return present(await loader.loadMany(incident.environmentIds).then(throwErrors));
  }

  @ResolveField('causedByDeployment', () => DeploymentModel, { nullable: true })
  causedByDeployment(incident: IncidentModel, _args: unknown, { req: request }: GraphqlContext) {
    if (!incident.causedByDeploymentId) return null;
    return deploymentLoader(this.loaders, this.deployments, request).load(incident.causedByDeploymentId);
  }
}

/** loadMany answers an Error in place of a failed key; let it fail the field like load would. */
function throwErrors<T>(values: (T | Error)[]): T[] {
  const error = values.find((value): value is Error => value instanceof Error);
  if (error) throw error;
  return values as T[];
}
