import { Injectable } from '@nestjs/common';
import { Metrics } from '@opsplane/core';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { FINDING_KINDS, FINDING_SEVERITIES, UNRESOLVED_STATUSES } from './finding-status';

// Constants in the SQL (not parameters) so the planner can use the partial findings_unresolved_idx.
const UNRESOLVED_BY_KIND_AND_SEVERITY = `SELECT kind, severity, count(*)::int AS count FROM findings
  WHERE status IN (${UNRESOLVED_STATUSES.map((status) => `'${status}'`).join(', ')}) GROUP BY kind, severity`;

/**
 * `opsplane_findings_unresolved{kind,severity}`: open and triaged findings, read from the database
 * at each scrape; every kind and severity is reported, zeros included. Every process serves the
 * same number: aggregate replicas with max(), not sum().
 */
@Injectable()
export class UnresolvedFindingsGauge {
  constructor(metrics: Metrics, dataSource: DataSource) {
    new Gauge({
      name: 'opsplane_findings_unresolved',
      help: 'Unresolved findings (open or triaged) by kind and severity.',
      labelNames: ['kind', 'severity'] as const,
      registers: [metrics.registry],
      async collect() {
        const rows = await dataSource.query<{ kind: string; severity: string; count: number }[]>(
          UNRESOLVED_BY_KIND_AND_SEVERITY,
        );
        for (const kind of FINDING_KINDS)
          for (const severity of FINDING_SEVERITIES)
            this.set(
              { kind, severity },
              rows.find((row) => row.kind === kind && row.severity === severity)?.count ?? 0,
            );
      },
    });
  }
}
