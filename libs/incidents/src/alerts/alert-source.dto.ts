import { Input, JsonObject, Model, PageArgs, Args, PageOf, Prop } from '@opsplane/core';
import { INCIDENT_SEVERITIES, IncidentSeverity } from '../incident-status';
import { ALERT_SOURCE_KINDS, AlertSourceKind, RESOLVE_TARGETS, ResolveTarget } from './alert-source.entity';

const LABEL = {
  optional: true,
  maxLength: 100,
  pattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/,
  patternHint: 'must be a label name',
};

@Input(
  'CreateAlertSourceInput',
  'A monitoring system that may send alerts; its secret is shown once, in the answer.',
)
export class CreateAlertSourceInput {
  @Prop.string({ maxLength: 200, example: 'Alertmanager (production)' })
  name: string;

  @Prop.enum(ALERT_SOURCE_KINDS, 'AlertSourceKind', {
    description:
      'alertmanager: webhook version "4"; grafana: webhook contact point version "1"; pagerduty: Events API v2.',
  })
  kind: AlertSourceKind;

  @Prop.string({ ...LABEL, description: 'Label holding the severity; default `severity`.' })
  severityLabel?: string | null;

  @Prop.json({
    optional: true,
    description:
      'Label value → SEV1…SEV5, checked first (case-insensitive). Built in: critical/page/p1 → SEV1, ' +
      'high/error/major/p2 → SEV2, warning/medium/p3 → SEV3, low/minor/info/p4 → SEV4, p5 → SEV5, and SEVn itself.',
    example: { disaster: 'SEV1' },
  })
  severityMap?: JsonObject | null;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity', {
    optional: true,
    description: 'For alerts whose severity maps to nothing; default SEV3.',
  })
  defaultSeverity?: IncidentSeverity | null;

  @Prop.string({ ...LABEL, description: 'Label holding the catalog service slug; default `service`.' })
  serviceLabel?: string | null;

  @Prop.string({
    ...LABEL,
    description: 'Label holding the catalog environment slug; default `environment`.',
  })
  environmentLabel?: string | null;

  @Prop.enum(RESOLVE_TARGETS, 'AlertResolveTarget', {
    optional: true,
    description:
      'What an incident becomes once every alert on it has resolved; default mitigated (a human resolves).',
  })
  resolveIncidentTo?: ResolveTarget | null;
}

@Input(
  'UpdateAlertSourceInput',
  'Only the fields sent change. The kind and the secret do not (rotate the secret with its own call).',
)
export class UpdateAlertSourceInput {
  @Prop.string({ optional: true, maxLength: 200 })
  name?: string;

  @Prop.string({ ...LABEL, description: 'Label holding the severity.' })
  severityLabel?: string | null;

  @Prop.json({
    optional: true,
    description: 'Label value → SEV1…SEV5, replacing the whole map (see CreateAlertSourceInput).',
  })
  severityMap?: JsonObject | null;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity', { optional: true })
  defaultSeverity?: IncidentSeverity | null;

  @Prop.string({ ...LABEL, description: 'Label holding the catalog service slug.' })
  serviceLabel?: string | null;

  @Prop.string({ ...LABEL, description: 'Label holding the catalog environment slug.' })
  environmentLabel?: string | null;

  @Prop.enum(RESOLVE_TARGETS, 'AlertResolveTarget', { optional: true })
  resolveIncidentTo?: ResolveTarget | null;
}

@Model('AlertSource', 'A monitoring system that may send alerts, and how its alerts become incidents.')
export class AlertSourceModel {
  @Prop.uuid()
  id: string;

  @Prop.string({ maxLength: 200 })
  name: string;

  @Prop.enum(ALERT_SOURCE_KINDS, 'AlertSourceKind')
  kind: AlertSourceKind;

  @Prop.string({
    maxLength: 300,
    description: 'Where the source sends alerts (POST), relative to the Opsplane base URL.',
    example: '/v1/alert-sources/0192…/alertmanager',
  })
  ingestPath: string;

  @Prop.string({ maxLength: 100 })
  severityLabel: string;

  @Prop.json()
  severityMap: JsonObject;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity')
  defaultSeverity: IncidentSeverity;

  @Prop.string({ maxLength: 100 })
  serviceLabel: string;

  @Prop.string({ maxLength: 100 })
  environmentLabel: string;

  @Prop.enum(RESOLVE_TARGETS, 'AlertResolveTarget')
  resolveIncidentTo: ResolveTarget;

  @Prop.date({
    nullable: true,
    description: 'Set while the source is disabled: its deliveries get 404 and nothing is stored.',
  })
  disabledAt: Date | null;

  @Prop.int({ min: 1 })
  version: number;

  @Prop.date()
  createdAt: Date;
}

@Model(
  'CreatedAlertSource',
  'The new source and its secret, shown this once: a Bearer token for Alertmanager and Grafana (or the ' +
    'HMAC-SHA256 key for X-Opsplane-Signature / X-Grafana-Alerting-Signature), the routing_key for PagerDuty events.',
)
export class CreatedAlertSourceModel extends AlertSourceModel {
  @Prop.string({ maxLength: 200 })
  secret: string;
}

export const AlertSourcePage = PageOf(AlertSourceModel, 'AlertSourcePage');

@Args()
export class ListAlertSourcesArgs extends PageArgs {}
