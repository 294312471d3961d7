import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Profiler, Session } from 'node:inspector/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ApiKeysService,
  createRootLogger,
  JobQueue,
  LogConfig,
  loadConfig,
  newId,
  systemActor,
} from '@opsplane/core';
import { FindingReports } from '@opsplane/findings';
import { ScansService } from '@opsplane/compliance';
import pg from 'pg';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../../apps/api/api-app';
import { STARTER_CONTROLS } from '../../../libs/compliance/src/controls/starter-library';
import { SubjectInputs } from '../../../libs/compliance/src/scans/subject-inputs';
import { BenchContext, machineLine, print } from '../context';
import { NEVER, startWorkerProcess } from '../core-app';
import { BENCH_DATA_DIR, scratchDatabase } from '../database';
import { serverVersion } from '../opsplane';

const CONTROLS = 30;
/** Measured scans per case; one only when a scan takes longer than SLOW_MS (e.g. a queue that paces jobs). */
const RUNS = 3;
const SLOW_MS = 60_000;
const SCAN_JOB = 'compliance.scan_subject';
/** How often the scan's progress is read while it runs (GET /v1/compliance/scans/{id}). */
const POLL_MS = 50;
/** A scan that has not finished by then is reported as stuck rather than waited for. */
const GIVE_UP_MS = 15 * 60_000;

/**
 * Issue 12's scan: `--scan-environments` production environments (1,000 by default) × 30
 * environment controls, every result and its evidence stored. A benchmark: it prints, asserts
 * nothing.
 *
 * On a database of its own (dropped afterwards): the environments are seeded in SQL with facts in
 * the starter library's vocabulary (backups, encryption, MFA, access reviews, logging, …; most
 * recorded, some missing or stale, a quarter unprotected so the `protected` controls are not
 * applicable there), most with an approval rule and half with a promotion policy; the 30 controls
 * are the first 30 of the starter library's 33 environment controls, created through
 * POST /v1/compliance/controls (COMPLIANCE_STARTER_LIBRARY=false, so nothing else is evaluated).
 * No deployments, incidents or endpoint results: those inputs are read but empty.
 *
 * Each scan is a POST /v1/compliance/scans with an admin key (all subjects, all controls). After it:
 * the result rows stored for the scan (must be subjects × 30), the evidence rows they point at, and
 * how many subject jobs ran at once on average (their summed run times over the wall time).
 *
 *   C  the subject work alone, first, on the API app without jobs (JOBS_ENABLED=false): the scan's
 *      subject jobs are left queued and this process runs them itself, ScansService.scanSubject
 *      as many at a time as the job type's concurrency (4), then twice that, from the POST until
 *      the last one commits; the jobs are deleted after. What A would take if the queue handed each worker its
 *      next job at once. Its first scan is unmeasured: it opens the failing controls' findings,
 *      which later scans refresh (the steady state of hourly scans).
 *   A  `npm start` alone: the API app again, with jobs enabled in this process as `npm start`
 *      runs it, every setting at its default but COMPLIANCE_SCAN_CRON (never, so no scheduled scan
 *      joins in); wall time from the POST to the GET /v1/compliance/scans/{id} (read every 50 ms)
 *      that says completed, beside the scan's own durationMs (startedAt → finishedAt).
 *   B  the same plus one worker process (test/support/worker-process.ts: apps/worker's modules, as
 *      `npm run start:worker` runs them) sharing the subject jobs.
 * Each POST is split into ScansService.start's parts (platform inputs, enqueueing). Two more scans
 * of C look inside the work: one with every SQL statement timed, by its text (then the three
 * costliest explained, EXPLAIN ANALYZE on their last parameters, rolled back); one under V8's
 * sampling profiler, this process's CPU summed by package or file. A scan over a minute is run
 * once per case, not three times.
 */
export async function complianceScanSuite(context: BenchContext): Promise<void> {
  const { options, server } = context;
  const database = await scratchDatabase(server.url);
  try {
    let directMs = NaN;
    const direct = await startApi(database.url, options.logLevel, false);
    try {
      const seedStarted = performance.now();
      const environments = await seedEnvironments(direct.dataSource, options.scanEnvironments);
      const controls = await createControls(direct.url, await direct.token());
      const seeded = (performance.now() - seedStarted) / 1000;
      print([
        '',
        `Opsplane benchmark: a compliance scan of ${environments.toLocaleString('en-US')} environments × ${controls} controls, every result and its evidence stored (issue 12; a benchmark, not a test: nothing is asserted)`,
        machineLine(await serverVersion(direct.dataSource, server.embedded)),
        `  server      ${await serverSettings(direct.dataSource)}`,
        `  data        ${environments.toLocaleString('en-US')} production environments (SQL) and ${controls} starter environment controls (POST /v1/compliance/controls), made in ${seeded.toFixed(1)} s; LOG_LEVEL=${options.logLevel}`,
        '',
      ]);
      directMs = await directCase(direct);
    } finally {
      await direct.app.close();
    }
    const api = await startApi(database.url, options.logLevel, true);
    try {
      await queueCases(api, database.url, options.logLevel, directMs);
    } finally {
      await api.app.close();
    }
  } finally {
    // Not in the way of the error that brought us here (an app that failed to start holds connections).
    await database.drop().catch((error: unknown) => {
      process.stderr.write(`compliance-scan: could not drop its database: ${String(error)}\n`);
    });
  }
}

/** Case C: the subject jobs run by this process directly, 4 then 8 at a time, then a profiled scan. */
async function directCase(api: Api): Promise<number> {
  const admin = await api.token();
  const concurrency = api.app.get(JobQueue).jobType(SCAN_JOB).concurrency;
  print([
    `  C  the subject work alone: this process runs the scan's ${SCAN_JOB} jobs itself (JOBS_ENABLED=false), timed from the POST to the last commit`,
  ]);
  const first = await directScan(api, admin, concurrency);
  print([
    `      first scan, ${concurrency} at a time (unmeasured: opens the findings later scans refresh)`,
    `          ${first.line}`,
  ]);
  const runs = await repeat(`${concurrency} at a time`, () => directScan(api, admin, concurrency));
  const wider = await directScan(api, admin, concurrency * 2);
  print([`      ${concurrency * 2} at a time  ${wider.line}`, '']);
  await profiledScan(api, admin, concurrency);
  await cpuProfiledScan(api, admin, concurrency);
  return median(runs.map((run) => run.wallMs));
}

/** Cases A and B: the scan through the queue, in this process alone and then with a worker process. */
async function queueCases(
  api: Api,
  databaseUrl: string,
  logLevel: LogConfig['level'],
  directMs: number,
): Promise<void> {
  const admin = await api.token();
  const job = api.app.get(JobQueue).jobType(SCAN_JOB);
  print([
    `  A  \`npm start\` alone: jobs in this process (JOBS_POLL_INTERVAL_MS=${api.pollIntervalMs}; ${SCAN_JOB}: concurrency ${job.concurrency}, batch ${job.batchSize}); wall: POST → GET …/scans/{id} says completed (read every ${POLL_MS} ms); scan: its durationMs`,
  ]);
  const a = await repeat('', () => queuedScan(api, admin));
  const worker = await startWorkerProcess(databaseUrl, {
    COMPLIANCE_SCAN_CRON: NEVER,
    COMPLIANCE_STARTER_LIBRARY: 'false',
    LOG_LEVEL: logLevel,
  });
  let b: ScanRun[];
  try {
    print([`  B  plus one worker process (pid ${worker.pid}), the same ${SCAN_JOB} settings`]);
    // A fast scan warms the worker's JIT first; a slow one would hardly be faster warm.
    if (median(a.map((run) => run.wallMs)) < SLOW_MS)
      print([`      warm-up ${(await queuedScan(api, admin)).line}`]);
    b = await repeat('', () => queuedScan(api, admin));
  } finally {
    await worker.stop();
  }
  const aMs = median(a.map((run) => run.wallMs));
  const ratio = aMs / median(b.map((run) => run.wallMs));
  print([
    `  speed-up    B over A (median wall): ×${ratio.toFixed(2)}, ${
      ratio >= 1 ? `${((1 - 1 / ratio) * 100).toFixed(0)}% less time` : 'slower'
    } with one more worker process`,
    `  queue       A over C at the same concurrency (the work alone): ×${(aMs / directMs).toFixed(2)} (${seconds(aMs)} vs ${seconds(directMs)})`,
    '',
  ]);
}

/** RUNS scans (one when the first is slow), each printed, then their medians. */
async function repeat(label: string, once: () => Promise<ScanRun>): Promise<ScanRun[]> {
  const runs: ScanRun[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const run = await once();
    runs.push(run);
    print([`      ${label ? `${label}, ` : ''}run ${i + 1}  ${run.line}`]);
    if (run.wallMs > SLOW_MS) {
      print([`      (one run only: a scan takes over ${SLOW_MS / 1000} s)`]);
      break;
    }
  }
  if (runs.length > 1) print([`      median ${summary(runs)}`]);
  return runs;
}

/** The PostgreSQL settings a scan's speed depends on most (autovacuum off: no statistics on new rows). */
async function serverSettings(dataSource: DataSource): Promise<string> {
  const rows = await dataSource.query<{ name: string; setting: string }[]>(
    `SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name`,
    [['autovacuum', 'shared_buffers', 'synchronous_commit', 'fsync', 'jit', 'max_connections']],
  );
  return rows.map((row) => `${row.name} ${row.setting}`).join(', ');
}

interface Api {
  app: NestFastifyApplication;
  url: string;
  dataSource: DataSource;
  pollIntervalMs: number;
  token(): Promise<string>;
}

/**
 * The real API application on 127.0.0.1, with its jobs as `npm start` runs it, or without (as the
 * API replicas of a large install run).
 */
async function startApi(databaseUrl: string, logLevel: LogConfig['level'], jobs: boolean): Promise<Api> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    JOBS_ENABLED: String(jobs),
    COMPLIANCE_STARTER_LIBRARY: 'false',
    COMPLIANCE_SCAN_CRON: NEVER,
    LOG_LEVEL: logLevel,
    // Minted per run so the first start does not print an admin key.
    OPSPLANE_BOOTSTRAP_TOKEN: `opk_${randomBytes(32).toString('base64url')}`,
  });
  const logFile = join(BENCH_DATA_DIR, 'opsplane-compliance-scan.log');
  const destination = pino.destination({ dest: logFile, sync: false, mkdir: true, append: false });
  const app = await createApiApp(config, createRootLogger(config.log, destination));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: await app.getUrl(),
    dataSource: app.get(DataSource),
    pollIntervalMs: config.jobs.pollIntervalMs,
    token: async () =>
      (
        await app
          .get(ApiKeysService)
          .create(systemActor('bench', 'bench'), { name: 'bench admin', role: 'admin' })
      ).token,
  };
}

/** A fixed-seed generator, so every run scans the same data. */
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

const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-1'];
const TEAMS = ['payments', 'checkout', 'identity', 'search', 'platform', 'data'];
const DAY_MS = 86_400_000;

/**
 * `count` production environments, their facts in the starter library's vocabulary: each fact
 * recorded and good on most, missing or stale on some (so every control both passes and fails
 * somewhere). Three in four are protected; most have an approval rule, half a promotion policy.
 */
async function seedEnvironments(dataSource: DataSource, count: number): Promise<number> {
  const random = seededRandom(12);
  const chance = (p: number) => random() < p;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
  const now = new Date().toISOString();
  const rows = Array.from({ length: count }, (_, i) => {
    const team = pick(TEAMS);
    const region = pick(REGIONS);
    const slug = `${team}-production-${region}-${i}`;
    return {
      id: newId(),
      slug,
      name: `${team} production ${region} ${i}`,
      tier: 'production',
      rank: 3,
      is_protected: i % 4 !== 0,
      // Without endpoint scans, `endpoints-scanned` fails where URLs are recorded.
      endpoint_urls: i % 3 === 0 ? [`https://api.${slug}.example.com/health`] : [],
      facts: {
        cloud: { provider: 'aws', region, accountId: String(100_000_000_000 + i) },
        kubernetes: { cluster: `${team}-${region}`, version: pick(['1.29', '1.30', '1.31']) },
        backups: chance(0.95)
          ? {
              enabled: chance(0.95),
              retentionDays: pick([7, 30, 30, 35, 90]),
              ...(chance(0.85) && { lastRestoreTestAt: ago(Math.floor(random() * 120)) }),
            }
          : undefined,
        encryption: { atRest: chance(0.92), kmsKeyAlias: `alias/${team}-production` },
        auth: { mfaRequiredForAdmins: chance(0.9), sso: 'okta' },
        access: chance(0.9) ? { lastReviewedAt: ago(Math.floor(random() * 150)) } : undefined,
        monitoring: { alerting: chance(0.93), pager: 'pagerduty' },
        logging: { centralized: chance(0.9), retentionDays: pick([30, 90, 365, 400]) },
        vulnerabilityScanning: { enabled: chance(0.85), tool: 'trivy' },
        isolation: { separatedFromNonProduction: chance(0.95) },
        owners: [`team-${team}@example.com`],
        tags: { costCenter: `cc-${1000 + (i % 37)}`, dataClassification: pick(['internal', 'confidential']) },
      },
      approvals: chance(0.8) ? 1 + Math.floor(random() * 2) : null,
      promotion: chance(0.5),
    };
  });
  await dataSource.query(
    `INSERT INTO environments (id, slug, name, tier, rank, is_protected, endpoint_urls, facts, version, created_at, updated_at)
     SELECT id, slug, name, tier, rank, is_protected, endpoint_urls, facts, 1, $2, $2
       FROM jsonb_to_recordset($1::jsonb)
         AS e(id uuid, slug text, name text, tier text, rank int, is_protected boolean, endpoint_urls text[], facts jsonb)`,
    [JSON.stringify(rows), now],
  );
  await dataSource.query(
    `INSERT INTO environment_approval_rules (environment_id, required_approvals, approver_role, version, updated_at, updated_by)
     SELECT id, approvals, 'operator', 1, $2, 'bench' FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, approvals int)
      WHERE approvals IS NOT NULL`,
    [JSON.stringify(rows), now],
  );
  await dataSource.query(
    `INSERT INTO environment_promotion_policies (environment_id, enabled, from_ranks, minimum_successes, version, updated_at, updated_by)
     SELECT id, true, ARRAY[2], 1, 1, $2, 'bench' FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, promotion boolean)
      WHERE promotion`,
    [JSON.stringify(rows), now],
  );
  // The seeded tables only: the app's own start with the rest to autovacuum, as an install does.
  await dataSource.query('ANALYZE environments, environment_approval_rules, environment_promotion_policies');
  return count;
}

/** The first 30 of the starter library's environment controls, through the API as a user would add them. */
async function createControls(url: string, token: string): Promise<number> {
  const controls = STARTER_CONTROLS.filter((control) => control.subjectType === 'environment').slice(
    0,
    CONTROLS,
  );
  if (controls.length !== CONTROLS)
    throw new Error(`the starter library has ${controls.length} environment controls, not ${CONTROLS}`);
  for (const control of controls) {
    const response = await fetch(`${url}/v1/compliance/controls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(control),
    });
    if (response.status !== 201)
      throw new Error(
        `POST /v1/compliance/controls ${control.slug}: ${response.status} ${await response.text()}`,
      );
  }
  return controls.length;
}

interface ScanBody {
  id: string;
  status: string;
  subjectsTotal: number;
  subjectsDone: number;
  durationMs: number | null;
  counts: Record<string, number>;
}

interface ScanRun {
  wallMs: number;
  scanMs: number;
  results: number;
  line: string;
}

const headersOf = (token: string) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
});

/** Starts a scan of every subject with every control; answers its id and how long the POST took. */
async function startScan(api: Api, token: string): Promise<{ id: string; postMs: number }> {
  const started = performance.now();
  const response = await fetch(`${api.url}/v1/compliance/scans`, {
    method: 'POST',
    headers: headersOf(token),
    body: '{}',
  });
  if (response.status !== 201)
    throw new Error(`POST /v1/compliance/scans: ${response.status} ${await response.text()}`);
  return { id: ((await response.json()) as ScanBody).id, postMs: performance.now() - started };
}

async function readScan(api: Api, token: string, id: string): Promise<ScanBody> {
  const response = await fetch(`${api.url}/v1/compliance/scans/${id}`, { headers: headersOf(token) });
  if (response.status !== 200)
    throw new Error(`GET /v1/compliance/scans/${id}: ${response.status} ${await response.text()}`);
  return (await response.json()) as ScanBody;
}

/** Case A or B: one scan through the queue, timed from the POST to the GET that says completed. */
async function queuedScan(api: Api, token: string): Promise<ScanRun> {
  const cpu = cpuMark();
  const started = performance.now();
  const timings = postTimings(api);
  const { id, postMs } = await startScan(api, token).finally(() => timings.stop());
  let body: ScanBody;
  for (;;) {
    body = await readScan(api, token, id);
    if (body.status === 'completed') break;
    if (performance.now() - started > GIVE_UP_MS)
      throw new Error(
        `scan ${id}: ${body.subjectsDone}/${body.subjectsTotal} subjects after ${GIVE_UP_MS / 60_000} minutes`,
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const wallMs = performance.now() - started;
  const cpuUsed = cpuSince(cpu);
  const [jobs] = await api.dataSource.query<{ jobs: number; busy: number }[]>(
    `SELECT count(*)::int AS jobs,
            coalesce(sum(extract(epoch FROM completed_on - started_on)), 0)::float * 1000 AS busy
       FROM pgboss.job WHERE name = $1 AND data ->> 'scanId' = $2 AND state = 'completed'`,
    [SCAN_JOB, id],
  );
  return describe(api, body, { wallMs, cpu: cpuUsed, postMs, jobs: jobs!.jobs, busyMs: jobs!.busy }, timings);
}

interface SubjectJob {
  scanId: string;
  subjectType: 'environment' | 'service';
  subjectId: string;
}

/**
 * Case C: one scan whose subject jobs this process runs itself (the app takes no jobs), `concurrency`
 * at a time in the queue's order, timed from the POST to the last commit; the jobs are deleted after.
 */
async function directScan(api: Api, token: string, concurrency: number): Promise<ScanRun> {
  const scans = api.app.get(ScansService);
  const cpu = cpuMark();
  const started = performance.now();
  const timings = postTimings(api);
  const { id, postMs } = await startScan(api, token).finally(() => timings.stop());
  const jobs = await api.dataSource.query<{ data: SubjectJob }[]>(
    `SELECT data FROM pgboss.job WHERE name = $1 AND data ->> 'scanId' = $2 ORDER BY created_on, id`,
    [SCAN_JOB, id],
  );
  let next = 0;
  let busyMs = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = jobs[next++]; job; job = jobs[next++]) {
        const jobStarted = performance.now();
        await scans.scanSubject(job.data.scanId, job.data.subjectType, job.data.subjectId);
        busyMs += performance.now() - jobStarted;
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpuUsed = cpuSince(cpu);
  await api.dataSource.query(`DELETE FROM pgboss.job WHERE name = $1 AND data ->> 'scanId' = $2`, [
    SCAN_JOB,
    id,
  ]);
  const body = await readScan(api, token, id);
  if (body.status !== 'completed') throw new Error(`scan ${id} is ${body.status} after its last subject`);
  return describe(api, body, { wallMs, cpu: cpuUsed, postMs, jobs: jobs.length, busyMs }, timings);
}

/** What a finished scan stored, and its line of the report. */
async function describe(
  api: Api,
  body: ScanBody,
  timing: {
    wallMs: number;
    cpu: ReturnType<typeof cpuSince>;
    postMs: number;
    jobs: number;
    busyMs: number;
  },
  post: Timings,
): Promise<ScanRun> {
  const [stored] = await api.dataSource.query<{ results: number; evidence: number; bytes: number }[]>(
    `SELECT (SELECT count(*)::int FROM compliance_results WHERE scan_id = $1) AS results,
            count(*)::int AS evidence, coalesce(sum(pg_column_size(e.inputs)), 0)::float AS bytes
       FROM compliance_evidence e
      WHERE e.sha256 IN (SELECT evidence_sha256 FROM compliance_results WHERE scan_id = $1)`,
    [body.id],
  );
  const { wallMs, cpu, postMs, jobs, busyMs } = timing;
  const results = stored!.results;
  const expected = body.subjectsTotal * CONTROLS;
  const counts = body.counts;
  const line =
    `wall ${seconds(wallMs)}  scan ${seconds(body.durationMs ?? NaN)}  (POST ${Math.round(postMs)} ms: ${postPhases(post)})  ` +
    `${results.toLocaleString('en-US')} results${results === expected ? '' : ` (EXPECTED ${expected})`} → ` +
    `${Math.round(results / (wallMs / 1000)).toLocaleString('en-US')} results/s; ` +
    `${stored!.evidence.toLocaleString('en-US')} evidence rows (${(stored!.bytes / 1024 / 1024).toFixed(1)} MiB); ` +
    `passed ${counts.passed} failed ${counts.failed} n/a ${counts.notApplicable} error ${counts.error}; ` +
    `${jobs} jobs of ${(busyMs / jobs).toFixed(0)} ms, ${(busyMs / wallMs).toFixed(1)} at once on average; ` +
    `CPU: this process ${Math.round((cpu.processMs / wallMs) * 100)}% of a core` +
    (cpu.machineShare === null
      ? ''
      : `, the machine ${Math.round(cpu.machineShare * 100)}% of ${cpus().length} cores`);
  return { wallMs, scanMs: body.durationMs ?? NaN, results, line };
}

/** A scan's POST in parts: ScansService.start, of which platform inputs and enqueueing. */
function postPhases(post: Timings): string {
  const ms = (label: string) =>
    Math.round([...post.phases].find(([key]) => key.startsWith(label))?.[1].ms ?? NaN);
  return `start ${ms('ScansService.start')}, of which platform ${ms('SubjectInputs.platform')}, enqueue ${ms('JobQueue.enqueueMany')}`;
}

interface CpuMark {
  process: NodeJS.CpuUsage;
  /** All cores' busy and total ticks from /proc/stat (Linux), when readable. */
  machine: { busy: number; total: number } | null;
}

function cpuMark(): CpuMark {
  let machine: CpuMark['machine'] = null;
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.slice(0, 8).reduce((sum, tick) => sum + tick, 0);
    machine = { busy: total - idle, total };
  } catch {
    // Not Linux: the machine's share is left out.
  }
  return { process: process.cpuUsage(), machine };
}

/** Since `start`: this process's CPU in ms, and the share of all cores busy (PostgreSQL's included). */
function cpuSince(start: CpuMark): { processMs: number; machineShare: number | null } {
  const used = process.cpuUsage(start.process);
  const end = cpuMark().machine;
  const machineShare =
    start.machine && end ? (end.busy - start.machine.busy) / (end.total - start.machine.total) : null;
  return { processMs: (used.user + used.system) / 1000, machineShare };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summary(runs: ScanRun[]): string {
  const wall = median(runs.map((run) => run.wallMs));
  const results = median(runs.map((run) => run.results));
  return (
    `wall ${seconds(wall)}  scan ${seconds(median(runs.map((run) => run.scanMs)))}  ` +
    `→ ${Math.round(results / (wall / 1000)).toLocaleString('en-US')} results/s`
  );
}

interface Timed {
  calls: number;
  ms: number;
  /** The statement's last call, for EXPLAIN. */
  sample?: { text: string; values: unknown[] };
}

/**
 * Times, until `stop()`, every SQL statement this process sends (by its text, from the call to its
 * answer: pg.Client.prototype.query wrapped) and the methods `phase` names (around their calls).
 * Statements sent together on one connection wait in pg for those ahead, and theirs includes it.
 */
class Timings {
  readonly statements = new Map<string, Timed>();
  readonly phases = new Map<string, Timed>();
  private readonly restore: (() => void)[] = [];

  constructor(statements = true) {
    if (!statements) return;
    const add = (key: string, ms: number, sample: Timed['sample']) => {
      Timings.add(this.statements, key, ms);
      this.statements.get(key)!.sample = sample;
    };
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = prototype.query;
    prototype.query = function timedQuery(this: unknown, ...args: unknown[]) {
      const config = args[0];
      const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text;
      if (!text || typeof (config as { submit?: unknown }).submit === 'function')
        return query.apply(this, args);
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 150);
      const given = (config as { values?: unknown[] }).values ?? args[1];
      const sample = { text, values: Array.isArray(given) ? given : [] };
      const started = performance.now();
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const callback = args[last] as (...rest: unknown[]) => void;
        args[last] = (...rest: unknown[]) => (
          add(key, performance.now() - started, sample),
          callback(...rest)
        );
        return query.apply(this, args);
      }
      return (query.apply(this, args) as Promise<unknown>).finally(() =>
        add(key, performance.now() - started, sample),
      );
    };
    this.restore.push(() => (prototype.query = query));
  }

  private static add(into: Map<string, Timed>, key: string, ms: number): void {
    const entry = into.get(key) ?? { calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += ms;
    into.set(key, entry);
  }

  phase<T extends object>(instance: T, method: keyof T & string, label: string): this {
    const target = instance as Record<string, unknown>;
    const original = target[method] as (...args: unknown[]) => Promise<unknown>;
    target[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original.apply(instance, args);
      } finally {
        Timings.add(this.phases, label, performance.now() - started);
      }
    };
    this.restore.push(() => (target[method] = original));
    return this;
  }

  stop(): void {
    for (const undo of this.restore.reverse()) undo();
    this.restore.length = 0;
  }

  /** The phases, then the `top` statements by total time, per `per` (subjects, or 1 for totals). */
  lines(per: number, perLabel: string, top: number): string[] {
    const count = [...this.statements.values()].reduce((sum, entry) => sum + entry.calls, 0);
    const total = [...this.statements.values()].reduce((sum, entry) => sum + entry.ms, 0);
    return [
      ...[...this.phases].map(
        ([label, entry]) =>
          `        ${(entry.ms / per).toFixed(1).padStart(7)} ms  ${(entry.calls / per).toFixed(1).padStart(4)} calls  ${label}`,
      ),
      `      statements by total time (${count.toLocaleString('en-US')} statements, ${(total / per).toFixed(1)} ms ${perLabel} summed; statements sent together on one connection wait in pg for those ahead):`,
      `          total s   calls ${perLabel.padStart(11)}   mean ms   SQL (first 150 characters)`,
      ...[...this.statements]
        .sort((x, y) => y[1].ms - x[1].ms)
        .slice(0, top)
        .map(
          ([sql, entry]) =>
            `        ${(entry.ms / 1000).toFixed(2).padStart(8)}   ${(entry.calls / per).toFixed(2).padStart(17)}   ${(entry.ms / entry.calls).toFixed(2).padStart(7)}   ${sql}`,
        ),
    ];
  }
}

const WHOLE_JOB = 'the whole job (ScansService.scanSubject)';

/**
 * One more scan of case C with every statement timed, and the subject job's phases
 * (ScansService.scanSubject, SubjectInputs.environment, FindingReports.report).
 */
async function profiledScan(api: Api, token: string, concurrency: number): Promise<void> {
  const timings = new Timings()
    .phase(api.app.get(ScansService), 'scanSubject', WHOLE_JOB)
    .phase(
      api.app.get(SubjectInputs),
      'environment',
      'SubjectInputs.environment (inputs: findings, deployments, policies, incidents)',
    )
    .phase(api.app.get(FindingReports), 'report', 'FindingReports.report (open/refresh/resolve findings)');
  let run: ScanRun;
  try {
    run = await directScan(api, token, concurrency);
  } finally {
    timings.stop();
  }
  const subjects = timings.phases.get(WHOLE_JOB)?.calls ?? 1;
  print([
    `      profiled, ${concurrency} at a time, every statement of this process timed: ${run.line}`,
    `      phases of a subject job (mean ms per subject; ${concurrency} run at once, so each includes waits for the others):`,
    ...timings.lines(subjects, 'per subject', 25),
    '',
    ...(await explainCostliest(api.dataSource, timings, 3)),
  ]);
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the `count` statements (reads and writes, not transaction
 * control) that took the most time in all, on their last call's parameters, in a transaction
 * rolled back after; with the dead rows of the tables they name.
 */
async function explainCostliest(dataSource: DataSource, timings: Timings, count: number): Promise<string[]> {
  const costliest = [...timings.statements.values()]
    .filter((entry) => entry.sample && /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(entry.sample.text))
    .sort((x, y) => y.ms - x.ms)
    .slice(0, count);
  const lines: string[] = [];
  const runner = dataSource.createQueryRunner();
  try {
    for (const { sample, calls, ms } of costliest) {
      await runner.startTransaction();
      try {
        const plan = (await runner.query(`EXPLAIN (ANALYZE, BUFFERS) ${sample!.text}`, sample!.values)) as {
          'QUERY PLAN': string;
        }[];
        lines.push(
          `      plan of ${sample!.text.replace(/\s+/g, ' ').trim().slice(0, 90)}… (${calls} calls, ${(ms / calls).toFixed(2)} ms each), last call again, rolled back:`,
          ...plan.map((row) => `          ${row['QUERY PLAN']}`),
        );
      } finally {
        await runner.rollbackTransaction();
      }
    }
    const tables = [
      ...new Set(
        costliest.flatMap(
          (entry) => /(?:FROM|INTO|UPDATE)\s+"?(\w+)"?/gi.exec(entry.sample!.text)?.[1] ?? [],
        ),
      ),
    ];
    const stats = (await runner.query(
      `SELECT relname, n_live_tup::int AS live, n_dead_tup::int AS dead, n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot,
              greatest(last_analyze, last_autoanalyze)::text AS analyzed
         FROM pg_stat_user_tables WHERE relname = ANY($1) ORDER BY relname`,
      [tables],
    )) as {
      relname: string;
      live: number;
      dead: number;
      updates: number;
      hot: number;
      analyzed: string | null;
    }[];
    for (const row of stats)
      lines.push(
        `      ${row.relname} (statistics' estimates): ${row.live.toLocaleString('en-US')} live rows, ${row.dead.toLocaleString('en-US')} dead; ${row.updates.toLocaleString('en-US')} updates, ${row.hot.toLocaleString('en-US')} of them HOT; analyzed ${row.analyzed ?? 'never'}`,
      );
  } finally {
    await runner.release();
  }
  return [...lines, ''];
}

/**
 * One more scan of case C under V8's sampling profiler (this process: the subject jobs' JavaScript),
 * its self time summed by where the code lives: a package of node_modules, a file of ours, or V8's
 * own (GC, compiling). What the process's share of the CPU goes to.
 */
async function cpuProfiledScan(api: Api, token: string, concurrency: number): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  let run: ScanRun;
  let profile: Profiler.Profile;
  try {
    run = await directScan(api, token, concurrency);
  } finally {
    ({ profile } = await session.post('Profiler.stop'));
    session.disconnect();
  }
  const selfTicks = new Map<number, number>();
  for (const sample of profile.samples ?? []) selfTicks.set(sample, (selfTicks.get(sample) ?? 0) + 1);
  const byPlace = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const ticks = selfTicks.get(node.id) ?? 0;
    if (ticks === 0 || node.callFrame.functionName === '(idle)') continue;
    busy += ticks;
    const place = placeOf(node.callFrame.url, node.callFrame.functionName);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ticks);
  }
  const total = (profile.samples ?? []).length;
  print([
    `      CPU-profiled, ${concurrency} at a time: ${run.line}`,
    `      this process's JavaScript by where it lives (self time; busy in ${((busy / Math.max(total, 1)) * 100).toFixed(0)}% of the samples):`,
    ...[...byPlace]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 18)
      .map(([place, ticks]) => `        ${((ticks / busy) * 100).toFixed(1).padStart(5)}%  ${place}`),
    '',
  ]);
}

const REPOSITORY = `${join(__dirname, '..', '..', '..')}/`;

/** A package of node_modules, a file of the repository, node's own code, or a V8 pseudo-frame. */
function placeOf(url: string, functionName: string): string {
  // V8's pseudo-frames, e.g. (garbage collector), and built-ins (JSON.stringify, RegExp, …) by name.
  if (!url) return functionName.startsWith('(') ? functionName : `built-in ${functionName || '(anonymous)'}`;
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return `node_modules/${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith(REPOSITORY) ? path.slice(REPOSITORY.length) : path;
}

/** The phases of a scan's POST timed (what starting a scan costs). */
function postTimings(api: Api): Timings {
  return new Timings(false)
    .phase(api.app.get(ScansService), 'start', 'ScansService.start (the whole POST but HTTP)')
    .phase(
      api.app.get(SubjectInputs),
      'platform',
      'SubjectInputs.platform (audit chain verified, admin keys)',
    )
    .phase(
      api.app.get(JobQueue),
      'enqueueMany',
      'JobQueue.enqueueMany (every subject job validated, inserted)',
    );
}
