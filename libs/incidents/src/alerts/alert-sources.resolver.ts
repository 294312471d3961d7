import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, RequestLoaders, Requires, uuidParam } from '@opsplane/core';
import { IncidentModel } from '../dto/incident.model';
import {
  AlertSourceModel,
  AlertSourcePage,
  CreateAlertSourceInput,
  CreatedAlertSourceModel,
  ListAlertSourcesArgs,
} from './alert-source.dto';
import { AlertModel } from './alert.model';
import { AlertSourcesService } from './alert-sources.service';

@Resolver(() => AlertSourceModel)
export class AlertSourcesResolver {
  constructor(private readonly sources: AlertSourcesService) {}

  @Query(() => AlertSourcePage, { name: 'alertSources', description: 'Alert sources, newest first.' })
  @Requires('read')
  list(@Args() args: ListAlertSourcesArgs) {
    return this.sources.list(args);
  }

  @Query(() => AlertSourceModel, { name: 'alertSource' })
  @Requires('read')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.sources.get(id);
  }

  @Mutation(() => CreatedAlertSourceModel, {
    name: 'createAlertSource',
    description: 'Answers the secret once; point the sender at ingestPath.',
  })
  @Requires('administer')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateAlertSourceInput) {
    return this.sources.create(actor, input);
  }
}

/** `incident { alerts }`, batched per request like the timeline. */
@Resolver(() => IncidentModel)
export class IncidentAlertsResolver {
  constructor(
    private readonly sources: AlertSourcesService,
    private readonly loaders: RequestLoaders,
  ) {}

  @ResolveField('alerts', () => [AlertModel], {
    description: 'Alerts attached to the incident, oldest first.',
  })
  alerts(@Parent() incident: IncidentModel, @Context('req') request: object) {
    return this.loaders
      .get(request, 'alertsByIncident', (ids: readonly string[]) => this.sources.alertsOfMany(ids))
      .load(incident.id);
  }
}
