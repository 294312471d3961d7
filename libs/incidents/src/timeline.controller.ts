import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Idempotent, IdParam, Operation, Requires } from '@opsplane/core';
import { AddTimelineEntryInput, ListTimelineArgs } from './dto/timeline.inputs';
import { TimelineEntryModel, TimelineEntryPage } from './dto/timeline-entry.model';
import { TimelineService } from './timeline.service';

@ApiTags('incidents')
@Controller('v1/incidents/:id/timeline')
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listIncidentTimeline',
    summary: 'An incident’s timeline, oldest first by occurredAt',
    response: TimelineEntryPage,
    problems: [404],
  })
  list(@IdParam() id: string, @Query() args: ListTimelineArgs) {
    return this.timeline.list(id, args);
  }

  @Post()
  @Requires('operate')
  @Idempotent()
  @Operation({
    operationId: 'addIncidentTimelineEntry',
    summary: 'Write a note, action, impact or deployment entry on the timeline',
    description:
      '`occurredAt` (default now) may be back-dated. Status and severity changes are written by the incident ' +
      'itself, alert entries by alert ingestion.',
    status: 201,
    response: TimelineEntryModel,
    problems: [404, 422],
  })
  add(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() input: AddTimelineEntryInput) {
    return this.timeline.add(actor, id, input);
  }

  @Post(':entryId/pin')
  @Requires('operate')
  @Operation({
    operationId: 'pinIncidentTimelineEntry',
    summary: 'Pin a timeline entry (a no-op when pinned)',
    response: TimelineEntryModel,
    problems: [404],
  })
  pin(@CurrentActor() actor: Actor, @IdParam() id: string, @IdParam('entryId') entryId: string) {
    return this.timeline.pin(actor, id, entryId);
  }

  @Post(':entryId/unpin')
  @Requires('operate')
  @Operation({
    operationId: 'unpinIncidentTimelineEntry',
    summary: 'Unpin a timeline entry (a no-op when not pinned)',
    response: TimelineEntryModel,
    problems: [404],
  })
  unpin(@CurrentActor() actor: Actor, @IdParam() id: string, @IdParam('entryId') entryId: string) {
    return this.timeline.unpin(actor, id, entryId);
  }
}
