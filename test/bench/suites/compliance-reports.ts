import { createHash } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ControlsService } from '@opsplane/compliance';
import {
  AuditChainVerificationModel,
  AuditLogService,
  canonicalJson,
  pgTypeParsers,
  systemActor,
} from '@opsplane/core';
import pg from 'pg';
import { BenchContext, machineLine, print } from '../context';
import { BENCH_DATA_DIR, keptDatabase, queryDatabase } from '../database';
import { captureQueries, Opsplane, serverVersion, startOpsplane } from '../opsplane';
import { seedEnvironments } from '../seed';

const DATABASE_NAME = 'opsplane_bench_compliance';
/** Environment controls of the starter library that run; the rest are disabled. */
const CONTROLS = 30;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Scans are hourly; each environment's job commits this long after the previous one's. */
const JOB_SPACING_MS = 150;
/** Hours of results one seeding statement writes (a week: 504 k rows at 100 environments). */
const CHUNK_HOURS = 168;
/** Seeding statements run on this many connections at once (the machine's cores). */
const SEED_CONNECTIONS = 2;
const POSTURE_SAMPLES = 50;
const PERIOD_SAMPLES = 10;
const WARMUP_REQUESTS = 3;
/** Samples of a report verifying the whole chain when that takes over a second (one past 10 s). */
const SLOW_SAMPLES = 3;
/** The issue's targets, printed beside the numbers (nothing asserts them). */
const POSTURE_TARGET_MS = 200;
const PERIOD_TARGET_MS = 1000;

/**
 * Issue 12's report reads: "Posture as of an instant, on a year of hourly scans of 100 environments ×
 * 30 controls (≈ 26 M results): ≤ 200 ms; period report ≤ 1 s." A benchmark, not a test: it prints
 * and asserts nothing.
 *
 * The data set (kept in database opsplane_bench_compliance; --reseed makes it again, as does another
 * --report-environments / --report-days) is what the scan path would have stored: `--report-environments`
 * environments, the starter library's first 30 environment controls (the others disabled through
 * ControlsService, as an admin would), `--report-days` × 24 completed hourly scans, one result per scan ×
 * control × environment with its evidence (the inputs include `now`, so one evidence document per
 * environment and scan, as the scan path writes), waivers for the chronically failing pairs, the
 * outcome intervals built from the results in one statement (gaps and islands, exactly what
 * recordOutcomes would have written), and the audit chain those scans and their findings would have
 * appended (two events per scan, one per finding opened, reopened or resolved), hashed here so
 * AuditLogService.verify accepts it. Outcomes are synthetic but deterministic: most pairs pass, with
 * a failing stretch of hours to days in 40 % of weeks; 3 % flap hour to hour in a quarter of the weeks;
 * 1 % fail all year but for a 90-day waiver; 10 % are not applicable; an evaluation error one result
 * in 4,000.
 *
 * Then, through the real API with an auditor key, one request at a time as an auditor makes them
 * (after a warm-up): posture as of random instants of the data's span, the same for SOC 2 only, and
 * now; period reports of the last 30 days, the last quarter and the whole span. Each report also
 * verifies the audit chain (verifySinceCheckpoint), so each is measured three ways: as it is, after
 * taking the checkpoint the scheduled job (AUDIT_VERIFY_CRON) would have kept; with the verification
 * answering at once (the rest of the report alone); and rehashing the whole chain, as without a
 * checkpoint (a few samples when that is slow). Then the statements one report sends, replayed alone
 * on a connection of their own, with EXPLAIN (ANALYZE, BUFFERS) of its query on the intervals; and a
 * check that posture from the intervals names the same result as the latest result at or before the
 * instant, straight from compliance_results.
 */
export async function complianceReportsSuite(context: BenchContext): Promise<void> {
  const { options, server } = context;
  const shape: Shape = {
    environments: options.reportEnvironments,
    controls: CONTROLS,
    hours: options.reportDays * 24,
  };
  const database = await keptDatabase(server.url, DATABASE_NAME, async (url) => {
    if (options.reseed) return false;
    const [row] = await queryDatabase<{ marker: string | null }>(
      url,
      `SELECT obj_description('compliance_results'::regclass, 'pg_class') AS marker`,
    ).catch(() => [{ marker: null }]);
    return row?.marker === markerOf(shape);
  });
  const opsplane = await startOpsplane(database.url, options.logLevel);
  // Statements replayed alone run with the session settings of the app's pool (e.g. its JIT setting).
  const sql = await connect(database.url, sessionOptionsOf(opsplane));
  try {
    const seeded = database.reused ? null : await seed(opsplane, database.url, shape);
    const data = await describeData(sql, shape);
    print([
      '',
      `Opsplane benchmark: compliance reports over ${options.reportDays} days of hourly scans of ${shape.environments} environments × ${CONTROLS} controls (issue 12; a benchmark, not a test: nothing is asserted)`,
      machineLine(await serverVersion(opsplane.dataSource, server.embedded)),
      `  data        ${seeded === null ? `reused from database ${DATABASE_NAME} (--reseed makes it again)` : `seeded in ${seeded.toFixed(0)} s`}; scans ${iso(data.first)} … ${iso(data.last)}`,
      ...data.lines,
      '',
    ]);
    const token = await opsplane.token('auditor');
    const api = (path: string) => timedGet(`${opsplane.url}${path}`, token);
    const audit = opsplane.app.get(AuditLogService);
    // The scheduled full verification (AUDIT_VERIFY_CRON) keeps a checkpoint; jobs are off here, so
    // this takes it once, as the job would, and reports then rehash only the events after it.
    const checkpointStarted = performance.now();
    const checkpoint = await audit.checkpoint(new Date());
    const checkpointMs = performance.now() - checkpointStarted;
    if (!checkpoint.isIntact)
      throw new Error(`the seeded audit chain is broken: ${JSON.stringify(checkpoint)}`);
    const fullMs = await timeVerification(() => audit.verify());
    const tailMs = await timeVerification(() => audit.verifySinceCheckpoint());
    print([
      `  audit chain ${data.auditEvents.toLocaleString('en-US')} events (${(data.auditEvents / shape.hours).toFixed(1)} an hour of scans), intact`,
      `              full rehash (AuditLogService.verify, as the scheduled checkpoint job runs it): ${formatStats(fullMs)}, ` +
        `${(median(fullMs) / (data.auditEvents / 1000)).toFixed(1)} ms per 1,000 events; the checkpoint took ${(checkpointMs / 1000).toFixed(1)} s`,
      `              since the checkpoint (verifySinceCheckpoint, what every report runs): ${formatStats(tailMs)}`,
      '',
    ]);

    const random = seededRandom(12);
    const span = data.last.getTime() - data.first.getTime();
    const instants = Array.from(
      { length: POSTURE_SAMPLES },
      () => new Date(data.first.getTime() + HOUR + Math.floor(random() * (span - HOUR))),
    );
    const end = data.end;
    const periods = [
      { label: 'last 30 days', from: new Date(end.getTime() - 30 * DAY) },
      { label: 'last quarter (91 d)', from: new Date(end.getTime() - 91 * DAY) },
      { label: `whole span (${options.reportDays} d)`, from: data.first },
    ];
    const cases: Case[] = [
      {
        label: 'posture asOf=random instant',
        paths: instants.map((at) => `/v1/compliance/reports/posture?asOf=${iso(at)}`),
        target: POSTURE_TARGET_MS,
      },
      {
        label: 'posture asOf=… framework=soc2',
        paths: instants.map((at) => `/v1/compliance/reports/posture?asOf=${iso(at)}&framework=soc2`),
        target: POSTURE_TARGET_MS,
      },
      {
        label: 'posture now (no asOf)',
        paths: instants.map(() => '/v1/compliance/reports/posture'),
        target: POSTURE_TARGET_MS,
      },
      ...periods.map(({ label, from }) => ({
        label: `period ${label}`,
        paths: Array.from(
          { length: PERIOD_SAMPLES },
          () => `/v1/compliance/reports/period?from=${iso(from)}&to=${iso(end)}`,
        ),
        target: PERIOD_TARGET_MS,
      })),
    ];

    // Without a checkpoint a report rehashes the whole chain: that column gets a few samples when it is slow.
    const fullSamples = median(fullMs) > 10_000 ? 1 : median(fullMs) > 1000 ? SLOW_SAMPLES : Infinity;
    print([
      `Latency, one request at a time (auditor key; ${WARMUP_REQUESTS} warm-up requests per case; p50 / p95 / max over the samples)`,
      `  ${'case'.padEnd(34)}  ${'as it is: checkpoint + events after it'.padEnd(44)}  ${'verification answering at once'.padEnd(44)}  ${'no checkpoint: full rehash'.padEnd(44)}  response`,
    ]);
    const verified = await audit.verifySinceCheckpoint();
    const loadBefore = loadavg()[0]!;
    for (const each of cases) {
      for (const path of each.paths.slice(0, WARMUP_REQUESTS)) await api(path);
      const real = await sequential(api, each.paths);
      const instant = await verifyingWith(
        audit,
        () => Promise.resolve(verified),
        () => sequential(api, each.paths),
      );
      const full = await verifyingWith(
        audit,
        () => audit.verify(),
        () => sequential(api, each.paths.slice(0, fullSamples)),
      );
      const column = (ms: number[]) =>
        `${formatStats(ms)}${percentile(ms, 0.95) > each.target ? ' ✗' : ' ✓'} (n=${ms.length})`.padEnd(44);
      const { body } = await api(each.paths[0]!);
      print([
        `  ${each.label.padEnd(34)}  ${column(real.ms)}  ${column(instant.ms)}  ${column(full.ms)}  ${formatBytes(median(real.bytes))}, ${contentOf(body)}`,
      ]);
    }
    print([
      `  ✓/✗: p95 within the issue's target (posture ≤ ${POSTURE_TARGET_MS} ms, period ≤ ${PERIOD_TARGET_MS} ms)`,
      `  machine load average (1 min): ${loadBefore.toFixed(1)} just before these runs, with this bench idle, and ${loadavg()[0]!.toFixed(1)} after them ` +
        `(this bench's one request at a time adds about 1), on ${cpus().length} cores`,
      '',
    ]);

    await printStatements(
      opsplane,
      sql,
      'posture, asOf a random instant',
      `${opsplane.url}/v1/compliance/reports/posture?asOf=${iso(instants[0]!)}`,
      token,
    );
    await printStatements(
      opsplane,
      sql,
      `period, ${periods[2]!.label}`,
      `${opsplane.url}/v1/compliance/reports/period?from=${iso(periods[2]!.from)}&to=${iso(end)}`,
      token,
    );
    await checkPosture(sql, opsplane, token, instants.slice(0, 3), shape);
  } finally {
    await sql.end();
    await opsplane.close();
  }
}

interface Shape {
  environments: number;
  controls: number;
  hours: number;
}

interface Case {
  label: string;
  paths: string[];
  target: number;
}

interface Timings {
  ms: number[];
  bytes: number[];
}

/** What a completely seeded database says about itself (a comment on compliance_results, set last). */
function markerOf(shape: Shape): string {
  return `opsplane bench: ${shape.environments} environments × ${shape.controls} controls × ${shape.hours} hourly scans`;
}

async function connect(url: string, options?: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, types: pgTypeParsers, options });
  await client.connect();
  return client;
}

/** The `options` (`-c name=value` settings) the app's pool opens its sessions with, if any. */
function sessionOptionsOf(opsplane: Opsplane): string | undefined {
  const extra = (opsplane.dataSource.options as { extra?: { options?: unknown } }).extra;
  return typeof extra?.options === 'string' ? extra.options : undefined;
}

/** 32-bit unsigned hash of a bigint SQL expression: the seed's only source of chance, so every seed is the same. */
const u = (expression: string) => `(hashint8((${expression})::bigint)::bigint + 2147483648)`;

/** A version-7 UUID (as newId makes) from an instant and two small numbers that make it unique. */
const uuid7 = (at: string, a: string, b: string) =>
  `(lpad(to_hex((extract(epoch FROM ${at}) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(${a}), 3, '0') || '8' ||
    lpad(to_hex(${b}), 5, '0') || lpad(to_hex(0), 10, '0'))::uuid`;

/**
 * The data set, in SQL on connections of its own (the app's pool has a statement timeout), phase
 * by phase, printing each phase's time. Answers the seconds it took.
 */
async function seed(opsplane: Opsplane, url: string, shape: Shape): Promise<number> {
  const rows = shape.environments * shape.controls * shape.hours;
  const free = statfsSync(BENCH_DATA_DIR);
  process.stdout.write(
    `\nSeeding ${rows.toLocaleString('en-US')} compliance results into ${DATABASE_NAME} (kept for later runs; ` +
      `${formatBytes(free.bavail * free.bsize)} free where the bench keeps its data)…\n`,
  );
  const started = performance.now();
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const at = performance.now();
    const result = await work();
    process.stdout.write(
      `  ${name.padEnd(58)} ${((performance.now() - at) / 1000).toFixed(1).padStart(7)} s\n`,
    );
    return result;
  };
  await phase(`${shape.environments} environments, ${CONTROLS} controls (the others disabled)`, async () => {
    await seedEnvironments(opsplane.dataSource, shape.environments);
    await opsplane.dataSource.query('UPDATE environments SET archived_at = NULL');
    await runControls(opsplane);
  });
  const client = await connect(url);
  try {
    await client.query(
      `SET work_mem = '256MB'; SET maintenance_work_mem = '2GB'; SET synchronous_commit = off`,
    );
    await phase('staging tables, scans, scan subjects, waivers', () => stageAndScans(client, shape));
    const indexes = await phase('drop the indexes of compliance_results', () => dropIndexes(client));
    await phase(
      `evidence and results, ${CHUNK_HOURS} hours a statement on ${SEED_CONNECTIONS} connections`,
      () => insertResults(url, shape),
    );
    await phase(`create ${indexes.length} indexes of compliance_results`, async () => {
      for (const statement of indexes) await client.query(statement);
    });
    await phase('outcome intervals from the results (one statement)', () => buildIntervals(client));
    await phase('VACUUM (ANALYZE)', () =>
      client.query(
        `VACUUM (ANALYZE) compliance_results, compliance_outcome_intervals, compliance_evidence, compliance_scans,
                          compliance_scan_subjects, compliance_waivers, environments`,
      ),
    );
    const events = await phase('audit chain of the scans and their findings (hashed here)', () =>
      seedAuditHistory(client),
    );
    process.stdout.write(`    ${events.toLocaleString('en-US')} audit events appended\n`);
    await client.query(
      `DROP TABLE bench_seed_envs, bench_seed_controls, bench_seed_scans, bench_seed_pairs, bench_seed_evidence`,
    );
    await client.query(`COMMENT ON TABLE compliance_results IS '${markerOf(shape)}'`);
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}

/** The first CONTROLS environment controls of the starter library by slug run; the others are disabled. */
async function runControls(opsplane: Opsplane): Promise<void> {
  const controls = await opsplane.dataSource.query<{ id: string; subjectType: string; mode: string }[]>(
    `SELECT id, subject_type AS "subjectType", mode FROM compliance_controls ORDER BY subject_type <> 'environment', slug`,
  );
  const environmentControls = controls.filter((control) => control.subjectType === 'environment');
  if (environmentControls.length < CONTROLS)
    throw new Error(
      `the starter library has ${environmentControls.length} environment controls, not ${CONTROLS}`,
    );
  const service = opsplane.app.get(ControlsService);
  const actor = systemActor('bench', 'compliance-reports');
  for (const control of controls.slice(CONTROLS))
    if (control.mode !== 'disabled') await service.update(actor, control.id, { mode: 'disabled' });
}

/**
 * Staging tables (numbered environments, controls, scans and pairs, each pair's kind of history),
 * then the scans, their subjects and the waivers. Answers when the first scan started.
 */
async function stageAndScans(client: pg.Client, shape: Shape): Promise<{ first: Date }> {
  const { hours } = shape;
  await client.query(
    `CREATE UNLOGGED TABLE bench_seed_envs AS
     SELECT (row_number() OVER (ORDER BY slug) - 1)::int AS n, id, slug,
            jsonb_build_object('id', id, 'slug', slug, 'name', name, 'tier', tier, 'rank', rank,
                               'protected', is_protected, 'endpointUrls', to_jsonb(endpoint_urls), 'facts', facts) AS subject
       FROM environments`,
  );
  await client.query(
    `CREATE UNLOGGED TABLE bench_seed_controls AS
     SELECT (row_number() OVER (ORDER BY slug) - 1)::int AS n, id, version, scope
       FROM compliance_controls WHERE subject_type = 'environment' AND mode <> 'disabled'`,
  );
  // The last scan an hour before now's hour, so every result is in the past.
  const [{ first }] = (
    await client.query<{ first: Date }>(
      `SELECT date_trunc('hour', now()) - make_interval(hours => $1) AS first`,
      [hours],
    )
  ).rows as [{ first: Date }];
  await client.query(
    `CREATE UNLOGGED TABLE bench_seed_scans AS
     SELECT h, ${uuid7('t.at', "x'fff'::int", 'h')} AS id, t.at AS started_at
       FROM generate_series(0, $2 - 1) AS h, LATERAL (SELECT $1::timestamptz + make_interval(hours => h) AS at) t`,
    [first, hours],
  );
  // Pair kinds: 10 % not applicable, 1 % failing all year but for a 90-day waiver, 3 % flapping, the rest normal.
  const waiverHours = 90 * 24;
  await client.query(
    `CREATE UNLOGGED TABLE bench_seed_pairs AS
     SELECT p.pair, e.n AS e, c.n AS c,
            CASE WHEN x.r % 100 < 10 THEN 'na' WHEN x.r % 100 < 11 THEN 'chronic'
                 WHEN x.r % 100 < 14 THEN 'flappy' ELSE 'normal' END AS kind,
            w.waiver_from, w.waiver_from + ${waiverHours} AS waiver_to,
            ${uuid7(`$1::timestamptz + make_interval(hours => w.waiver_from)`, "x'ffe'::int", 'p.pair')} AS waiver_id,
            encode(sha256(convert_to(jsonb_build_object(
              'subject', jsonb_build_object('type', 'environment', 'id', e.id, 'slug', e.slug),
              'scope', c.scope)::text, 'UTF8')), 'hex') AS scope_sha256,
            jsonb_build_object('subject', jsonb_build_object('type', 'environment', 'id', e.id, 'slug', e.slug),
                               'scope', c.scope) AS scope_evidence
       FROM bench_seed_envs e CROSS JOIN bench_seed_controls c
      CROSS JOIN LATERAL (SELECT (e.n * ${CONTROLS} + c.n)::bigint AS pair) p
      CROSS JOIN LATERAL (SELECT ${u('p.pair * 7919 + 1')} AS r) x
      CROSS JOIN LATERAL (SELECT ((x.r / 100) % greatest($2::int - ${waiverHours}, 1))::int AS waiver_from) w`,
    [first, hours],
  );
  await client.query(
    `INSERT INTO compliance_evidence (sha256, inputs)
     SELECT DISTINCT ON (scope_sha256) scope_sha256, scope_evidence FROM bench_seed_pairs WHERE kind = 'na'
     ON CONFLICT DO NOTHING`,
  );
  await client.query(
    `INSERT INTO compliance_scans (id, status, trigger, requested_by, filter, platform, subjects_total,
                                   subjects_done, counts, started_at, finished_at)
     SELECT id, 'completed', 'schedule', 'system:compliance',
            '{"controlId": null, "framework": null, "subjectId": null}', $1::jsonb, $2, $2,
            '{"passed": 0, "failed": 0, "waived": 0, "error": 0, "not_applicable": 0}',
            started_at, started_at + ($2 + 1) * interval '${JOB_SPACING_MS} ms'
       FROM bench_seed_scans`,
    [JSON.stringify(PLATFORM), shape.environments],
  );
  await client.query(
    `INSERT INTO compliance_scan_subjects (scan_id, subject_id, done_at)
     SELECT s.id, e.id, s.started_at + (e.n + 1) * interval '${JOB_SPACING_MS} ms'
       FROM bench_seed_scans s CROSS JOIN bench_seed_envs e`,
  );
  await client.query(
    `INSERT INTO compliance_waivers (id, control_id, subject_type, subject_id, reason, requested_by, approved_by,
                                     expires_at, revoked_at, revoked_reason, version, created_at)
     SELECT p.waiver_id, c.id, 'environment', e.id,
            'The legacy TLS terminator stays until the load balancer migration (OPS-1432).',
            'user:platform-lead', 'Dana Scully',
            $1::timestamptz + make_interval(hours => p.waiver_to) - interval '10 minutes', NULL, NULL, 1,
            $1::timestamptz + make_interval(hours => p.waiver_from) - interval '10 minutes'
       FROM bench_seed_pairs p
       JOIN bench_seed_envs e ON e.n = p.e
       JOIN bench_seed_controls c ON c.n = p.c
      WHERE p.kind = 'chronic'`,
    [first],
  );
  await client.query(
    `CREATE UNLOGGED TABLE bench_seed_evidence (h int NOT NULL, e int NOT NULL, sha256 text NOT NULL)`,
  );
  await client.query('ANALYZE bench_seed_envs, bench_seed_controls, bench_seed_scans, bench_seed_pairs');
  return { first };
}

/** What a scan reads once for the whole install (SubjectInputs.platform). */
const PLATFORM = {
  auditChainIntact: true,
  adminKeys: [
    { name: 'bootstrap', createdAt: '2025-01-06T09:12:44.000Z', expiresAt: null, lastUsedAt: null },
    {
      name: 'terraform',
      createdAt: '2025-02-11T14:03:09.000Z',
      expiresAt: '2026-02-11T14:03:09.000Z',
      lastUsedAt: null,
    },
  ],
};

/** The policies of an environment as SubjectInputs reads them. */
const POLICIES = {
  approvalRule: { requiredApprovals: 2, approverRole: 'operator' },
  freezePeriods: [{ startsAt: null, endsAt: null, schedule: '0 0 * * 6', reason: 'No weekend deploys' }],
  deployWindows: [
    { kind: 'allow', schedule: '0 8 * * 1-5', durationMinutes: 600, timeZone: 'Europe/Berlin' },
  ],
  promotionPolicy: { enabled: true, fromRanks: null, minimumSuccesses: 1 },
};

/**
 * Drops the indexes (and the primary key) of compliance_results, answering the statements that make
 * them again: one bulk build per index is much faster than maintaining four B-trees row by row.
 */
async function dropIndexes(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{
    name: string;
    def: string;
    constraint: string | null;
    condef: string | null;
  }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def, c.conname AS constraint,
            pg_get_constraintdef(c.oid) AS condef
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
      WHERE x.indrelid = 'compliance_results'::regclass
      ORDER BY c.conname IS NULL, i.relname`,
  );
  for (const row of rows)
    await client.query(
      row.constraint
        ? `ALTER TABLE compliance_results DROP CONSTRAINT ${row.constraint}`
        : `DROP INDEX ${row.name}`,
    );
  return rows.map((row) =>
    row.constraint
      ? `ALTER TABLE compliance_results ADD CONSTRAINT ${row.constraint} ${row.condef}`
      : row.def,
  );
}

/**
 * Evidence and results a week of scans at a time, SEED_CONNECTIONS statements at once, in scan
 * order within each week (as scans append them). Every (environment, scan) has its own evidence
 * document (the inputs carry `now`); a not-applicable result points at its scope evidence instead.
 * Each statement also sets its scans' counts from the results it wrote.
 */
async function insertResults(url: string, shape: Shape): Promise<void> {
  const chunks = Math.ceil(shape.hours / CHUNK_HOURS);
  let next = 0;
  let done = 0;
  const outcome = `CASE
      WHEN p.kind = 'na' THEN 'not_applicable'
      WHEN ${u('p.pair * 15485863 + s.h')} % 4000 = 0 THEN 'error'
      WHEN p.kind = 'chronic' THEN CASE WHEN s.h >= p.waiver_from AND s.h < p.waiver_to THEN 'waived' ELSE 'failed' END
      WHEN p.kind = 'flappy' THEN
        CASE WHEN t.week % 100 < 25 AND t.hour >= t.start AND t.hour < t.start + 6 + (t.week / 168000) % 24
                  AND ${u('p.pair * 1000003 + s.h')} % 2 = 0 THEN 'failed' ELSE 'passed' END
      WHEN t.week % 100 < 40 AND t.hour >= t.start AND t.hour < t.start + CASE
             WHEN (t.week / 16800) % 10 < 6 THEN 1 + (t.week / 168000) % 6
             WHEN (t.week / 16800) % 10 < 9 THEN 6 + (t.week / 168000) % 18
             ELSE 24 + (t.week / 168000) % 72 END THEN 'failed'
      ELSE 'passed'
    END`;
  const worker = async () => {
    const client = await connect(url);
    try {
      await client.query(`SET work_mem = '256MB'; SET synchronous_commit = off`);
      for (let chunk = next++; chunk < chunks; chunk = next++) {
        const from = chunk * CHUNK_HOURS;
        const to = Math.min(shape.hours, from + CHUNK_HOURS) - 1;
        await client.query(
          `WITH docs AS MATERIALIZED (
             SELECT s.h, e.n AS e, d.doc, encode(sha256(convert_to(d.doc::text, 'UTF8')), 'hex') AS sha256
               FROM bench_seed_scans s CROSS JOIN bench_seed_envs e
              CROSS JOIN LATERAL (SELECT jsonb_build_object(
                'environment', e.subject, 'endpoints', '[]'::jsonb, 'findings', '[]'::jsonb,
                'deployments', jsonb_build_array(jsonb_build_object(
                  'id', ${uuid7(`date_trunc('day', s.started_at)`, 'e.n', '1')}, 'status', 'succeeded',
                  'releaseId', ${uuid7(`date_trunc('day', s.started_at)`, 'e.n', '2')},
                  'serviceId', ${uuid7(`timestamptz '2025-01-01'`, 'e.n', '3')},
                  'approvalsRequired', 2, 'approvalsReceived', 2, 'isApproved', true, 'requestedBy', 'user:release-bot',
                  'requestedAt', to_char(date_trunc('day', s.started_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                  'finishedAt', to_char(date_trunc('day', s.started_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                  'overridden', false)),
                'incidents', '[]'::jsonb, 'policies', $3::jsonb, 'platform', $4::jsonb,
                'now', to_char((s.started_at + (e.n + 1) * interval '${JOB_SPACING_MS} ms') AT TIME ZONE 'UTC',
                               'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS doc) d
              WHERE s.h BETWEEN $1 AND $2
           ), stored AS (
             INSERT INTO compliance_evidence (sha256, inputs) SELECT sha256, doc FROM docs ON CONFLICT DO NOTHING
           )
           INSERT INTO bench_seed_evidence (h, e, sha256) SELECT h, e, sha256 FROM docs`,
          [from, to, JSON.stringify(POLICIES), JSON.stringify(PLATFORM)],
        );
        // Fresh statistics, or the planner takes the growing table for empty.
        await client.query('ANALYZE bench_seed_evidence');
        await client.query(
          `WITH written AS (
             INSERT INTO compliance_results (id, scan_id, control_id, control_version, subject_type, subject_id,
                                             outcome, message, evidence_sha256, waiver_id, finding_id, evaluated_at)
             SELECT (lpad(to_hex((extract(epoch FROM t.at) * 1000)::bigint), 12, '0') || '7' ||
                     lpad(to_hex(c.n), 3, '0') || '8' || lpad(to_hex(e.n), 5, '0') || lpad(to_hex(s.h), 10, '0'))::uuid,
                    s.id, c.id, c.version, 'environment', e.id, o.outcome,
                    CASE WHEN o.outcome = 'error' THEN 'no such key: endpoints' END,
                    CASE WHEN o.outcome = 'not_applicable' THEN p.scope_sha256 ELSE ev.sha256 END,
                    CASE WHEN o.outcome = 'waived' THEN p.waiver_id END, NULL, t.at
               FROM bench_seed_scans s
               JOIN bench_seed_evidence ev ON ev.h = s.h
               JOIN bench_seed_envs e ON e.n = ev.e
               JOIN bench_seed_pairs p ON p.e = e.n
               JOIN bench_seed_controls c ON c.n = p.c
              CROSS JOIN LATERAL (SELECT s.started_at + (e.n + 1) * interval '${JOB_SPACING_MS} ms' AS at,
                                         ${u('p.pair * 100003 + s.h / 168')} AS week, s.h % 168 AS hour) t0
              CROSS JOIN LATERAL (SELECT t0.*, ((t0.week / 100) % 168)::int AS start) t
              CROSS JOIN LATERAL (SELECT ${outcome} AS outcome) o
              WHERE s.h BETWEEN $1 AND $2
              ORDER BY s.h, e.n, c.n
             RETURNING scan_id, outcome
           )
           UPDATE compliance_scans AS scan
              SET counts = jsonb_build_object('passed', n.passed, 'failed', n.failed, 'waived', n.waived,
                                              'error', n.error, 'not_applicable', n.not_applicable)
             FROM (SELECT scan_id, count(*) FILTER (WHERE outcome = 'passed') AS passed,
                          count(*) FILTER (WHERE outcome = 'failed') AS failed,
                          count(*) FILTER (WHERE outcome = 'waived') AS waived,
                          count(*) FILTER (WHERE outcome = 'error') AS error,
                          count(*) FILTER (WHERE outcome = 'not_applicable') AS not_applicable
                     FROM written GROUP BY scan_id) AS n
            WHERE scan.id = n.scan_id`,
          [from, to],
        );
        done++;
        if (done % 8 === 0 || done === chunks)
          process.stdout.write(`    ${done}/${chunks} weeks of scans written\n`);
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEED_CONNECTIONS, chunks) }, worker));
}

/**
 * compliance_outcome_intervals from the results, as recordOutcomes folds them in scan by scan:
 * per (control, subject) in evaluation order, an interval begins at each result whose outcome
 * differs from the one before; it names that result and its last one, and ends when the next
 * interval begins (open for the last). Only the first and last result of each island is kept
 * after one window pass, then a second pass over those pairs them.
 */
async function buildIntervals(client: pg.Client): Promise<void> {
  await client.query(`SET work_mem = '1GB'`);
  await client.query(
    `INSERT INTO compliance_outcome_intervals (subject_id, control_id, started_at, subject_type, outcome,
                                               first_result_id, first_control_version, first_evidence_sha256,
                                               last_result_id, last_evaluated_at, last_control_version,
                                               last_evidence_sha256, ended_at)
     WITH marked AS (
       SELECT id, subject_id, control_id, subject_type, outcome, evaluated_at, control_version, evidence_sha256,
              lag(outcome) OVER pair IS DISTINCT FROM outcome AS starts,
              lead(outcome) OVER pair IS DISTINCT FROM outcome AS ends,
              lead(evaluated_at) OVER pair AS next_at
         FROM compliance_results
       WINDOW pair AS (PARTITION BY subject_id, control_id ORDER BY evaluated_at)
     ), edges AS (
       SELECT *, lead(id) OVER pair AS edge_id, lead(evaluated_at) OVER pair AS edge_at,
              lead(control_version) OVER pair AS edge_version, lead(evidence_sha256) OVER pair AS edge_sha256,
              lead(next_at) OVER pair AS edge_next_at
         FROM marked WHERE starts OR ends
       WINDOW pair AS (PARTITION BY subject_id, control_id ORDER BY evaluated_at)
     )
     SELECT subject_id, control_id, evaluated_at, subject_type, outcome, id, control_version, evidence_sha256,
            CASE WHEN ends THEN id ELSE edge_id END,
            CASE WHEN ends THEN evaluated_at ELSE edge_at END,
            CASE WHEN ends THEN control_version ELSE edge_version END,
            CASE WHEN ends THEN evidence_sha256 ELSE edge_sha256 END,
            CASE WHEN ends THEN next_at ELSE edge_next_at END
       FROM edges WHERE starts`,
  );
  await client.query(`SET work_mem = '256MB'`);
}

/**
 * The audit events the year's scans and findings would have appended, in time order after the
 * chain's last event: compliance.scan.started and .completed per scan, and for every failing
 * interval its finding opened (or reopened), then resolved when a pass ended it. Hashed as
 * AuditLogService hashes, under its lock. Answers how many were appended.
 */
async function seedAuditHistory(client: pg.Client): Promise<number> {
  const { rows: scans } = await client.query<{
    id: string;
    startedAt: Date;
    finishedAt: Date;
    counts: Record<string, number>;
    total: number;
  }>(
    `SELECT id, started_at AS "startedAt", finished_at AS "finishedAt", counts, subjects_total AS total
       FROM compliance_scans ORDER BY started_at`,
  );
  const { rows: changes } = await client.query<{
    at: Date;
    action: string;
    subjectId: string;
    controlId: string;
    slug: string;
    title: string;
    severity: string;
    openedAt: Date;
    firstSeenAt: Date;
    scanId: string;
  }>(
    `WITH failing AS (
       SELECT i.subject_id, i.control_id, i.started_at, i.ended_at, i.outcome,
              lag(i.outcome) OVER pair AS previous, lead(i.outcome) OVER pair AS next,
              min(i.started_at) FILTER (WHERE i.outcome = 'failed') OVER pair AS first_failed
         FROM compliance_outcome_intervals i
       WINDOW pair AS (PARTITION BY i.subject_id, i.control_id ORDER BY i.started_at
                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
     ), events AS (
       SELECT f.started_at AS at, CASE WHEN f.started_at = f.first_failed THEN 'finding.opened' ELSE 'finding.reopened' END AS action,
              f.subject_id, f.control_id, f.started_at AS opened_at, f.first_failed
         FROM failing f WHERE f.outcome = 'failed' AND (f.previous IS NULL OR f.previous IN ('passed', 'not_applicable'))
       UNION ALL
       SELECT f.ended_at, 'finding.resolved', f.subject_id, f.control_id, f.started_at, f.first_failed
         FROM failing f WHERE f.outcome = 'failed' AND f.next = 'passed'
     )
     SELECT ev.at, ev.action, ev.subject_id AS "subjectId", ev.control_id AS "controlId", c.slug, c.title,
            c.severity, ev.opened_at AS "openedAt", ev.first_failed AS "firstSeenAt", r.scan_id AS "scanId"
       FROM events ev
       JOIN compliance_controls c ON c.id = ev.control_id
       JOIN compliance_results r ON r.subject_id = ev.subject_id AND r.control_id = ev.control_id AND r.evaluated_at = ev.at
      ORDER BY ev.at, ev.subject_id, ev.control_id`,
  );
  const drafts: { at: Date; make: () => Draft }[] = [];
  for (const scan of scans) {
    const { not_applicable: notApplicable, ...rest } = scan.counts;
    const counts = { ...rest, notApplicable };
    const model = (status: string, finishedAt: Date | null) => ({
      id: scan.id,
      status,
      trigger: 'schedule',
      requestedBy: 'system:compliance',
      controlId: null,
      framework: null,
      subjectId: null,
      subjectsTotal: scan.total,
      subjectsDone: status === 'completed' ? scan.total : 0,
      counts:
        status === 'completed' ? counts : { passed: 0, failed: 0, waived: 0, error: 0, notApplicable: 0 },
      startedAt: scan.startedAt.toISOString(),
      finishedAt: finishedAt?.toISOString() ?? null,
      durationMs: finishedAt ? finishedAt.getTime() - scan.startedAt.getTime() : null,
    });
    drafts.push({
      at: scan.startedAt,
      make: () => ({
        actor: ['system', 'system:compliance', 'compliance', uuidFrom(scan.startedAt, 'job')],
        action: 'compliance.scan.started',
        targetType: 'compliance_scan',
        targetId: scan.id,
        before: null,
        after: model('running', null),
        reason: null,
      }),
    });
    drafts.push({
      at: scan.finishedAt,
      make: () => ({
        actor: ['system', 'system:compliance', 'compliance', scan.id],
        action: 'compliance.scan.completed',
        targetType: 'compliance_scan',
        targetId: scan.id,
        before: null,
        after: model('completed', scan.finishedAt),
        reason: null,
      }),
    });
  }
  for (const change of changes)
    drafts.push({
      at: change.at,
      make: () => {
        const id = uuidFrom(change.firstSeenAt, `${change.subjectId}:${change.controlId}`);
        const record = (status: string) => findingRecord(id, change, status);
        const resolved = change.action === 'finding.resolved';
        return {
          actor: ['system', 'system:compliance', 'compliance', change.scanId],
          action: change.action,
          targetType: 'finding',
          targetId: id,
          before: change.action === 'finding.opened' ? null : record(resolved ? 'open' : 'resolved'),
          after: record(resolved ? 'resolved' : 'open'),
          reason: resolved
            ? 'No longer seen by compliance.'
            : change.action === 'finding.reopened'
              ? 'Seen again by compliance.'
              : null,
        };
      },
    });
  drafts.sort((a, b) => a.at.getTime() - b.at.getTime());

  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [0x617564]);
    const { rows: last } = await client.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    let seq = last[0] ? Number(last[0].seq) : 0;
    let prevHash = last[0]?.hash ?? '0'.repeat(64);
    for (let start = 0; start < drafts.length; start += 5000) {
      const batch = drafts.slice(start, start + 5000).map(({ at, make }) => {
        const draft = make();
        const [actorKind, actorId, actorName, requestId] = draft.actor;
        const fields = {
          id: uuidFrom(at, `${draft.action}:${draft.targetId}`),
          seq: ++seq,
          occurredAt: at.toISOString(),
          actorKind,
          actorId,
          actorName,
          action: draft.action,
          targetType: draft.targetType,
          targetId: draft.targetId,
          requestId,
          before: draft.before,
          after: draft.after,
          reason: draft.reason,
          prevHash,
        };
        prevHash = createHash('sha256').update(canonicalJson(fields)).digest('hex');
        return { ...fields, hash: prevHash };
      });
      await client.query(
        `INSERT INTO audit_events (id, seq, occurred_at, actor_kind, actor_id, actor_name, action, target_type,
                                   target_id, request_id, before, after, reason, prev_hash, hash)
         SELECT e."id", e."seq", e."occurredAt", e."actorKind", e."actorId", e."actorName", e."action", e."targetType",
                e."targetId", e."requestId", e."before", e."after", e."reason", e."prevHash", e."hash"
           FROM jsonb_to_recordset($1::jsonb) AS e("id" uuid, "seq" bigint, "occurredAt" timestamptz, "actorKind" text,
                "actorId" text, "actorName" text, "action" text, "targetType" text, "targetId" text, "requestId" text,
                "before" jsonb, "after" jsonb, "reason" text, "prevHash" text, "hash" text)`,
        [JSON.stringify(batch)],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  await client.query('VACUUM (ANALYZE) audit_events');
  return drafts.length;
}

interface Draft {
  actor: [kind: string, id: string, name: string, requestId: string];
  action: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  reason: string | null;
}

/** A compliance finding as the audit log records it (FindingModel without its evidence). */
function findingRecord(
  id: string,
  change: {
    at: Date;
    subjectId: string;
    slug: string;
    title: string;
    severity: string;
    openedAt: Date;
    firstSeenAt: Date;
  },
  status: string,
): Record<string, unknown> {
  const resolved = status === 'resolved';
  return {
    id,
    kind: 'compliance',
    source: 'compliance',
    dedupKey: change.slug,
    subjectType: 'environment',
    subjectId: change.subjectId,
    serviceId: null,
    title: change.title,
    description: `Fix the configuration so that ${change.slug} passes again; see the control's remediation.`,
    severity: change.severity,
    status,
    firstSeenAt: change.firstSeenAt.toISOString(),
    lastSeenAt: change.at.toISOString(),
    openedAt: change.openedAt.toISOString(),
    resolvedAt: resolved ? change.at.toISOString() : null,
    reopenCount: 0,
    slaDueAt: new Date(change.openedAt.getTime() + 30 * DAY).toISOString(),
    slaBreachedAt: null,
    overdue: false,
    statusReason: resolved ? 'No longer seen by compliance.' : null,
    statusChangedBy: 'system:compliance',
    statusChangedAt: change.at.toISOString(),
    acceptedBy: null,
    acceptedUntil: null,
    version: resolved ? 2 : 1,
    createdAt: change.firstSeenAt.toISOString(),
    updatedAt: change.at.toISOString(),
  };
}

/** A version-7 UUID for `at` whose random part is a hash of `key`: the same on every seed. */
function uuidFrom(at: Date, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex');
  const hex = `${at.getTime().toString(16).padStart(12, '0')}7${hash.slice(0, 3)}8${hash.slice(3, 18)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface DataDescription {
  first: Date;
  last: Date;
  /** When the last scan's last result was evaluated: the end of the periods measured. */
  end: Date;
  auditEvents: number;
  lines: string[];
}

/** The data's span and how it is stored: rows and sizes per table, intervals by outcome. */
async function describeData(client: pg.Client, shape: Shape): Promise<DataDescription> {
  const [span] = (
    await client.query<{ first: Date; last: Date; end: Date }>(
      `SELECT min(started_at) AS first, max(started_at) AS last, max(finished_at) AS end FROM compliance_scans`,
    )
  ).rows;
  const { rows: tables } = await client.query<{
    name: string;
    rows: string;
    heap: string;
    toast: string;
    indexes: string;
    total: string;
  }>(
    `SELECT c.relname AS name, c.reltuples::bigint AS rows, pg_relation_size(c.oid) AS heap,
            coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast,
            pg_indexes_size(c.oid) AS indexes, pg_total_relation_size(c.oid) AS total
       FROM pg_class c
      WHERE c.relname IN ('compliance_results', 'compliance_outcome_intervals', 'compliance_evidence',
                          'compliance_scans', 'compliance_scan_subjects', 'compliance_waivers', 'audit_events')
      ORDER BY pg_total_relation_size(c.oid) DESC`,
  );
  const { rows: intervals } = await client.query<{ outcome: string; n: number; open: number }>(
    `SELECT outcome, count(*)::int AS n, count(*) FILTER (WHERE ended_at IS NULL)::int AS open
       FROM compliance_outcome_intervals GROUP BY outcome ORDER BY count(*) DESC`,
  );
  const [{ n: auditEvents }] = (
    await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events`)
  ).rows as [{ n: number }];
  const [{ size }] = (
    await client.query<{ size: string }>(`SELECT pg_database_size(current_database()) AS size`)
  ).rows as [{ size: string }];
  const results = shape.environments * shape.controls * shape.hours;
  const resultsTable = tables.find((table) => table.name === 'compliance_results');
  const intervalTotal = intervals.reduce((sum, row) => sum + row.n, 0);
  const pairs = shape.environments * shape.controls;
  return {
    first: span!.first,
    last: span!.last,
    end: span!.end,
    auditEvents,
    lines: [
      `  stored      ${formatBytes(Number(size))} in all; per table (rows as ANALYZE estimates them):`,
      `              ${'table'.padEnd(30)} ${'rows'.padStart(12)} ${'heap'.padStart(10)} ${'toast'.padStart(10)} ${'indexes'.padStart(10)} ${'total'.padStart(10)}  bytes/row`,
      ...tables.map(
        (table) =>
          `              ${table.name.padEnd(30)} ${Number(table.rows).toLocaleString('en-US').padStart(12)} ${formatBytes(Number(table.heap)).padStart(10)} ${formatBytes(Number(table.toast)).padStart(10)} ${formatBytes(Number(table.indexes)).padStart(10)} ${formatBytes(Number(table.total)).padStart(10)}  ${Number(table.rows) > 0 ? (Number(table.total) / Number(table.rows)).toFixed(0) : '-'}`,
      ),
      `              results: ${results.toLocaleString('en-US')} by construction (${shape.hours} scans × ${shape.environments} × ${shape.controls}); ` +
        `${resultsTable ? `${(Number(resultsTable.heap) / results).toFixed(0)} B of heap and ${(Number(resultsTable.indexes) / results).toFixed(0)} B of index per result` : ''}`,
      `  intervals   ${intervalTotal.toLocaleString('en-US')} (${(intervalTotal / pairs).toFixed(1)} per pair, ${(results / intervalTotal).toFixed(0)} results per interval): ` +
        intervals.map((row) => `${row.outcome} ${row.n.toLocaleString('en-US')}`).join(', '),
    ],
  };
}

/**
 * One way of verifying the chain alone: a warm-up run, then up to five more while they fit in 30 s;
 * when even the first takes longer, that one is the sample.
 */
async function timeVerification(verify: () => Promise<AuditChainVerificationModel>): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0, spent = 0; run < 6 && spent < 30_000; run++) {
    const started = performance.now();
    const result = await verify();
    if (!result.isIntact) throw new Error(`the audit chain is broken: ${JSON.stringify(result)}`);
    const ms = performance.now() - started;
    times.push(ms);
    spent += ms;
  }
  return times.length > 1 ? times.slice(1) : times;
}

/**
 * Runs `work` while every report's verification (verifySinceCheckpoint) is answered by `verify`
 * instead: at once, to see what the rest of a report costs, or by a full rehash, as without a checkpoint.
 */
async function verifyingWith<T>(
  audit: AuditLogService,
  verify: () => Promise<AuditChainVerificationModel>,
  work: () => Promise<T>,
): Promise<T> {
  const real = audit.verifySinceCheckpoint.bind(audit);
  audit.verifySinceCheckpoint = verify;
  try {
    return await work();
  } finally {
    audit.verifySinceCheckpoint = real;
  }
}

/** A GET through the API, timed to the last byte of the body. */
async function timedGet(url: string, token: string): Promise<{ ms: number; bytes: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200)
    throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 500)}`);
  return { ms, bytes: Buffer.byteLength(body), body };
}

async function sequential(
  get: (path: string) => Promise<{ ms: number; bytes: number }>,
  paths: string[],
): Promise<Timings> {
  const timings: Timings = { ms: [], bytes: [] };
  for (const path of paths) {
    const { ms, bytes } = await get(path);
    timings.ms.push(ms);
    timings.bytes.push(bytes);
  }
  return timings;
}

/**
 * The statements one report sends (as TypeORM logs them), each replayed alone on a connection of
 * its own, five times (median); then EXPLAIN (ANALYZE, BUFFERS) of the one on the outcome intervals.
 */
async function printStatements(
  opsplane: Opsplane,
  client: pg.Client,
  label: string,
  url: string,
  token: string,
): Promise<void> {
  const captured = await captureQueries(opsplane.dataSource, () =>
    fetch(url, { headers: { authorization: `Bearer ${token}` } }),
  );
  const selects = captured.filter((query) => /^\s*(SELECT|WITH)\b/i.test(query.sql));
  const groups = new Map<
    string,
    { sql: string; params: unknown[]; count: number; ms: number; rows: number }
  >();
  for (const query of selects) {
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      rows = (await client.query(query.sql, query.params)).rowCount ?? 0;
      times.push(performance.now() - started);
    }
    const key = query.sql.replace(/\s+/g, ' ').trim();
    const group = groups.get(key) ?? { sql: query.sql, params: query.params, count: 0, ms: 0, rows: 0 };
    group.count++;
    group.ms += median(times);
    group.rows += rows;
    groups.set(key, group);
  }
  const total = [...groups.values()].reduce((sum, group) => sum + group.ms, 0);
  const lines = [
    `Statements of one report (${label}), each replayed alone with its parameters (median of 5), total ${total.toFixed(1)} ms:`,
    ...[...groups.entries()].map(
      ([key, group]) =>
        `  ${group.ms.toFixed(1).padStart(8)} ms ${String(group.rows).padStart(7)} rows  ${group.count > 1 ? `×${group.count} ` : ''}${key.slice(0, 120)}${key.length > 120 ? '…' : ''}`,
    ),
  ];
  const history = [...groups.values()].find((group) => /compliance_outcome_intervals/.test(group.sql));
  if (history) {
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${history.sql}`,
      history.params,
    );
    lines.push('  EXPLAIN (ANALYZE, BUFFERS) of the statement on compliance_outcome_intervals, warm:');
    lines.push(...plan.rows.map((row) => `    ${clip(row['QUERY PLAN'], 200)}`));
  }
  print([...lines, '']);
}

/**
 * Posture read from the intervals against compliance_results alone, pair by pair: the outcome served
 * is the latest result's at or before the instant (one index probe per pair), and the result served
 * is one of that pair's, evaluated by then, with that outcome, no earlier than the stretch it shows.
 */
async function checkPosture(
  client: pg.Client,
  opsplane: Opsplane,
  token: string,
  instants: Date[],
  shape: Shape,
): Promise<void> {
  const lines = ['Check: posture from the intervals against compliance_results alone'];
  for (const at of instants) {
    const { body } = await timedGet(`${opsplane.url}/v1/compliance/reports/posture?asOf=${iso(at)}`, token);
    const report = JSON.parse(body) as {
      controls: {
        control: { id: string };
        subjects: {
          subject: { id: string };
          resultId: string;
          outcome: string;
          since: string;
          evaluatedAt: string;
          controlVersion: number;
          evidenceSha256: string;
        }[];
      }[];
    };
    const served = report.controls.flatMap(({ control, subjects }) =>
      subjects.map((entry) => ({ ...entry, controlId: control.id })),
    );
    const started = performance.now();
    const { rows } = await client.query<{ pairs: number; outcomes: number; results: number }>(
      `WITH served AS (
         SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[],
                              $7::timestamptz[], $8::int[], $9::text[])
                  AS s(subject_id, control_id, result_id, outcome, since, evaluated_at, control_version, evidence_sha256)
       )
       SELECT (SELECT count(*) FROM environments e CROSS JOIN compliance_controls c
                WHERE c.subject_type = 'environment' AND c.mode <> 'disabled')::int AS pairs,
              count(*) FILTER (WHERE latest.outcome IS DISTINCT FROM s.outcome)::int AS outcomes,
              count(*) FILTER (WHERE r.id IS NULL OR r.subject_id <> s.subject_id OR r.control_id <> s.control_id
                                  OR r.outcome <> s.outcome OR r.evaluated_at > $1 OR r.evaluated_at < s.since
                                  OR r.evaluated_at <> s.evaluated_at OR r.control_version <> s.control_version
                                  OR r.evidence_sha256 <> s.evidence_sha256)::int AS results
         FROM served s
         LEFT JOIN compliance_results r ON r.id = s.result_id
         LEFT JOIN LATERAL (SELECT l.outcome FROM compliance_results l
                             WHERE l.subject_id = s.subject_id AND l.control_id = s.control_id AND l.evaluated_at <= $1
                             ORDER BY l.evaluated_at DESC LIMIT 1) latest ON true`,
      [
        at,
        served.map((entry) => entry.subject.id),
        served.map((entry) => entry.controlId),
        served.map((entry) => entry.resultId),
        served.map((entry) => entry.outcome),
        served.map((entry) => entry.since),
        served.map((entry) => entry.evaluatedAt),
        served.map((entry) => entry.controlVersion),
        served.map((entry) => entry.evidenceSha256),
      ],
    );
    const ms = performance.now() - started;
    const { pairs, outcomes, results } = rows[0]!;
    const fine = served.length === pairs && outcomes === 0 && results === 0;
    lines.push(
      `  asOf ${iso(at)}: ${served.length} entries served of ${pairs} pairs (${shape.environments} × ${shape.controls}); ` +
        `${fine ? 'every outcome is the latest result’s, every result the pair’s, of that outcome, evaluated by then, shown as stored' : `${outcomes} outcomes and ${results} results DIFFER`} ` +
        `(checked in ${ms.toFixed(0)} ms)`,
    );
  }
  print([...lines, '']);
}

/** What a report holds: posture entries, or a period's failing intervals (listed of counted) and their bytes. */
function contentOf(body: string): string {
  const report = JSON.parse(body) as {
    controls: { subjects?: unknown[]; failingIntervals?: unknown[]; failingIntervalCount?: number }[];
  };
  const count = (key: 'subjects' | 'failingIntervals') =>
    report.controls.reduce((sum, control) => sum + (control[key]?.length ?? 0), 0);
  if (report.controls.some((control) => control.subjects)) return `${count('subjects')} entries`;
  const failing = Buffer.byteLength(
    JSON.stringify(report.controls.map((control) => control.failingIntervals)),
  );
  const all = report.controls.reduce((sum, control) => sum + (control.failingIntervalCount ?? 0), 0);
  return (
    `${count('failingIntervals').toLocaleString('en-US')} of ${all.toLocaleString('en-US')} failing ` +
    `intervals listed (${formatBytes(failing)})`
  );
}

function formatStats(ms: number[]): string {
  return `${percentile(ms, 0.5).toFixed(1)} / ${percentile(ms, 0.95).toFixed(1)} / ${Math.max(...ms).toFixed(1)} ms`;
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function iso(date: Date): string {
  return date.toISOString();
}

/** mulberry32: small, fast and reproducible, so every run asks for the same instants. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
