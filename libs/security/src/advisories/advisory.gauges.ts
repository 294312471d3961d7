import { Injectable } from '@nestjs/common';
import { Clock, Metrics } from '@opsplane/core';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * `opsplane_advisories` (records in the advisory database) and
 * `opsplane_advisories_last_import_age_seconds` (since a record was last added or updated, by an
 * import or a sync; absent while the database is empty), read at each scrape. An alert on the age
 * tells a feed that silently stopped from a quiet week.
 */
@Injectable()
export class AdvisoryGauges {
  constructor(metrics: Metrics, dataSource: DataSource, clock: Clock) {
    new Gauge({
      name: 'opsplane_advisories',
      help: 'OSV records in the advisory database.',
      registers: [metrics.registry],
      async collect() {
        const [row] = await dataSource.query<{ count: number }[]>(
          'SELECT count(*)::int AS count FROM advisories',
        );
        this.set(row.count);
      },
    });
    new Gauge({
      name: 'opsplane_advisories_last_import_age_seconds',
      help: 'Seconds since an advisory record was last added or updated (by an import or a sync).',
      registers: [metrics.registry],
      async collect() {
        const [row] = await dataSource.query<{ last: Date | null }[]>(
          'SELECT max(imported_at) AS last FROM advisories',
        );
        if (row.last) this.set((clock.now().getTime() - row.last.getTime()) / 1000);
        else this.reset();
      },
    });
  }
}
