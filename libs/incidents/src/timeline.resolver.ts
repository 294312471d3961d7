import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, Requires, uuidParam } from '@opsplane/core';
import { AddTimelineEntryInput, IncidentTimelineArgs } from './dto/timeline.inputs';
import { TimelineEntryModel, TimelineEntryPage } from './dto/timeline-entry.model';
import { TimelineService } from './timeline.service';

const INCIDENT_ID = { type: () => ID };

@Resolver(() => TimelineEntryModel)
export class TimelineResolver {
  constructor(private readonly timeline: TimelineService) {}

  @Query(() => TimelineEntryPage, {
    name: 'incidentTimeline',
    description: 'An incident’s timeline, oldest first by occurredAt, in pages.',
  })
  @Requires('read')
  list(@Args() { incidentId, ...args }: IncidentTimelineArgs) {
    return this.timeline.list(incidentId, args);
  }

  @Mutation(() => TimelineEntryModel, {
    name: 'addIncidentTimelineEntry',
    description: 'A note, action, impact or deployment entry; occurredAt (default now) may be back-dated.',
  })
  @Requires('operate')
  add(
    @CurrentActor() actor: Actor,
    @Args('incidentId', INCIDENT_ID, uuidParam) incidentId: string,
    @Args('input') input: AddTimelineEntryInput,
  ) {
    return this.timeline.add(actor, incidentId, input);
  }

  @Mutation(() => TimelineEntryModel, { name: 'pinIncidentTimelineEntry' })
  @Requires('operate')
  pin(
    @CurrentActor() actor: Actor,
    @Args('incidentId', INCIDENT_ID, uuidParam) incidentId: string,
    @Args('entryId', { type: () => ID }, uuidParam) entryId: string,
  ) {
    return this.timeline.pin(actor, incidentId, entryId);
  }

  @Mutation(() => TimelineEntryModel, { name: 'unpinIncidentTimelineEntry' })
  @Requires('operate')
  unpin(
    @CurrentActor() actor: Actor,
    @Args('incidentId', INCIDENT_ID, uuidParam) incidentId: string,
    @Args('entryId', { type: () => ID }, uuidParam) entryId: string,
  ) {
    return this.timeline.unpin(actor, incidentId, entryId);
  }
}
