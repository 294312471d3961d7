import { JsonObject, Model, PageOf, Prop } from '@opsplane/core';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, IncidentSeverity, IncidentStatus } from '../incident-status';
import {
  TIMELINE_ACTOR_KINDS,
  TIMELINE_ENTRY_KINDS,
  TimelineActorKind,
  TimelineEntryKind,
} from '../timeline';
import { TimelineEntryEntity } from '../timeline-entry.entity';

@Model('TimelineActor', 'Who wrote a timeline entry.')
export class TimelineActorModel {
  @Prop.enum(TIMELINE_ACTOR_KINDS, 'TimelineActorKind', {
    description: 'user (OIDC sign-in), api_key, integration (alert source) or system (Opsplane itself).',
  })
  kind: TimelineActorKind;

  @Prop.string({ description: 'API key id, integration id, `system:<name>`, or user subject.' })
  id: string;

  @Prop.string({ maxLength: 500, description: 'The name at the time of writing.' })
  name: string;
}

@Model('TimelineEntry', 'One thing that happened during an incident; ordered by occurredAt.')
export class TimelineEntryModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  incidentId: string;

  @Prop.enum(TIMELINE_ENTRY_KINDS, 'TimelineEntryKind')
  kind: TimelineEntryKind;

  @Prop.date({ description: 'When it happened.' })
  occurredAt: Date;

  @Prop.date({ description: 'When it was written down.' })
  createdAt: Date;

  @Prop.nested(() => TimelineActorModel)
  actor: TimelineActorModel;

  @Prop.string({ nullable: true, maxLength: 10_000 })
  body: string | null;

  @Prop.enum(INCIDENT_STATUSES, 'IncidentStatus', { nullable: true, description: 'status_change only.' })
  fromStatus: IncidentStatus | null;

  @Prop.enum(INCIDENT_STATUSES, 'IncidentStatus', { nullable: true, description: 'status_change only.' })
  toStatus: IncidentStatus | null;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity', {
    nullable: true,
    description: 'severity_change only.',
  })
  fromSeverity: IncidentSeverity | null;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity', {
    nullable: true,
    description: 'severity_change only.',
  })
  toSeverity: IncidentSeverity | null;

  @Prop.uuid({ nullable: true, description: 'deployment entries: the deployment.' })
  deploymentId: string | null;

  @Prop.json({ description: 'Kind-specific details, e.g. an alert’s labels; {} when none.' })
  data: JsonObject;

  @Prop.bool()
  isPinned: boolean;

  @Prop.date({ nullable: true })
  pinnedAt: Date | null;

  @Prop.string({ nullable: true, description: 'Actor id of whoever pinned it.' })
  pinnedBy: string | null;
}

export const TimelineEntryPage = PageOf(TimelineEntryModel, 'TimelineEntryPage');

export const TIMELINE_ENTRY_COLUMNS = [
  'id',
  'incidentId',
  'kind',
  'occurredAt',
  'createdAt',
  'actorKind',
  'actorId',
  'actorName',
  'body',
  'fromStatus',
  'toStatus',
  'fromSeverity',
  'toSeverity',
  'deploymentId',
  'data',
  'pinnedAt',
  'pinnedBy',
] as const satisfies readonly (keyof TimelineEntryEntity)[];

export function toTimelineEntryModel(
  row: Pick<TimelineEntryEntity, (typeof TIMELINE_ENTRY_COLUMNS)[number]>,
): TimelineEntryModel {
  return {
    id: row.id,
    incidentId: row.incidentId,
    kind: row.kind,
    occurredAt: row.occurredAt,
    createdAt: row.createdAt,
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
    body: row.body,
    fromStatus: row.fromStatus as IncidentStatus | null,
    toStatus: row.toStatus as IncidentStatus | null,
    fromSeverity: row.fromSeverity as IncidentSeverity | null,
    toSeverity: row.toSeverity as IncidentSeverity | null,
    deploymentId: row.deploymentId,
    data: row.data,
    isPinned: row.pinnedAt !== null,
    pinnedAt: row.pinnedAt,
    pinnedBy: row.pinnedBy,
  };
}
