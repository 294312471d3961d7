import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { BenchContext, print } from '../context';
import { keptDatabase, queryDatabase } from '../database';
import { Opsplane, startOpsplane } from '../opsplane';
import {
  RELEASE_DATA_ENVIRONMENTS,
  RELEASE_DATA_SEED_VERSION,
  ReleaseDataShape,
  recordSeedTime,
  removeBenchWrites,
  sameShape,
  seedRecord,
  seedReleaseData,
} from '../seed-releases';

/** The kept database of the release suites; one per server. */
const DATABASE_NAME = 'opsplane_bench_releases';

export interface ReleaseData {
  opsplane: Opsplane;
  databaseUrl: string;
  /** Environments in rank order. */
  environments: { id: string; slug: string; rank: number }[];
}

/**
 * Opens the release data set — reused when the kept database holds a complete one of this shape,
 * else seeded now (the time is printed) — with Opsplane running on it. Leftovers of earlier runs'
 * writes are removed first, so every run reads the same rows.
 */
export async function openReleaseData(context: BenchContext): Promise<ReleaseData> {
  const { options, server } = context;
  const shape: ReleaseDataShape = {
    seedVersion: RELEASE_DATA_SEED_VERSION,
    services: options.services,
    environments: RELEASE_DATA_ENVIRONMENTS,
    releasesPerService: options.releases,
    commitsPerRelease: options.commits,
    deployments: options.deployments,
  };
  const database = await keptDatabase(server.url, DATABASE_NAME, async (url) => {
    if (options.reseed) return false;
    const record = await seedRecord((sql) => queryDatabase(url, sql)).catch(() => null);
    return record !== null && sameShape(record.shape, shape);
  });
  const opsplane = await startOpsplane(database.url, options.logLevel);
  try {
    const lines = [''];
    if (database.reused) {
      const record = (await seedRecord((sql) => opsplane.dataSource.query(sql)))!;
      lines.push(
        `Release data set: reused from database ${DATABASE_NAME} (seeded ${record.seededAt.toISOString()}${record.seconds === null ? '' : ` in ${record.seconds.toFixed(1)} s`}; --reseed makes it again)`,
      );
    } else {
      process.stdout.write(
        `\nSeeding the release data set into database ${DATABASE_NAME} (kept for later runs)…\n`,
      );
      const started = performance.now();
      const phases = await seedReleaseData(opsplane.dataSource, shape);
      const seconds = (performance.now() - started) / 1000;
      await recordSeedTime(opsplane.dataSource, seconds);
      lines.push(
        `Release data set: seeded in ${seconds.toFixed(1)} s (SQL generate_series in one transaction, then VACUUM ANALYZE)`,
        `  phases      ${phases.map(({ phase, seconds }) => `${phase} ${seconds.toFixed(1)} s`).join(', ')}`,
      );
    }
    const removed = await removeBenchWrites(opsplane.dataSource);
    if (removed > 0)
      lines.push(`  removed ${removed.toLocaleString('en-US')} deployments left by earlier runs`);
    lines.push(...(await describeData(opsplane.dataSource)));
    print(lines);
    const environments = await opsplane.dataSource.query<{ id: string; slug: string; rank: number }[]>(
      `SELECT id, slug, rank FROM environments WHERE archived_at IS NULL ORDER BY rank, id`,
    );
    return { opsplane, databaseUrl: database.url, environments };
  } catch (error) {
    await opsplane.close();
    throw error;
  }
}

async function describeData(dataSource: DataSource): Promise<string[]> {
  const [counts] = await dataSource.query<Record<string, number>[]>(`
    SELECT (SELECT count(*)::int FROM services) AS services,
           (SELECT count(*)::int FROM environments) AS environments,
           (SELECT count(*)::int FROM releases) AS releases,
           (SELECT count(*)::int FROM release_commits) AS commits,
           (SELECT count(*)::int FROM deployments) AS deployments,
           (SELECT pg_total_relation_size('deployments')::float8) AS "deploymentBytes"`);
  const statuses = await dataSource.query<{ status: string; n: number }[]>(
    `SELECT status, count(*)::int AS n FROM deployments GROUP BY status ORDER BY n DESC`,
  );
  const format = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');
  return [
    `  data        ${format(counts?.services)} services × ${format(counts?.environments)} environments, ${format(counts?.releases)} releases with ${format(counts?.commits)} commits, ${format(counts?.deployments)} deployments (${((counts?.deploymentBytes ?? 0) / 2 ** 20).toFixed(0)} MiB with indexes)`,
    `              ${statuses.map((row) => `${row.status} ${format(row.n)}`).join(', ')}`,
  ];
}
