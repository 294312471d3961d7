import { Args, Input, PageArgs, PartialOf, Prop } from '@opsplane/core';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, IncidentSeverity, IncidentStatus } from '../incident-status';

export const SEVERITY_DESCRIPTION = 'SEV1 (worst) … SEV5.';
export const PEOPLE_DESCRIPTION =
  'People are free-text names (or handles): commanders and responders are often people without an ' +
  'Opsplane key, and an incident must not wait for one.';
const TIME_RULES =
  'Not in the future (a minute of client clock skew is tolerated); impactStartedAt may not be after detectedAt.';

@Input('DeclareIncidentInput', 'A new incident; it starts `triggered`, stamped now.')
export class DeclareIncidentInput {
  @Prop.string({ maxLength: 200, example: 'Checkout returns 502 for card payments' })
  title: string;

  @Prop.string({ optional: true, nullable: true, maxLength: 10_000 })
  summary?: string | null;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity', { description: SEVERITY_DESCRIPTION })
  severity: IncidentSeverity;

  @Prop.string({
    optional: true,
    isArray: true,
    maxLength: 100,
    description: 'Affected services, by id or slug; stored as ids.',
    example: ['checkout-api'],
  })
  services?: string[] | null;

  @Prop.string({
    optional: true,
    isArray: true,
    maxLength: 100,
    description: 'Affected environments, by id or slug; stored as ids.',
    example: ['production'],
  })
  environments?: string[] | null;

  @Prop.string({
    optional: true,
    nullable: true,
    maxLength: 200,
    description: `Incident commander. ${PEOPLE_DESCRIPTION}`,
    example: 'Dana Scully',
  })
  commander?: string | null;

  @Prop.string({
    optional: true,
    isArray: true,
    maxLength: 200,
    description: `Responders. ${PEOPLE_DESCRIPTION}`,
    example: ['Fox Mulder'],
  })
  responders?: string[] | null;

  @Prop.date({
    optional: true,
    nullable: true,
    description: `When users started to be affected (MTTM and MTTR count from here). ${TIME_RULES}`,
  })
  impactStartedAt?: Date | null;

  @Prop.date({ optional: true, nullable: true, description: `When the problem was noticed. ${TIME_RULES}` })
  detectedAt?: Date | null;
}

@Input(
  'UpdateIncidentInput',
  'Only the fields sent change; null clears summary, commander, impactStartedAt and detectedAt. Changing ' +
    'the severity writes a severity_change timeline entry and an incident.severity_changed event.',
)
export class UpdateIncidentInput extends PartialOf(DeclareIncidentInput) {}

@Input('ChangeIncidentStatusInput')
export class ChangeIncidentStatusInput {
  @Prop.enum(INCIDENT_STATUSES, 'IncidentStatus')
  status: IncidentStatus;

  @Prop.string({
    optional: true,
    maxLength: 2000,
    description: 'Why; becomes the body of the status_change timeline entry and the audit reason.',
    example: 'Rolled back checkout-api 1.4.0',
  })
  reason?: string | null;
}

@Input('SetIncidentCauseInput')
export class SetIncidentCauseInput {
  @Prop.uuid({
    nullable: true,
    description: 'The deployment that caused the incident; null clears the cause.',
  })
  deploymentId: string | null;
}

@Args()
export class ListIncidentsArgs extends PageArgs {
  @Prop.enum(INCIDENT_STATUSES, 'IncidentStatus', { optional: true })
  status?: IncidentStatus;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity', { optional: true })
  severity?: IncidentSeverity;

  @Prop.uuid({ optional: true, description: 'Incidents affecting this service.' })
  serviceId?: string;

  @Prop.uuid({ optional: true, description: 'Incidents affecting this environment.' })
  environmentId?: string;

  @Prop.date({ optional: true, description: 'Triggered at or after this time.' })
  from?: Date;

  @Prop.date({ optional: true, description: 'Triggered before this time; must be after `from`.' })
  to?: Date;
}
