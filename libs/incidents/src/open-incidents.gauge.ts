import { Injectable } from '@nestjs/common';
import { Metrics } from '@opsplane/core';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { INCIDENT_SEVERITIES, OPEN_STATUSES } from './incident-status';

// Constants in the SQL (not parameters) so the planner can use incidents_status_idx.
const OPEN_BY_SEVERITY = `SELECT severity, count(*)::int AS count FROM incidents
  WHERE status IN (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')}) GROUP BY severity`;

/**
 * `opsplane_incidents_open{severity}`: incidents not yet resolved, read from the database at each
 * scrape (one indexed count; every severity is reported, zeros included, so alert rules on it need
 * no absent()). Every process serves the same number: aggregate replicas with max(), not sum().
 */
@Injectable()
export class OpenIncidentsGauge {
  constructor(metrics: Metrics, dataSource: DataSource) {
    new Gauge({
      name: 'opsplane_incidents_open',
      help: 'Open incidents (triggered, acknowledged or mitigated) by severity.',
      labelNames: ['severity'] as const,
      registers: [metrics.registry],
      async collect() {
        const rows = await dataSource.query<{ severity: string; count: number }[]>(OPEN_BY_SEVERITY);
        for (const severity of INCIDENT_SEVERITIES)
          this.set({ severity }, rows.find((row) => row.severity === severity)?.count ?? 0);
      },
    });
  }
}
