import { Injectable } from '@nestjs/common';
import { assertValid, Clock, MAX_INSTANT_SPAN_SECONDS, Transactions } from '@opsplane/core';
import {
  DEFAULT_METRICS_DAYS,
  DurationStatsModel,
  IncidentMetricsArgs,
  IncidentMetricsModel,
  MAX_METRICS_DAYS,
  METRIC_DEFINITIONS,
} from './dto/incident-metrics.dto';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES } from './incident-status';
import { rangeProblems } from './incident-rules';

const DAY_MS = 86_400_000;

interface CountRow {
  severity: string;
  status: string;
  count: number;
  impactStartKnown: number;
}

interface DurationRow {
  metric: 'mtta' | 'mttm' | 'mttr';
  count: number;
  mean: string | null;
  median: string | null;
  p95: string | null;
}

/**
 * Incident reports. Every number is computed in PostgreSQL over the incidents triggered in the
 * period (definitions in METRIC_DEFINITIONS, published with every answer).
 */
@Injectable()
export class IncidentMetricsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  async report(args: IncidentMetricsArgs): Promise<IncidentMetricsModel> {
    const to = args.to ?? this.clock.now();
    const from = args.from ?? new Date(to.getTime() - DEFAULT_METRICS_DAYS * DAY_MS);
    assertValid(
      rangeProblems(from, to).length > 0
        ? [{ path: args.to ? 'to' : 'from', message: args.to ? 'must be after from' : 'must be before now' }]
        : to.getTime() - from.getTime() > MAX_METRICS_DAYS * DAY_MS
          ? [{ path: 'from', message: `the period may span at most ${MAX_METRICS_DAYS} days` }]
          : [],
    );
    const scope = `
      WITH scope AS (
        SELECT severity, status, triggered_at, acknowledged_at, mitigated_at, resolved_at, impact_started_at
          FROM incidents
         WHERE triggered_at >= $1 AND triggered_at < $2
           AND ($3::uuid IS NULL OR service_ids @> ARRAY[$3::uuid])
           AND ($4::uuid IS NULL OR environment_ids @> ARRAY[$4::uuid])
           AND ($5::text IS NULL OR severity = $5)
      )`;
    const parameters = [from, to, args.serviceId ?? null, args.environmentId ?? null, args.severity ?? null];
    const manager = this.transactions.manager();
    const counts = await manager.query<CountRow[]>(
      `${scope}
       SELECT severity, status, count(*)::int AS count,
              count(*) FILTER (WHERE impact_started_at IS NOT NULL)::int AS "impactStartKnown"
         FROM scope GROUP BY severity, status`,
      parameters,
    );
    // Seconds as float8 so percentile_cont interpolates; pairs whose end precedes their start
    // (an impact start edited to after the mitigation) say nothing about speed and are left out.
    // So are pairs further apart than any two accepted instants: only rows stored before inputs
    // were bounded (an impact start of 0001-01-01) can be, and they would break the documented maximum.
    const durations = await manager.query<DurationRow[]>(
      `${scope},
       durations AS (
         SELECT 'mtta' AS metric, extract(epoch FROM acknowledged_at - triggered_at)::float8 AS seconds
           FROM scope WHERE acknowledged_at IS NOT NULL
         UNION ALL
         SELECT 'mttm', extract(epoch FROM mitigated_at - coalesce(impact_started_at, triggered_at))::float8
           FROM scope WHERE mitigated_at IS NOT NULL
         UNION ALL
         SELECT 'mttr', extract(epoch FROM resolved_at - coalesce(impact_started_at, triggered_at))::float8
           FROM scope WHERE resolved_at IS NOT NULL
       )
       SELECT metric, count(*)::int AS count,
              round(avg(seconds)) AS mean,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)) AS median,
              round(percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds)) AS p95
         FROM durations WHERE seconds >= 0 AND seconds <= $6 GROUP BY metric`,
      [...parameters, MAX_INSTANT_SPAN_SECONDS],
    );
    const sum = (rows: CountRow[]) => rows.reduce((total, row) => total + row.count, 0);
    const stats = (metric: DurationRow['metric']): DurationStatsModel => {
      const row = durations.find((candidate) => candidate.metric === metric);
      const seconds = (value: string | null | undefined) => (value == null ? null : Number(value));
      return {
        count: row?.count ?? 0,
        meanSeconds: seconds(row?.mean),
        medianSeconds: seconds(row?.median),
        p95Seconds: seconds(row?.p95),
      };
    };
    return {
      from,
      to,
      total: sum(counts),
      bySeverity: INCIDENT_SEVERITIES.map((severity) => ({
        severity,
        count: sum(counts.filter((row) => row.severity === severity)),
      })),
      byStatus: INCIDENT_STATUSES.map((status) => ({
        status,
        count: sum(counts.filter((row) => row.status === status)),
      })),
      mtta: stats('mtta'),
      mttm: stats('mttm'),
      mttr: stats('mttr'),
      impactStartKnownCount: counts.reduce((total, row) => total + row.impactStartKnown, 0),
      definitions: { ...METRIC_DEFINITIONS },
    };
  }
}
