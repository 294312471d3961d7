import { Model, PageOf, Prop } from '@opsplane/core';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, IncidentSeverity, IncidentStatus } from '../incident-status';
import { PEOPLE_DESCRIPTION, SEVERITY_DESCRIPTION } from './incident.inputs';

@Model(
  'Incident',
  'Something is wrong and humans are on it. Status triggered → acknowledged → mitigated → resolved → closed, ' +
    'reopen allowed; every status stamps its time.',
)
export class IncidentModel {
  @Prop.uuid()
  id: string;

  @Prop.string({ maxLength: 200 })
  title: string;

  @Prop.string({ nullable: true, maxLength: 10_000 })
  summary: string | null;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity', { description: SEVERITY_DESCRIPTION })
  severity: IncidentSeverity;

  @Prop.enum(INCIDENT_STATUSES, 'IncidentStatus')
  status: IncidentStatus;

  @Prop.uuid({ isArray: true, description: 'Affected services.' })
  serviceIds: string[];

  @Prop.uuid({ isArray: true, description: 'Affected environments.' })
  environmentIds: string[];

  @Prop.string({ nullable: true, maxLength: 200, description: PEOPLE_DESCRIPTION })
  commander: string | null;

  @Prop.string({ isArray: true, maxLength: 200 })
  responders: string[];

  @Prop.date({ description: 'When it was declared (or opened from an alert); never changes.' })
  triggeredAt: Date;

  @Prop.date({
    nullable: true,
    description: 'The FIRST acknowledgement; kept when the incident is reopened.',
  })
  acknowledgedAt: Date | null;

  @Prop.date({
    nullable: true,
    description:
      'When impact was (last) mitigated; resolving an incident that skipped mitigated stamps it too. A reopen clears it.',
  })
  mitigatedAt: Date | null;

  @Prop.date({ nullable: true, description: 'When it was (last) resolved; a reopen clears it.' })
  resolvedAt: Date | null;

  @Prop.date({ nullable: true, description: 'When it was (last) closed; a reopen clears it.' })
  closedAt: Date | null;

  @Prop.date({ nullable: true, description: 'The latest reopen.' })
  reopenedAt: Date | null;

  @Prop.int({ min: 0 })
  reopenCount: number;

  @Prop.date({ nullable: true, description: 'When users started to be affected, as responders know it.' })
  impactStartedAt: Date | null;

  @Prop.date({ nullable: true, description: 'When the problem was noticed.' })
  detectedAt: Date | null;

  @Prop.uuid({
    nullable: true,
    description: 'The deployment a responder marked as the cause (PUT /v1/incidents/{id}/cause).',
  })
  causedByDeploymentId: string | null;

  @Prop.string({ description: 'Actor id of whoever declared it.' })
  declaredBy: string;

  @Prop.int({ min: 1, description: 'Increments on every change; send it back as If-Match.' })
  version: number;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;
}

export const IncidentPage = PageOf(IncidentModel, 'IncidentPage');

export const INCIDENT_COLUMNS = [
  'id',
  'title',
  'summary',
  'severity',
  'status',
  'serviceIds',
  'environmentIds',
  'commander',
  'responders',
  'triggeredAt',
  'acknowledgedAt',
  'mitigatedAt',
  'resolvedAt',
  'closedAt',
  'reopenedAt',
  'reopenCount',
  'impactStartedAt',
  'detectedAt',
  'causedByDeploymentId',
  'declaredBy',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof IncidentModel)[];

export function toIncidentModel(row: Pick<IncidentModel, (typeof INCIDENT_COLUMNS)[number]>): IncidentModel {
  return {
    id: row.id,
    title: row.title,
    summary: row.summary,
    severity: row.severity,
    status: row.status,
    serviceIds: row.serviceIds,
    environmentIds: row.environmentIds,
    commander: row.commander,
    responders: row.responders,
    triggeredAt: row.triggeredAt,
    acknowledgedAt: row.acknowledgedAt,
    mitigatedAt: row.mitigatedAt,
    resolvedAt: row.resolvedAt,
    closedAt: row.closedAt,
    reopenedAt: row.reopenedAt,
    reopenCount: row.reopenCount,
    impactStartedAt: row.impactStartedAt,
    detectedAt: row.detectedAt,
    causedByDeploymentId: row.causedByDeploymentId,
    declaredBy: row.declaredBy,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
