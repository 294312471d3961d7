import { Args, ID, Mutation, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Actor,
  CurrentActor,
  EXPECTED_VERSION,
  GraphqlContext,
  RequestLoaders,
  Requires,
  uuidParam,
} from '@opsplane/core';
import { IncidentModel } from '../dto/incident.model';
import {
  AlertSourceModel,
  AlertSourcePage,
  CreateAlertSourceInput,
  CreatedAlertSourceModel,
  ListAlertSourcesArgs,
  UpdateAlertSourceInput,
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

  @Mutation(() => AlertSourceModel, {
    name: 'updateAlertSource',
    description: 'Only the fields sent change; null resets a setting to its default.',
  })
  @Requires('administer')
  update(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: UpdateAlertSourceInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.sources.update(actor, id, input, expectedVersion ?? undefined);
  }

  @Mutation(() => CreatedAlertSourceModel, {
    name: 'rotateAlertSourceSecret',
    description: 'Answers the new secret once; the old one stops working.',
  })
  @Requires('administer')
  rotateSecret(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.sources.rotateSecret(actor, id, expectedVersion ?? undefined);
  }

  @Mutation(() => AlertSourceModel, {
    name: 'disableAlertSource',
    description: 'Its deliveries are refused (404) and store nothing; its alerts stay.',
  })
  @Requires('administer')
  disable(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.sources.setEnabled(actor, id, false, expectedVersion ?? undefined);
  }

  @Mutation(() => AlertSourceModel, { name: 'enableAlertSource' })
  @Requires('administer')
  enable(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.sources.setEnabled(actor, id, true, expectedVersion ?? undefined);
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
  alerts(incident: IncidentModel, _args: unknown, { req: request }: GraphqlContext) {
    return this.loaders
      .get(request, 'alertsByIncident', (ids: readonly string[]) => this.sources.alertsOfMany(ids))
      .load(incident.id);
  }
}
