import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

interface Observer {
  observe(value: number): void;
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Prometheus metrics about this process; feature modules register theirs on `registry`. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'opsplane_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /**
   * The histogram's child per route, method and status, so a request neither hashes its labels
   * nor builds a key: route templates and methods are the same string objects every time.
   */
  private readonly httpDurationByRoute = new Map<string, Map<string, Map<number, Observer>>>();

  /** Records one request's duration; routes are templates, so the children stay few. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.httpDurationByRoute.get(route);
    if (!byMethod) this.httpDurationByRoute.set(route, (byMethod = new Map<string, Map<number, Observer>>()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map<number, Observer>()));
    let child = byStatus.get(status);
    if (!child) {
      child = this.httpDuration.labels({ method, route, status_code: status });
      byStatus.set(status, child);
    }
    child.observe(seconds);
  }

  constructor(dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'opsplane_' });
    const pool = () => (dataSource.driver as unknown as { master?: PgPool }).master;
    new Gauge({
      name: 'opsplane_db_pool_connections',
      help: 'Database pool connections by state.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const current = pool();
        if (!current) return;
        this.set({ state: 'total' }, current.totalCount);
        this.set({ state: 'idle' }, current.idleCount);
        this.set({ state: 'waiting' }, current.waitingCount);
      },
    });
  }
}
