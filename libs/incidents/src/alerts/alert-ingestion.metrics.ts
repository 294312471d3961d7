import { Injectable } from '@nestjs/common';
import { Metrics } from '@opsplane/core';
import { Counter } from 'prom-client';

/** Alert ingestion counters on /metrics. */
@Injectable()
export class AlertIngestionMetrics {
  private readonly deliveries: Counter<'kind' | 'outcome'>;
  private readonly received: Counter<'kind' | 'status'>;

  constructor(metrics: Metrics) {
    this.deliveries = new Counter({
      name: 'opsplane_alert_deliveries_total',
      help: 'Alert deliveries (webhook calls, events) by source kind and outcome: accepted, or the error code.',
      labelNames: ['kind', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.received = new Counter({
      name: 'opsplane_alerts_received_total',
      help: 'Alerts in accepted deliveries by source kind and reported status (repeats included).',
      labelNames: ['kind', 'status'] as const,
      registers: [metrics.registry],
    });
  }

  delivery(kind: string, outcome: string): void {
    this.deliveries.inc({ kind, outcome });
  }

  alerts(kind: string, alerts: { status: string }[]): void {
    for (const status of ['firing', 'resolved']) {
      const count = alerts.filter((alert) => alert.status === status).length;
      if (count > 0) this.received.inc({ kind, status }, count);
    }
  }
}
