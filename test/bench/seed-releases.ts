import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';

/** The release-management data set; its JSON is the key under which a seeded database is reused. */
export interface ReleaseDataShape {
  /** Bumped whenever the generated data changes, so an old database is not taken for a new one. */
  seedVersion: number;
  services: number;
  environments: number;
  releasesPerService: number;
  commitsPerRelease: number;
  deployments: number;
}

export const RELEASE_DATA_SEED_VERSION = 2;

/** Actor id of every seeded row; anything else in `deployments` was written by a benchmark run. */
export const SEED_ACTOR = 'system:bench-seed';

/**
 * The ten environments, in promotion order (rank 0 first). The production ones carry an approval
 * rule, an allow window and a past freeze, like a real install; rank 0 has none of them, so
 * requests to it pass every gate.
 */
const ENVIRONMENTS: readonly { slug: string; tier: string }[] = [
  { slug: 'dev-1', tier: 'development' },
  { slug: 'dev-2', tier: 'development' },
  { slug: 'test-1', tier: 'testing' },
  { slug: 'test-2', tier: 'testing' },
  { slug: 'staging-1', tier: 'staging' },
  { slug: 'staging-2', tier: 'staging' },
  { slug: 'staging-3', tier: 'staging' },
  { slug: 'prod-eu', tier: 'production' },
  { slug: 'prod-us', tier: 'production' },
  { slug: 'prod-ap', tier: 'production' },
];

export const RELEASE_DATA_ENVIRONMENTS = ENVIRONMENTS.length;

/** Seeded history runs from here to END; every timestamp is in the past, so nothing is scheduled. */
const START = '2024-01-01T00:00:00Z';
const END = '2025-10-31T00:00:00Z';

/**
 * Seeds services × environments, releases with commits, and `deployments` deployments, entirely
 * in SQL (generate_series), in one transaction that also records the shape: a crash leaves no
 * half-seeded database that a later run would take for a complete one.
 *
 * The deployments are a history: round k deploys, for every (environment, service) pair in rank
 * order, the release that service had then (release r covers rounds k with ⌊k·R/K⌋ = r, so each
 * release goes through every environment ~K/R times). Times are evenly spread from START to END
 * and ids are UUIDv7 of those times, so id order is time order as in production. Most finished
 * deployments succeeded (90 %), some failed, were canceled, rejected (production only) or
 * expired. The latest deployment of a pair is where in-flight statuses live: every 40th service
 * has one running (so at most one per pair, as the unique index demands), one queued, and in
 * production one waiting for approval.
 */
export async function seedReleaseData(
  dataSource: DataSource,
  shape: ReleaseDataShape,
): Promise<{ phase: string; seconds: number }[]> {
  const phases: { phase: string; seconds: number }[] = [];
  let phaseStart = performance.now();
  const phaseDone = (phase: string) => {
    const now = performance.now();
    phases.push({ phase, seconds: (now - phaseStart) / 1000 });
    phaseStart = now;
  };
  const S = shape.services;
  const E = ENVIRONMENTS.length;
  const R = shape.releasesPerService;
  const C = shape.commitsPerRelease;
  const N = shape.deployments;
  const pairs = S * E;
  const rounds = Math.ceil(N / pairs);
  const stepMs = Math.floor((Date.parse(END) - Date.parse(START)) / N);
  if (stepMs < 2) throw new Error(`${N} deployments do not fit between ${START} and ${END}`);
  const firstProductionRank = ENVIRONMENTS.findIndex((environment) => environment.tier === 'production');

  await dataSource.transaction(async (manager) => {
    const sql = (text: string, params?: unknown[]) => manager.query(text, params);
    // The app's pool has a 30 s statement timeout; inserting a million rows may take longer.
    await sql(`SET LOCAL statement_timeout = 0`);
    await sql(`SET LOCAL synchronous_commit = off`);
    await sql(`SET LOCAL maintenance_work_mem = '256MB'`);
    await sql(`SET LOCAL work_mem = '64MB'`);
    // The generated rows reference only rows generated before them, so the foreign-key triggers
    // (three index probes per deployment) can be skipped where the role may (a superuser, as the
    // embedded server's is); elsewhere they run.
    const [role] = await sql(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
    if ((role as { rolsuper: boolean } | undefined)?.rolsuper)
      await sql(`SET LOCAL session_replication_role = replica`);
    // UUIDv7 for a time: 48 bits of Unix milliseconds, version 7, variant 10, the rest from md5(salt).
    await sql(`
      CREATE FUNCTION pg_temp.bench_uuid(at timestamptz, salt text) RETURNS uuid
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (lpad(to_hex(floor(extract(epoch FROM at) * 1000)::bigint), 12, '0') || '7'
                || substr(md5(salt), 1, 3) || '8' || substr(md5(salt), 4, 15))::uuid
      $$`);
    // Deployment g (0 ≤ g < N) of pair p = g mod (S·E) in round k = g div (S·E) is requested at
    // START + g·step (+ jitter below half a step, so times stay in g order).
    await sql(`
      CREATE FUNCTION pg_temp.bench_at(g bigint) RETURNS timestamptz
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT timestamptz '${START}'
               + (g * ${stepMs} + abs(hashint8extended(g, 11) % ${Math.floor(stepMs / 2)})) * interval '1 millisecond'
      $$`);

    await sql(
      `INSERT INTO services (id, slug, name, owner_team, repository_url, criticality, links, version,
                             created_at, updated_at, archived_at)
       SELECT pg_temp.bench_uuid(at, 'service' || n), slug, initcap(replace(slug, '-', ' ')), team,
              'https://git.example.com/' || team || '/' || slug,
              (ARRAY['low', 'medium', 'high', 'critical'])[1 + n % 4],
              jsonb_build_array(jsonb_build_object('title', 'Runbook',
                                                   'url', 'https://wiki.example.com/' || slug || '/runbook')),
              1, at, at, NULL
         FROM generate_series(0, $1 - 1) AS n,
              LATERAL (SELECT timestamptz '${START}' - interval '30 days' + n * interval '1 minute' AS at,
                              (ARRAY['payments', 'checkout', 'identity', 'search', 'platform', 'data'])[1 + n % 6]
                                AS team) AS t,
              LATERAL (SELECT team || '-' || (ARRAY['api', 'worker', 'web', 'gateway', 'scheduler'])[1 + (n / 6) % 5]
                              || '-' || lpad(n::text, 3, '0') AS slug) AS s`,
      [S],
    );
    await sql(
      `INSERT INTO environments (id, slug, name, tier, rank, is_protected, endpoint_urls, facts, version,
                                 created_at, updated_at, archived_at)
       SELECT pg_temp.bench_uuid(at, 'environment' || e.rank), e.slug, initcap(replace(e.slug, '-', ' ')), e.tier,
              e.rank, e.tier = 'production', ARRAY['https://' || e.slug || '.example.com/health'],
              jsonb_build_object('cloud', jsonb_build_object('provider', 'aws', 'region', 'eu-west-1'),
                                 'tls', jsonb_build_object('minVersion', '1.3')),
              1, at, at, NULL
         FROM jsonb_to_recordset($1::jsonb) AS e(slug text, tier text, rank int),
              LATERAL (SELECT timestamptz '${START}' - interval '60 days' + e.rank * interval '1 hour' AS at) AS t`,
      [JSON.stringify(ENVIRONMENTS.map((environment, rank) => ({ ...environment, rank })))],
    );
    // Position → id (services were created a minute apart in position order), so the statements
    // below join ids in rather than recompute them. (Tables, not arrays: subscripting a large
    // array in a million rows would detoast it a million times.)
    await sql(`
      CREATE TEMP TABLE bench_services ON COMMIT DROP AS
      SELECT (row_number() OVER (ORDER BY created_at) - 1)::int AS position, id FROM services`);
    await sql(`CREATE TEMP TABLE bench_environments ON COMMIT DROP AS SELECT rank, id FROM environments`);

    // Release r of service s is registered an hour before its first deployment (round ⌈r·K/R⌉ in rank 0).
    await sql(
      `INSERT INTO releases (id, service_id, version, changelog, artifacts, created_by, created_at, updated_at,
                             first_deployed_at, revision)
       SELECT pg_temp.bench_uuid(created, 'release' || s || '-' || r), service.id,
              '1.' || r || '.0',
              'Release 1.' || r || '.0: ' || (ARRAY['bug fixes', 'performance work', 'new endpoints',
                                                    'dependency updates'])[1 + r % 4],
              jsonb_build_array(jsonb_build_object(
                'name', 'image', 'url', 'https://registry.example.com/svc-' || s || ':1.' || r || '.0',
                'digest', 'sha256:' || md5('image' || s || '-' || r) || md5('digest' || s || '-' || r))),
              '${SEED_ACTOR}', created, created,
              CASE WHEN first_round < ${rounds} THEN created + interval '1 hour' END, 1
         FROM bench_services AS service, generate_series(0, $1 - 1) AS s, generate_series(0, $2 - 1) AS r,
              LATERAL (SELECT ((r * ${rounds} + $2 - 1) / $2)::bigint AS first_round) AS f,
              LATERAL (SELECT pg_temp.bench_at(first_round * ${pairs} + s) - interval '1 hour' AS created) AS c
        WHERE service.position = s
        ORDER BY created`,
      [S, R],
    );
    await sql(`
      CREATE TEMP TABLE bench_releases ON COMMIT DROP AS
      SELECT service.position AS service_position, split_part(release.version, '.', 2)::int AS number, release.id
        FROM releases AS release JOIN bench_services AS service ON service.id = release.service_id`);
    await sql(`ANALYZE bench_services, bench_environments, bench_releases`);
    phaseDone('services, environments, releases');
    await sql(
      `INSERT INTO release_commits (release_id, position, sha, message, authored_at, merged_at)
       SELECT release.id, position, md5(release.id::text || position) || substr(md5(position || release.id::text), 1, 8),
              (ARRAY['Fix', 'Add', 'Refactor', 'Speed up', 'Document'])[1 + position % 5] || ' '
                || (ARRAY['checkout flow', 'retry policy', 'health endpoint', 'cache keys', 'metrics'])[1 + abs(hashtext(release.id::text)) % 5]
                || ' (#' || (1000 + abs(hashtext(release.id::text || position)) % 9000) || ')',
              release.created_at - (position + 1) * interval '5 hours',
              release.created_at - (position + 1) * interval '2 hours'
         FROM releases AS release, generate_series(0, $1 - 1) AS position`,
      [C],
    );

    phaseDone('commits');
    // Building an index once over a million rows is several times faster than growing it row by
    // row, so the secondary indexes are dropped and made again from their own definitions (the
    // unique one-running index then checks the data in one go).
    const indexes = (await sql(
      `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
         FROM pg_index
        WHERE indrelid = 'deployments'::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)`,
    )) as { name: string; definition: string }[];
    for (const index of indexes) await sql(`DROP INDEX ${index.name}`);
    await sql(
      `INSERT INTO deployments (id, release_id, service_id, environment_id, status, reason, status_reason,
                                requested_by, requested_at, queued_at, started_at, finished_at,
                                freeze_override_reason, freeze_overridden_by, approvals_required, approver_role,
                                allow_self_approval, approvals_received, version)
       SELECT pg_temp.bench_uuid(at, 'deployment' || g), release.id, service.id, environment.id,
              status,
              CASE WHEN abs(hashint8extended(g, 3)) % 4 = 0 THEN 'Routine promotion' END,
              CASE status WHEN 'failed' THEN 'Smoke tests failed: 3 of 112 checks red'
                          WHEN 'canceled' THEN 'Superseded by a newer release'
                          WHEN 'rejected' THEN 'Rejected by the release manager'
                          WHEN 'expired' THEN 'Expired before its window opened' END,
              '${SEED_ACTOR}', at,
              CASE WHEN status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')
                   THEN at + CASE WHEN production THEN interval '20 minutes' ELSE interval '5 seconds' END END,
              CASE WHEN status IN ('running', 'succeeded', 'failed')
                   THEN at + CASE WHEN production THEN interval '21 minutes' ELSE interval '35 seconds' END END,
              CASE WHEN status IN ('succeeded', 'failed')
                   THEN at + interval '25 minutes' + (abs(hashint8extended(g, 5)) % 900) * interval '1 second'
                   WHEN status = 'canceled' THEN at + interval '30 minutes' END,
              NULL, NULL,
              CASE WHEN production THEN 1 END, CASE WHEN production THEN 'operator' END,
              CASE WHEN production THEN false END,
              CASE WHEN production AND status NOT IN ('pending_approval', 'rejected') THEN 1 ELSE 0 END,
              CASE status WHEN 'queued' THEN 1 WHEN 'pending_approval' THEN 1 WHEN 'running' THEN 2
                          WHEN 'canceled' THEN 2 WHEN 'rejected' THEN 2 WHEN 'expired' THEN 2 ELSE 3 END
                + CASE WHEN production AND status NOT IN ('pending_approval', 'rejected') THEN 1 ELSE 0 END
         FROM (SELECT g, position.k, pair.e, pair.s, (position.k * ${R} / ${rounds})::int AS r, pair.at,
                      kind.production, outcome.status
                 FROM generate_series(0::bigint, $1 - 1) AS g,
                      LATERAL (SELECT g % ${pairs} AS p, g / ${pairs} AS k) AS position,
                      LATERAL (SELECT (p / ${S})::int AS e, (p % ${S})::int AS s,
                                      k = ($1 - 1 - p) / ${pairs} AS latest,
                                      pg_temp.bench_at(g) AS at,
                                      abs(hashint8extended(g, 7)) % 100 AS dice) AS pair,
                      LATERAL (SELECT e >= ${firstProductionRank} AS production) AS kind,
                      LATERAL (SELECT CASE
                                        WHEN latest AND s % 40 = 0 THEN 'running'
                                        WHEN latest AND s % 40 = 1 THEN 'queued'
                                        WHEN latest AND s % 40 = 2 AND production THEN 'pending_approval'
                                        WHEN latest OR dice < 90 THEN 'succeeded'
                                        WHEN dice < 95 THEN 'failed'
                                        WHEN dice < 98 OR (dice < 99 AND NOT production) THEN 'canceled'
                                        WHEN dice < 99 THEN 'rejected'
                                        ELSE 'expired'
                                      END AS status) AS outcome) AS d
         JOIN bench_services AS service ON service.position = d.s
         JOIN bench_environments AS environment ON environment.rank = d.e
         JOIN bench_releases AS release ON release.service_position = d.s AND release.number = d.r`,
      [N],
    );
    phaseDone('deployments');
    for (const index of indexes) await sql(index.definition);
    phaseDone(`deployment indexes (${indexes.length})`);

    // What runs where: the latest success per (environment, service), as the success transition
    // keeps it (the same rule as the migration that added the table).
    await sql(
      `INSERT INTO current_deployments (environment_id, service_id, deployment_id, release_id, succeeded_at)
       SELECT DISTINCT ON (environment_id, service_id) environment_id, service_id, id, release_id, finished_at
         FROM deployments
        WHERE status = 'succeeded'
        ORDER BY environment_id, service_id, finished_at DESC, id DESC`,
    );
    phaseDone('current deployments');

    // Production: one approval from an operator, a weekday allow window and a freeze that is over.
    await sql(
      `INSERT INTO environment_approval_rules (environment_id, required_approvals, approver_role,
                                               allow_self_approval, version, updated_at, updated_by)
       SELECT id, 1, 'operator', false, 1, created_at, '${SEED_ACTOR}' FROM environments WHERE tier = 'production'`,
    );
    await sql(
      `INSERT INTO deploy_windows (id, environment_id, service_id, kind, schedule, duration_minutes, time_zone,
                                   description, version, created_at, updated_at)
       SELECT pg_temp.bench_uuid(created_at, 'window' || rank), id, NULL, 'allow', '0 8 * * 1-5', 600,
              'Europe/Berlin', 'Office hours', 1, created_at, created_at
         FROM environments WHERE tier = 'production'`,
    );
    await sql(
      `INSERT INTO freeze_periods (id, environment_id, service_id, reason, starts_at, ends_at, schedule,
                                   duration_minutes, time_zone, created_by, version, created_at, updated_at)
       SELECT pg_temp.bench_uuid(created_at, 'freeze' || rank), id, NULL, 'Year-end freeze',
              timestamptz '2024-12-20T00:00:00Z', timestamptz '2025-01-06T00:00:00Z', NULL, NULL, NULL,
              '${SEED_ACTOR}', 1, created_at, created_at
         FROM environments WHERE tier = 'production'`,
    );

    await sql(
      `CREATE TABLE bench_dataset (shape jsonb NOT NULL, seeded_at timestamptz NOT NULL, seconds real)`,
    );
    await sql(`INSERT INTO bench_dataset (shape, seeded_at) VALUES ($1, now())`, [JSON.stringify(shape)]);
  });
  // Outside the transaction: statistics for the planner, and the visibility map so that the first
  // reads do not pay for setting hint bits on a million fresh rows.
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query(`SET statement_timeout = 0`);
    for (const table of [
      'services',
      'environments',
      'releases',
      'release_commits',
      'deployments',
      'current_deployments',
    ])
      await runner.query(`VACUUM (ANALYZE) ${table}`);
    await runner.query(`RESET statement_timeout`);
  } finally {
    await runner.release();
  }
  phaseDone('commit, VACUUM ANALYZE');
  return phases;
}

/** Records how long seeding took, for the runs that reuse the data. */
export async function recordSeedTime(dataSource: DataSource, seconds: number): Promise<void> {
  await dataSource.query(`UPDATE bench_dataset SET seconds = $1`, [seconds]);
}

export interface SeedRecord {
  shape: ReleaseDataShape;
  seededAt: Date;
  seconds: number | null;
}

/** What a seeded database says about its data; null when it was never (completely) seeded. */
export async function seedRecord(query: (sql: string) => Promise<unknown[]>): Promise<SeedRecord | null> {
  const [table] = (await query(`SELECT to_regclass('bench_dataset') IS NOT NULL AS "exists"`)) as {
    exists: boolean;
  }[];
  if (!table?.exists) return null;
  const [row] = (await query(
    `SELECT shape, seeded_at AS "seededAt", seconds FROM bench_dataset`,
  )) as SeedRecord[];
  return row ?? null;
}

export function sameShape(a: ReleaseDataShape, b: ReleaseDataShape): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ReleaseDataShape>;
  return [...keys].every((key) => a[key] === b[key]);
}

/**
 * Removes what earlier benchmark runs wrote into the reused data set (deployments requested
 * through the API, their idempotency keys), so every run reads the same million rows. The audit
 * log and outbox keep their events: they are append-only by design and nothing here reads them.
 */
export async function removeBenchWrites(dataSource: DataSource): Promise<number> {
  await removeMirrorEnvironments(dataSource);
  // TypeORM answers a DELETE with [rows, affected].
  const [, removed] = await dataSource.query<[unknown[], number]>(
    `DELETE FROM deployments WHERE requested_by <> $1`,
    [SEED_ACTOR],
  );
  await dataSource.query(`DELETE FROM idempotency_keys`);
  return removed;
}

/** Slug prefix of the environments `addMirrorEnvironments` makes; nothing else is named so. */
const MIRROR_PREFIX = 'bench-mirror-';

/**
 * Makes the data set `total` environments wide for the nested read, without reseeding: each extra
 * environment copies one of the seeded ten (ranked after them) together with what runs there (its
 * `current_deployments` rows). The list benchmark's ten environments are untouched;
 * `removeMirrorEnvironments` takes it all away.
 */
export async function addMirrorEnvironments(dataSource: DataSource, total: number): Promise<number> {
  await removeMirrorEnvironments(dataSource);
  const [{ seeded } = { seeded: 0 }] = await dataSource.query<{ seeded: number }[]>(
    `SELECT count(*)::int AS seeded FROM environments WHERE archived_at IS NULL`,
  );
  const extra = Math.max(0, total - seeded);
  if (extra === 0) return 0;
  await dataSource.transaction(async (manager) => {
    // Mirror n copies seeded environment (n - 1) mod seeded, in rank order.
    await manager.query(
      `CREATE TEMP TABLE bench_mirrors ON COMMIT DROP AS
       SELECT gen_random_uuid() AS mirror_id, source.id AS source_id, n
         FROM generate_series(1, $1::int) AS n
         JOIN LATERAL (SELECT id FROM environments WHERE archived_at IS NULL
                        ORDER BY rank, id OFFSET (n - 1) % $2::int LIMIT 1) AS source ON true`,
      [extra, seeded],
    );
    await manager.query(
      `INSERT INTO environments
       SELECT (jsonb_populate_record(NULL::environments, to_jsonb(source) || jsonb_build_object(
                 'id', m.mirror_id, 'slug', $1 || m.n, 'name', 'Mirror ' || m.n || ' of ' || source.name,
                 'rank', 1000 + m.n))).*
         FROM bench_mirrors AS m JOIN environments AS source ON source.id = m.source_id`,
      [MIRROR_PREFIX],
    );
    // The mirror's current rows point at the source's deployments: the same data to read, and no
    // new deployments, whose removal would check every self-referencing key against a million rows.
    await manager.query(
      `INSERT INTO current_deployments (environment_id, service_id, deployment_id, release_id, succeeded_at)
       SELECT m.mirror_id, current.service_id, current.deployment_id, current.release_id, current.succeeded_at
         FROM bench_mirrors AS m JOIN current_deployments AS current ON current.environment_id = m.source_id`,
    );
  });
  await dataSource.query(`ANALYZE environments, current_deployments`);
  return extra;
}

export async function removeMirrorEnvironments(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (manager) => {
    const mirrors = `SELECT id FROM environments WHERE slug LIKE '${MIRROR_PREFIX}%'`;
    await manager.query(`DELETE FROM current_deployments WHERE environment_id IN (${mirrors})`);
    await manager.query(`DELETE FROM environments WHERE slug LIKE '${MIRROR_PREFIX}%'`);
  });
}
