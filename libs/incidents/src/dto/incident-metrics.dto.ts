import { Args, MAX_INSTANT_SPAN_SECONDS, Model, Prop } from '@opsplane/core';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, IncidentSeverity, IncidentStatus } from '../incident-status';

/**
 * The published definitions (DOMAIN.md: tools disagree on what MTTA/MTTR mean, so say it). Served in
 * the OpenAPI and GraphQL descriptions and in every response's `definitions`.
 */
export const METRIC_DEFINITIONS = {
  population:
    'Incidents triggered in [from, to) that match the filters (serviceId / environmentId: among the ' +
    'incident’s affected ones; severity: the current severity). Durations are in seconds; mean, median ' +
    '(percentile_cont 0.5) and p95 (percentile_cont 0.95, interpolated) are computed in PostgreSQL and ' +
    'rounded to whole seconds. An incident enters a duration only when both ends are known, the end ' +
    'is not before the start and the two are at most 100 years apart (the span of accepted instants).',
  mtta: 'Mean time to acknowledge: triggeredAt → acknowledgedAt, the FIRST acknowledgement (a reopen does not move it). Incidents never acknowledged are not counted.',
  mttm:
    'Mean time to mitigate: impactStartedAt → mitigatedAt, falling back to triggeredAt when the impact start ' +
    'is unknown. mitigatedAt is the latest mitigation (resolving stamps it when mitigated was skipped; a reopen clears it).',
  mttr:
    'Mean time to resolve: impactStartedAt → resolvedAt, falling back to triggeredAt when the impact start ' +
    'is unknown (see impactStartKnownCount). resolvedAt is the latest resolution: a reopened incident is ' +
    'measured to its final resolution, and one reopened and not yet resolved again is not counted.',
} as const;

const DESCRIPTION = `Counts and durations of incidents. ${METRIC_DEFINITIONS.population} MTTA: ${METRIC_DEFINITIONS.mtta} MTTM: ${METRIC_DEFINITIONS.mttm} MTTR: ${METRIC_DEFINITIONS.mttr}`;
export const INCIDENT_METRICS_DESCRIPTION = DESCRIPTION;

/** The longest period one report covers; a bound keeps the query cheap. */
export const MAX_METRICS_DAYS = 366;
export const DEFAULT_METRICS_DAYS = 30;

@Args()
export class IncidentMetricsArgs {
  @Prop.date({
    optional: true,
    description: `Start (included) of the period, by triggeredAt; default \`to\` minus ${DEFAULT_METRICS_DAYS} days.`,
  })
  from?: Date;

  @Prop.date({
    optional: true,
    description: `End (excluded); default now. At most ${MAX_METRICS_DAYS} days after \`from\`.`,
  })
  to?: Date;

  @Prop.uuid({ optional: true })
  serviceId?: string;

  @Prop.uuid({ optional: true })
  environmentId?: string;

  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity', { optional: true })
  severity?: IncidentSeverity;
}

@Model('DurationStats', 'One duration over the incidents it applies to; null statistics when count is 0.')
export class DurationStatsModel {
  @Prop.int({ min: 0, description: 'How many incidents the duration was measured on.' })
  count: number;

  // Between two accepted instants lie up to 100 years, 3.16e9 s: beyond int32, where GraphQL's Int
  // failed the whole query and OpenAPI's maximum was untrue. Whole seconds as a client expects
  // them, documented as int64 (a Float in GraphQL, which has no wider integer); capping or
  // changing the unit would have misreported old incidents or broken every client.
  @Prop.int({ nullable: true, min: 0, max: MAX_INSTANT_SPAN_SECONDS })
  meanSeconds: number | null;

  @Prop.int({ nullable: true, min: 0, max: MAX_INSTANT_SPAN_SECONDS })
  medianSeconds: number | null;

  @Prop.int({ nullable: true, min: 0, max: MAX_INSTANT_SPAN_SECONDS })
  p95Seconds: number | null;
}

@Model('SeverityCount')
export class SeverityCountModel {
  @Prop.enum(INCIDENT_SEVERITIES, 'IncidentSeverity')
  severity: IncidentSeverity;

  @Prop.int({ min: 0 })
  count: number;
}

@Model('StatusCount')
export class StatusCountModel {
  @Prop.enum(INCIDENT_STATUSES, 'IncidentStatus')
  status: IncidentStatus;

  @Prop.int({ min: 0 })
  count: number;
}

@Model('IncidentMetricDefinitions', 'What each number means, exactly.')
export class IncidentMetricDefinitionsModel {
  @Prop.string({ maxLength: 2000 })
  population: string;

  @Prop.string({ maxLength: 2000 })
  mtta: string;

  @Prop.string({ maxLength: 2000 })
  mttm: string;

  @Prop.string({ maxLength: 2000 })
  mttr: string;
}

@Model('IncidentMetrics', DESCRIPTION)
export class IncidentMetricsModel {
  @Prop.date()
  from: Date;

  @Prop.date()
  to: Date;

  @Prop.int({ min: 0 })
  total: number;

  @Prop.nested(() => SeverityCountModel, {
    isArray: true,
    description: 'Every severity, SEV1 first, zeros included.',
  })
  bySeverity: SeverityCountModel[];

  @Prop.nested(() => StatusCountModel, {
    isArray: true,
    description: 'Every status, zeros included (current status).',
  })
  byStatus: StatusCountModel[];

  @Prop.nested(() => DurationStatsModel, { description: METRIC_DEFINITIONS.mtta })
  mtta: DurationStatsModel;

  @Prop.nested(() => DurationStatsModel, { description: METRIC_DEFINITIONS.mttm })
  mttm: DurationStatsModel;

  @Prop.nested(() => DurationStatsModel, { description: METRIC_DEFINITIONS.mttr })
  mttr: DurationStatsModel;

  @Prop.int({ min: 0, description: 'Incidents in the population with impactStartedAt set.' })
  impactStartKnownCount: number;

  @Prop.nested(() => IncidentMetricDefinitionsModel)
  definitions: IncidentMetricDefinitionsModel;
}
