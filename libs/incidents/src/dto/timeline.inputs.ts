import { Args, Input, PageArgs, Prop } from '@opsplane/core';
import {
  POSTABLE_TIMELINE_ENTRY_KINDS,
  PostableTimelineEntryKind,
  TIMELINE_ENTRY_KINDS,
  TimelineEntryKind,
} from '../timeline';

@Input(
  'AddTimelineEntryInput',
  'An entry written by a responder or a tool. Status and severity changes are written by the incident ' +
    'itself; alert entries by alert ingestion.',
)
export class AddTimelineEntryInput {
  @Prop.enum(POSTABLE_TIMELINE_ENTRY_KINDS, 'PostableTimelineEntryKind')
  kind: PostableTimelineEntryKind;

  @Prop.string({
    optional: true,
    maxLength: 10_000,
    description: 'The text; required for note and action.',
    example: 'Error rate back to baseline after the rollback',
  })
  body?: string | null;

  @Prop.date({
    optional: true,
    description:
      'When it happened; default now. May be back-dated, not put in the future (a minute of skew is tolerated).',
  })
  occurredAt?: Date | null;

  @Prop.uuid({ optional: true, description: 'Required for kind deployment: the deployment it is about.' })
  deploymentId?: string | null;

  @Prop.bool({ optional: true, description: 'Pin it at once (default false).' })
  isPinned?: boolean | null;
}

@Args()
export class ListTimelineArgs extends PageArgs {
  @Prop.enum(TIMELINE_ENTRY_KINDS, 'TimelineEntryKind', { optional: true })
  kind?: TimelineEntryKind;

  @Prop.bool({ optional: true, description: 'Only pinned entries.' })
  pinnedOnly?: boolean;
}

/** GraphQL `incidentTimeline`: the list arguments plus the incident (REST has it in the path). */
@Args()
export class IncidentTimelineArgs extends ListTimelineArgs {
  @Prop.uuid()
  incidentId: string;
}
