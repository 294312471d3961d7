import { randomBytes } from 'node:crypto';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ApiKeysService,
  createRootLogger,
  jsonSchemaOf,
  JobQueue,
  LogConfig,
  loadConfig,
  Role,
  systemActor,
} from '@opsplane/core';
import { FindingModel, FindingReports } from '@opsplane/findings';
import { VulnerabilityScansService } from '@opsplane/security';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../../apps/api/api-app';
import { BareServer, checkSameBodies, startBareServer } from '../bare-server';
import { bareTypes, BenchContext, loadLine, machineLine, print, request, selected } from '../context';
import { NEVER } from '../core-app';
import { BENCH_DATA_DIR, keptDatabase, queryDatabase, scratchDatabase } from '../database';
import { measure, median, Summary, Target, versusBare } from '../measure';
import { captureQueries, serverVersion, startOpsplane, theQueryOn } from '../opsplane';
import {
  JUICE_SHOP_EVERY,
  juiceShopSbom,
  sbomVariant,
  vulnerabilityTemplates,
  writeOsvZipInChild,
} from '../security-data';

export const SECURITY_PARTS = ['import', 'match', 'rescan', 'list'] as const;
export type SecurityPart = (typeof SECURITY_PARTS)[number];

export interface SecurityOptions {
  /** Which parts run (all by default). */
  parts: SecurityPart[];
  /** OSV records imported (the issue's 50,000). */
  advisories: number;
  /** Scans of the juice-shop SBOM timed in the match part. */
  matchRuns: number;
  /** Deployed releases of the rescan part, 10 per service, and the advisories that arrive then. */
  releases: number;
  newAdvisories: number;
  /** Vulnerability findings seeded for the list part (kept in opsplane_bench_security_findings). */
  findings: number;
}

const SBOM_TYPE = 'application/vnd.cyclonedx+json';
/** Releases per service in the rescan part; each of a service's releases runs in its own environment. */
const RELEASES_PER_SERVICE = 10;
/** How often the rescan part reads how many releases are scanned, and the RSS sampler's period. */
const POLL_MS = 100;
const RSS_SAMPLE_MS = 100;
/** A wait that has not ended by then is reported rather than waited for. */
const GIVE_UP_MS = 10 * 60_000;
/** Requests the seeding of the rescan part keeps in flight (uploads, deployments). */
const SEEDING_CONCURRENCY = 4;
const LIST_DATABASE = 'opsplane_bench_security_findings';
const LIST_LIMIT = 50;
/** Releases the list part's findings are spread over; each request asks for the next one's. */
const LIST_SUBJECTS = 1_000;
const listPath = (releaseId: string) =>
  `/v1/findings?subjectType=release&subjectId=${releaseId}&kind=vulnerability&limit=${LIST_LIMIT}`;
const MiB = 2 ** 20;
/** The jobs an upload or an import queues: one scan per release, and the fan-out to deployed releases. */
const SCAN_JOBS = ['security.vulnerability_scan', 'security.rescan_deployed'];

/**
 * The security issue's targets, each number printed beside its target (a benchmark, not a test:
 * nothing is asserted). Parts (`--security-parts`, all by default):
 *
 *   import  `--security-advisories` OSV records (50,000; the eight real GHSA fixtures and records
 *           generated from their shapes, one in 25 naming a juice-shop 14.1.1 package), one JSON
 *           file each in a deflated zip, POSTed to /v1/advisories/import as application/zip with an
 *           admin key by a plain node:http client streaming the file. Target: ≤ 30 s, and the
 *           process's RSS (the server is in it; sampled every 100 ms) ≤ 400 MB. Then the same zip
 *           again: every record unchanged.
 *   match   the juice-shop 14.1.1 SBOM (1,115 components) attached to a release (PUT …/sbom), then
 *           VulnerabilityScansService.scanRelease in this process `--security-match-runs` times: the
 *           first opens the findings, the rest refresh them. Target: ≤ 1 s each.
 *   rescan  `--security-releases` releases (200, of 20 services), each with a variant of the
 *           juice-shop SBOM and deployed to a rank-0 environment (so in current_deployments), their
 *           upload scans done; then `--security-new-advisories` new records (1,000) naming their
 *           packages are imported (a zip), timed from the request until every release's SBOM was
 *           scanned after it (sboms.last_scanned_at, read every 100 ms). The app runs its jobs as
 *           `npm start` does (the scheduled scans never). Target: ≤ 60 s.
 *   list    GET /v1/findings?subjectType=release&subjectId=…&kind=vulnerability&limit=50 over
 *           `--security-findings` vulnerability findings (100,000, over 1,000 releases, evidence as
 *           scans write it) against a bare Fastify + pg handler on the SQL Opsplane sent, as the
 *           findings suite measures. Target: ≥ 85 % of the bare handler's throughput.
 *
 * Import, match and rescan share a database of their own (dropped afterwards), since an import
 * must start from an empty advisory database; import and match run on the API app without jobs
 * (nothing scans behind the timed calls), rescan on one with jobs. When match or rescan run
 * without import, the records are imported first, untimed. The list's data is kept in
 * opsplane_bench_security_findings (`--reseed` makes it again).
 */
export async function securitySuite(context: BenchContext, security: SecurityOptions): Promise<void> {
  const { options, server } = context;
  const wants = (part: SecurityPart) => security.parts.includes(part);
  print([
    '',
    `Opsplane benchmark: security (${security.parts.join(', ')}); a benchmark, not a test: nothing is asserted`,
  ]);
  if (wants('import') || wants('match') || wants('rescan')) {
    const database = await scratchDatabase(server.url);
    const zip = join(BENCH_DATA_DIR, `security-osv-${security.advisories}.zip`);
    try {
      const made = performance.now();
      const zipBytes = await writeOsvZipInChild(zip, { kind: 'advisories', count: security.advisories });
      let api = await startApi(database.url, options.logLevel, false);
      try {
        print([
          machineLine(await serverVersion(api.dataSource, server.embedded)),
          `  data        ${security.advisories.toLocaleString('en-US')} OSV records (8 real GHSA fixtures, the rest generated from their shapes; ${Math.ceil(security.advisories / JUICE_SHOP_EVERY).toLocaleString('en-US')} name juice-shop 14.1.1 packages): a zip of ${mib(zipBytes)}, written in ${seconds(performance.now() - made)} by a child process`,
          `  server      ${await serverSettings(api.dataSource)}; LOG_LEVEL=${options.logLevel}`,
          '',
        ]);
        const admin = await api.token('admin');
        if (wants('import')) await importPart(api, admin, zip, security);
        else await loadAdvisories(api, admin, zip, security.advisories);
        if (wants('match')) await matchPart(api, security);
        // What the app without jobs left queued (the import's rescan, the upload's scan) is not the rescan's.
        await api.dataSource.query(
          `DELETE FROM pgboss.job WHERE name = ANY($1) AND state IN ('created', 'retry')`,
          [SCAN_JOBS],
        );
      } finally {
        await api.app.close();
      }
      if (wants('rescan')) {
        api = await startApi(database.url, options.logLevel, true);
        try {
          await rescanPart(api, security);
        } finally {
          await api.app.close();
        }
      }
    } finally {
      rmSync(zip, { force: true });
      await database.drop().catch((error: unknown) => {
        process.stderr.write(`security: could not drop its database: ${String(error)}\n`);
      });
    }
  }
  if (wants('list')) await listPart(context, security);
}

// ─── import ────────────────────────────────────────────────────────────────────────────────────

interface ImportCounts {
  received: number;
  added: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  rejectedCount: number;
}

interface MemoryPeaks {
  beforeMib: number;
  /** Peaks over the samples: the resident set, the JS heap in use, and Buffers (ArrayBuffers) outside it. */
  rssMib: number;
  heapMib: number;
  buffersMib: number;
}

interface ImportRun {
  ms: number;
  memory: MemoryPeaks;
  counts: ImportCounts;
}

/** Part 1: the zip through the route, twice (the second time every record is unchanged). */
async function importPart(api: Api, admin: string, zip: string, security: SecurityOptions): Promise<void> {
  const count = security.advisories;
  print([
    `  import   POST /v1/advisories/import, content-type application/zip, ${mib(statSync(zip).size)} streamed from a file by node:http (admin key); RSS of this process (the server's) every ${RSS_SAMPLE_MS} ms`,
  ]);
  const first = await postImport(api, admin, zip);
  print([
    `      first import    ${importLine(first, count)}`,
    `                      target ≤ 30 s → ${verdict(first.ms <= 30_000)} (${seconds(first.ms)}); RSS ≤ 400 MB → ${verdict(first.memory.rssMib * MiB <= 400e6)} (peak ${Math.round((first.memory.rssMib * MiB) / 1e6)} MB = ${Math.round(first.memory.rssMib)} MiB, the whole process: the app as started, ${Math.round(first.memory.beforeMib)} MiB, and the import)`,
  ]);
  if (first.counts.added !== count)
    print([
      `      WARNING: ${first.counts.added} of ${count} added (rejected ${first.counts.rejectedCount})`,
    ]);
  const again = await postImport(api, admin, zip);
  print([`      again (unchanged) ${importLine(again, count)}`, '']);
}

/** The records for the parts after import, untimed. */
async function loadAdvisories(api: Api, admin: string, zip: string, count: number): Promise<void> {
  const run = await postImport(api, admin, zip);
  print([
    `  advisories ${count.toLocaleString('en-US')} imported through POST /v1/advisories/import (zip) in ${seconds(run.ms)}, untimed: match and rescan need them`,
    '',
  ]);
}

function importLine(run: ImportRun, count: number): string {
  const { received, added, updated, unchanged, withdrawn, rejectedCount } = run.counts;
  return `${seconds(run.ms)} (${Math.round(count / (run.ms / 1000)).toLocaleString('en-US')} records/s)  RSS ${Math.round(run.memory.beforeMib)} MiB before, peak ${Math.round(run.memory.rssMib)} MiB (+${Math.round(run.memory.rssMib - run.memory.beforeMib)}; peaks: JS heap used ${Math.round(run.memory.heapMib)} MiB, buffers ${Math.round(run.memory.buffersMib)} MiB)  received ${received} added ${added} updated ${updated} unchanged ${unchanged} withdrawn ${withdrawn} rejected ${rejectedCount}`;
}

/** Samples this process's memory every RSS_SAMPLE_MS while `work` runs: RSS, and of it the JS heap and buffers. */
async function withRss<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; memory: MemoryPeaks }> {
  const before = process.memoryUsage.rss();
  const memory: MemoryPeaks = { beforeMib: before / MiB, rssMib: 0, heapMib: 0, buffersMib: 0 };
  const sample = () => {
    const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
    memory.rssMib = Math.max(memory.rssMib, rss / MiB);
    memory.heapMib = Math.max(memory.heapMib, heapUsed / MiB);
    memory.buffersMib = Math.max(memory.buffersMib, arrayBuffers / MiB);
  };
  sample();
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  const started = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - started;
    sample();
    return { result, ms, memory };
  } finally {
    clearInterval(sampler);
  }
}

/** POSTs the zip, timed, with this process's RSS sampled. */
async function postImport(api: Api, token: string, zip: string): Promise<ImportRun> {
  const { result, ms, memory } = await withRss(() =>
    postFile(`${api.url}/v1/advisories/import`, zip, token, 'application/zip'),
  );
  return { ms, memory, counts: importCounts(result) };
}

function importCounts({ status, body }: { status: number; body: string }): ImportCounts {
  if (status !== 200) throw new Error(`POST /v1/advisories/import (zip): ${status} ${body.slice(0, 1000)}`);
  return JSON.parse(body) as ImportCounts;
}

/** A file as a request body, streamed, with its content length (a real client, not fetch's chunking). */
function postFile(
  url: string,
  path: string,
  token: string,
  contentType: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': contentType,
          'content-length': statSync(path).size,
        },
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    // A server that answers before reading the whole body (a 415, a 413) may reset the upload.
    request.on('error', (error) => (answered ? undefined : reject(error)));
    createReadStream(path).on('error', reject).pipe(request);
  });
}

// ─── match ─────────────────────────────────────────────────────────────────────────────────────

/** Part 2: the juice-shop SBOM on a release, scanned in this process several times. */
async function matchPart(api: Api, security: SecurityOptions): Promise<void> {
  const operator = await api.token('operator');
  const service = await createService(api, operator, 'juice-shop');
  const release = await createRelease(api, operator, service, '14.1.1');
  const uploaded = performance.now();
  const sbom = (await attachSbom(api, operator, release, juiceShopSbom().bytes)) as {
    componentCount: number;
  };
  const uploadMs = performance.now() - uploaded;
  const [named] = await api.dataSource.query<{ records: number; packages: number }[]>(
    `SELECT count(DISTINCT package.advisory_id)::int AS records, count(DISTINCT component.package_name)::int AS packages
       FROM (SELECT DISTINCT ecosystem, package_name FROM sbom_components WHERE release_id = $1 AND ecosystem IS NOT NULL) AS component
       JOIN advisory_packages AS package ON package.ecosystem = component.ecosystem AND package.name = component.package_name`,
    [release],
  );
  print([
    `  match    the juice-shop 14.1.1 SBOM (${sbom.componentCount} components; PUT …/sbom took ${Math.round(uploadMs)} ms) against the advisory database: ${named!.records.toLocaleString('en-US')} records name ${named!.packages} of its packages`,
    `           VulnerabilityScansService.scanRelease in this process (no jobs run), ${security.matchRuns} times; target ≤ 1 s each`,
  ]);
  const scans = api.app.get(VulnerabilityScansService);
  // The share of each scan spent reporting to the findings lib (open/refresh/resolve), by wrapping its one instance.
  const reports = api.app.get(FindingReports);
  const report = reports.report.bind(reports);
  let reportMs = 0;
  reports.report = async (...args) => {
    const started = performance.now();
    try {
      return await report(...args);
    } finally {
      reportMs += performance.now() - started;
    }
  };
  const runs: number[] = [];
  try {
    for (let run = 1; run <= security.matchRuns; run++) {
      reportMs = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const outcome = await scans.scanRelease(systemActor('osv', 'bench'), release, 'manual');
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      runs.push(ms);
      print([
        `      ${run === 1 ? 'first (opens)   ' : `refresh ${String(run - 1).padEnd(8)}`} ${Math.round(ms).toString().padStart(5)} ms  → ${verdict(ms <= 1000)}   (of which FindingReports.report ${Math.round(reportMs)} ms; this process's CPU ${Math.round((used.user + used.system) / 1000)} ms)  ${JSON.stringify(outcome)}`,
      ]);
    }
  } finally {
    reports.report = report;
  }
  if (runs.length > 1)
    print([
      `      median of the refreshes ${Math.round(median(runs.slice(1)))} ms → ${verdict(median(runs.slice(1)) <= 1000)}`,
    ]);
  print(['']);
}

// ─── rescan ────────────────────────────────────────────────────────────────────────────────────

/** Part 3: deployed releases scanned again after new advisories arrive, through the queue. */
async function rescanPart(api: Api, security: SecurityOptions): Promise<void> {
  const count = security.releases;
  const admin = await api.token('admin');
  const operator = await api.token('operator');
  const queue = api.app.get(JobQueue);
  const job = queue.jobType('security.vulnerability_scan');
  print([
    `  rescan   ${count} releases (${Math.ceil(count / RELEASES_PER_SERVICE)} services × ${Math.min(count, RELEASES_PER_SERVICE)} rank-0 environments), each a variant of the juice-shop SBOM, deployed; then ${security.newAdvisories.toLocaleString('en-US')} new records naming their packages`,
    `           jobs in this process as \`npm start\` runs them (JOBS_POLL_INTERVAL_MS=${api.pollIntervalMs}; security.vulnerability_scan: concurrency ${job.concurrency}, batch ${job.batchSize}); the scheduled scans never`,
  ]);
  const seeding = performance.now();
  const services: string[] = [];
  for (let s = 0; s < Math.ceil(count / RELEASES_PER_SERVICE); s++)
    services.push(await createService(api, operator, `bench-svc-${s}`));
  const environments: string[] = [];
  for (let e = 0; e < Math.min(count, RELEASES_PER_SERVICE); e++)
    environments.push(await createEnvironment(api, admin, `bench-env-${e}`));
  const releases: string[] = new Array<string>(count);
  let uploadMs = 0;
  await inParallel(count, SEEDING_CONCURRENCY, async (i) => {
    const release = await createRelease(
      api,
      operator,
      services[Math.floor(i / RELEASES_PER_SERVICE)]!,
      `14.1.1-bench.${i}`,
    );
    const started = performance.now();
    await attachSbom(api, operator, release, sbomVariant(i));
    uploadMs += performance.now() - started;
    await deploy(api, operator, release, environments[i % RELEASES_PER_SERVICE]!);
    releases[i] = release;
  });
  const seededMs = performance.now() - seeding;
  const [deployed] = await api.dataSource.query<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM current_deployments WHERE release_id = ANY($1)',
    [releases],
  );
  if (deployed!.n !== count)
    throw new Error(`${deployed!.n} of the ${count} releases are in current_deployments`);
  const scanned = () =>
    api.dataSource
      .query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM sboms WHERE release_id = ANY($1) AND last_scanned_at > $2',
        [releases, new Date(0)],
      )
      .then(([row]) => row!.n);
  const uploadScansDone = await waitFor(
    async () => (await scanned()) >= count && (await pendingScans(api)) === 0,
  );
  print([
    `      seeded in ${seconds(seededMs)} (REST, ${SEEDING_CONCURRENCY} at a time: services, environments, releases, PUT …/sbom ${Math.round(uploadMs / count)} ms each on average, deployments requested, running, succeeded); upload scans all done ${seconds(uploadScansDone.ms)} later${uploadScansDone.done ? '' : ' (NOT all: gave up)'}`,
  ]);

  const first = Math.ceil(security.advisories / JUICE_SHOP_EVERY) * JUICE_SHOP_EVERY;
  const zip = join(BENCH_DATA_DIR, `security-osv-new-${security.newAdvisories}.zip`);
  const zipBytes = await writeOsvZipInChild(zip, {
    kind: 'juice-shop',
    first,
    count: security.newAdvisories,
  });
  try {
    const since = new Date();
    const started = performance.now();
    const posted = await postFile(`${api.url}/v1/advisories/import`, zip, admin, 'application/zip');
    const counts = importCounts(posted);
    const importLine = `POST /v1/advisories/import (zip of ${mib(zipBytes)}) answered in ${Math.round(performance.now() - started)} ms: added ${counts.added} of ${counts.received}`;
    const marks: [string, number][] = [];
    const milestones = [1, Math.ceil(count / 2), count];
    const rescanned = () =>
      api.dataSource
        .query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM sboms WHERE release_id = ANY($1) AND last_scanned_at > $2',
          [releases, since],
        )
        .then(([row]) => row!.n);
    const done = await waitFor(async () => {
      const n = await rescanned();
      while (milestones.length > 0 && n >= milestones[0]!)
        marks.push([`${milestones.shift()!} rescanned`, performance.now() - started]);
      return n >= count;
    });
    const totalMs = performance.now() - started;
    const [fanOut] = await api.dataSource.query<{ queued: number | null; finished: number | null }[]>(
      `SELECT extract(epoch FROM min(started_on) - $1::timestamptz) * 1000 AS queued,
              extract(epoch FROM max(completed_on) - $1::timestamptz) * 1000 AS finished
         FROM pgboss.job WHERE name = 'security.rescan_deployed' AND created_on >= $1`,
      [since],
    );
    const [jobs] = await api.dataSource.query<
      { jobs: number; busy: number; first: number | null; last: number | null }[]
    >(
      `SELECT count(*)::int AS jobs,
              coalesce(sum(extract(epoch FROM completed_on - started_on)), 0)::float * 1000 AS busy,
              extract(epoch FROM min(started_on) - $1::timestamptz) * 1000 AS first,
              extract(epoch FROM max(completed_on) - $1::timestamptz) * 1000 AS last
         FROM pgboss.job WHERE name = 'security.vulnerability_scan' AND state = 'completed' AND created_on >= $1`,
      [since],
    );
    const [triggers] = await api.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM sboms WHERE release_id = ANY($1) AND last_scanned_at > $2 AND last_scan ->> 'trigger' = 'advisories_changed'`,
      [releases, since],
    );
    print([
      `      ${importLine}`,
      `      security.rescan_deployed started ${fanOut?.queued == null ? '?' : `${Math.round(fanOut.queued)} ms`} and finished ${fanOut?.finished == null ? '?' : `${Math.round(fanOut.finished)} ms`} after the request; ${marks.map(([what, ms]) => `${what} at ${seconds(ms)}`).join(', ')}`,
      `      ${jobs!.jobs} security.vulnerability_scan jobs of ${Math.round(jobs!.busy / Math.max(jobs!.jobs, 1))} ms on average (started → completed), from ${seconds(jobs!.first ?? NaN)} to ${seconds(jobs!.last ?? NaN)}: ${(jobs!.busy / Math.max((jobs!.last ?? 0) - (jobs!.first ?? 0), 1)).toFixed(2)} running at once on average (of concurrency ${job.concurrency})`,
      `      all ${count} rescanned ${done.done ? `in ${seconds(totalMs)}` : `NOT within ${GIVE_UP_MS / 60_000} minutes (${await rescanned()} were)`} (${triggers!.n} with trigger advisories_changed): ${(count / (totalMs / 1000)).toFixed(1)} releases/s`,
      `      target ≤ 60 s → ${verdict(done.done && totalMs <= 60_000)} (${seconds(totalMs)})`,
      '',
    ]);
  } finally {
    rmSync(zip, { force: true });
  }
}

/** Vulnerability scan jobs (and rescan fan-outs) not finished yet: queued, retrying or running. */
async function pendingScans(api: Api): Promise<number> {
  const [row] = await api.dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = ANY($1) AND state IN ('created', 'retry', 'active')`,
    [SCAN_JOBS],
  );
  return row!.n;
}

async function waitFor(done: () => Promise<boolean>): Promise<{ done: boolean; ms: number }> {
  const started = performance.now();
  for (;;) {
    if (await done()) return { done: true, ms: performance.now() - started };
    if (performance.now() - started > GIVE_UP_MS) return { done: false, ms: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `work(0 … count - 1)`, `concurrency` at a time. */
async function inParallel(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

// ─── REST helpers ──────────────────────────────────────────────────────────────────────────────

async function call(
  api: Api,
  token: string,
  method: string,
  path: string,
  body: unknown,
  expected: number,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected)
    throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 1000)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const runId = randomBytes(3).toString('hex');

async function createService(api: Api, token: string, slug: string): Promise<string> {
  const body = { slug: `${slug}-${runId}`, name: slug, ownerTeam: 'security-bench' };
  return (await call(api, token, 'POST', '/v1/services', body, 201)).id as string;
}

async function createEnvironment(api: Api, token: string, slug: string): Promise<string> {
  const body = { slug: `${slug}-${runId}`, name: slug, tier: 'testing', rank: 0 };
  return (await call(api, token, 'POST', '/v1/environments', body, 201)).id as string;
}

async function createRelease(api: Api, token: string, service: string, version: string): Promise<string> {
  return (await call(api, token, 'POST', '/v1/releases', { service, version }, 201)).id as string;
}

async function attachSbom(
  api: Api,
  token: string,
  release: string,
  document: Buffer,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${api.url}/v1/releases/${release}/sbom`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': SBOM_TYPE },
    body: document,
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`PUT /v1/releases/${release}/sbom: ${response.status} ${text.slice(0, 1000)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Requested, running, succeeded: the release is then the environment's current one for its service. */
async function deploy(api: Api, token: string, release: string, environment: string): Promise<void> {
  const deployment = (await call(api, token, 'POST', '/v1/deployments', { release, environment }, 201))
    .id as string;
  await call(api, token, 'POST', `/v1/deployments/${deployment}/status`, { status: 'running' }, 200);
  await call(api, token, 'POST', `/v1/deployments/${deployment}/status`, { status: 'succeeded' }, 200);
}

// ─── the app ───────────────────────────────────────────────────────────────────────────────────

interface Api {
  app: NestFastifyApplication;
  url: string;
  dataSource: DataSource;
  pollIntervalMs: number;
  token(role: Role): Promise<string>;
}

/**
 * The real API application on 127.0.0.1: with its jobs as `npm start` runs them (every setting at
 * its default but the scheduled scans, which never come), or without (an API replica).
 */
async function startApi(databaseUrl: string, logLevel: LogConfig['level'], jobs: boolean): Promise<Api> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    JOBS_ENABLED: String(jobs),
    COMPLIANCE_SCAN_CRON: NEVER,
    SECURITY_VULNERABILITY_SCAN_CRON: NEVER,
    SECURITY_ADVISORY_SYNC_CRON: NEVER,
    SECURITY_ENDPOINT_SCAN_CRON: NEVER,
    LOG_LEVEL: logLevel,
    // Minted per run so the first start does not print an admin key.
    OPSPLANE_BOOTSTRAP_TOKEN: `opk_${randomBytes(32).toString('base64url')}`,
  });
  const logFile = join(BENCH_DATA_DIR, 'opsplane-security.log');
  // One file per run: the app without jobs starts it, the one with jobs (started after) adds to it.
  const destination = pino.destination({ dest: logFile, sync: false, mkdir: true, append: jobs });
  const app = await createApiApp(config, createRootLogger(config.log, destination));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: await app.getUrl(),
    dataSource: app.get(DataSource),
    pollIntervalMs: config.jobs.pollIntervalMs,
    token: async (role) =>
      (await app.get(ApiKeysService).create(systemActor('bench', 'bench'), { name: `bench ${role}`, role }))
        .token,
  };
}

async function serverSettings(dataSource: DataSource): Promise<string> {
  const rows = await dataSource.query<{ name: string; setting: string }[]>(
    `SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name`,
    [['shared_buffers', 'synchronous_commit', 'fsync', 'jit', 'max_wal_size']],
  );
  return rows.map((row) => `${row.name} ${row.setting}`).join(', ');
}

// ─── list ──────────────────────────────────────────────────────────────────────────────────────

/** Part 4: a release's vulnerability findings, Opsplane against the bare handler, as findings.ts measures. */
async function listPart(context: BenchContext, security: SecurityOptions): Promise<void> {
  const { options, server, load } = context;
  const total = security.findings;
  const database = await keptDatabase(server.url, LIST_DATABASE, async (url) => {
    if (options.reseed) return false;
    const [row] = await queryDatabase<{ n: number; all: number }>(
      url,
      `SELECT count(*) FILTER (WHERE kind = 'vulnerability' AND source = 'osv' AND subject_type = 'release')::int AS n,
              count(*)::int AS all FROM findings`,
    ).catch(() => [{ n: -1, all: -1 }]);
    return row?.n === total && row.all === total;
  });
  const opsplane = await startOpsplane(database.url, options.logLevel);
  let bare: BareServer | undefined;
  try {
    const seeded = database.reused ? 'reused' : await seedFindings(database.url, total, security.advisories);
    const subjects = (
      await opsplane.dataSource.query<{ id: string }[]>(
        `SELECT DISTINCT subject_id AS id FROM findings ORDER BY 1 LIMIT ${LIST_SUBJECTS}`,
      )
    ).map((row) => row.id);
    const token = await opsplane.token('viewer');
    const paths = subjects.map(listPath);
    const rest = request(`${opsplane.url}${paths[0]}`, token, options, { rotate: { paths } });
    const sql = theQueryOn(
      'findings',
      await captureQueries(opsplane.dataSource, () => fetch(rest.url, { headers: rest.headers })),
    );
    const subjectParam = sql.params.indexOf(subjects[0]);
    if (subjectParam < 0)
      throw new Error(`the list SQL does not take the subject id as a parameter: ${sql.sql}`);
    bare = await startBareServer({
      databaseUrl: database.url,
      poolMax: opsplane.config.database.poolMax,
      types: bareTypes(options),
      routes: [
        {
          path: '/v1/findings',
          query: sql,
          limit: LIST_LIMIT,
          itemSchema: jsonSchemaOf(FindingModel),
          boundParams: { [subjectParam]: 'subjectId' },
          // What toFindingModel computes; everything else is served as the driver read it.
          completeRow: (row) => {
            const due = row.slaDueAt as Date | string | null;
            row.overdue =
              (row.status === 'open' || row.status === 'triaged') &&
              due !== null &&
              new Date(due).getTime() <= Date.now();
          },
          order: { sortColumn: 'finding.severityRank', sortType: 'int', idColumn: 'finding.id' },
          keyOf: (row) => ({ sort: row.severityRank as number, id: row.id as string }),
        },
      ],
    });
    const targets: Target[] = [
      { name: 'bare', label: 'bare fastify+pg', request: { ...rest, url: `${bare.url}${paths[0]}` } },
      { name: 'rest', label: 'opsplane REST', request: rest },
    ];
    const bodyBytes = await checkSameBodies(opsplane.url, bare.url, paths.slice(0, 50), token, {
      items: LIST_LIMIT,
      what: 'findings',
    });
    const plan = await explain(opsplane.dataSource, sql.sql, sql.params);
    print([
      `  list     GET ${listPath('…')} (worst first), each request for the next of ${subjects.length} releases`,
      machineLine(await serverVersion(opsplane.dataSource, server.embedded)),
      `  data        ${total.toLocaleString('en-US')} vulnerability findings (source osv, subject release) over ${LIST_SUBJECTS} releases, evidence as the scan of the juice-shop SBOM writes it (${seeded === 'reused' ? `reused from database ${LIST_DATABASE}; --reseed makes it again` : `seeded in ${seeded.toFixed(1)} s`})`,
      `  response    ${(bodyBytes / 1024).toFixed(1)} KiB, byte-identical from both servers`,
      loadLine(context),
      `  SQL         ${sql.sql}  -- params ${JSON.stringify(sql.params)}`,
      '  plan        EXPLAIN (ANALYZE, BUFFERS), first release, warm:',
      ...plan.map((line) => `              ${line}`),
      '',
    ]);
    const measured = selected(options, targets);
    const summary = new Summary(
      await measure(load, measured, {
        ...options,
        settle: () => opsplane.idle(),
        profileTag: 'security-list-',
      }),
    );
    const lines = [
      '',
      'Summary (medians of the rounds; p99 is the worst round)',
      ...summary.lines(measured.map((t) => t.name)),
    ];
    if (measured.length === 2)
      lines.push(
        // versusBare names an issue by number; the security issue's verdicts read "security target".
        ...(
          await versusBare(load, measured, summary, {
            ...options,
            issue: 0,
            settle: () => opsplane.idle(),
          })
        ).map((line) => line.replace(/^ {2}issue 0 target:/, '  security target:')),
      );
    print([...lines, ...summary.warnings(), '']);
  } finally {
    await bare?.close();
    await opsplane.close();
  }
}

/**
 * `total` vulnerability findings: each of LIST_SUBJECTS releases (10 per service) gets total /
 * LIST_SUBJECTS of the findings a scan of the juice-shop SBOM reports (real evidence: see
 * `vulnerabilityTemplates`), a different selection per release, statuses as a year of scans and
 * triage leaves them (most open, some triaged, accepted, false positives, a fifth resolved), SLA
 * due dates by the default policy. Answers the seconds it took.
 */
async function seedFindings(url: string, total: number, advisories: number): Promise<number> {
  process.stdout.write(
    `\nSeeding ${total.toLocaleString('en-US')} vulnerability findings into ${LIST_DATABASE} (kept for later runs)…\n`,
  );
  const started = performance.now();
  const templates = await vulnerabilityTemplates(advisories);
  const perSubject = Math.ceil(total / LIST_SUBJECTS);
  // CASCADE: VEX analyses reference findings (none here: the database is this suite's).
  await queryDatabase(url, 'TRUNCATE findings CASCADE');
  await queryDatabase(url, 'DROP TABLE IF EXISTS bench_vulnerability_templates');
  await queryDatabase(
    url,
    `CREATE UNLOGGED TABLE bench_vulnerability_templates AS
     SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS t(n int, "dedupKey" text, title text, description text, severity text, evidence jsonb)`,
    [JSON.stringify(templates.map((template, n) => ({ n, ...template })))],
  );
  await queryDatabase(
    url,
    `WITH subjects AS (
       SELECT n, gen_random_uuid() AS id FROM generate_series(0, ${LIST_SUBJECTS} - 1) AS n
     ), services AS (
       SELECT n, gen_random_uuid() AS id FROM generate_series(0, ${LIST_SUBJECTS / 10} - 1) AS n
     ), rows AS (
       SELECT g, s.id AS subject_id, v.id AS service_id, (g / ${LIST_SUBJECTS}) AS k,
              t.n AS template, t."dedupKey", t.title, t.description, t.severity, t.evidence,
              (ARRAY['open','open','open','open','open','open','triaged','accepted','false_positive','resolved'])[1 + (g * 7 + g / 13) % 10] AS status,
              timestamptz '2025-06-01' + make_interval(mins => (g * 37) % 250000) AS seen
         FROM generate_series(0, $1 - 1) AS g
         JOIN subjects s ON s.n = g % ${LIST_SUBJECTS}
         JOIN services v ON v.n = s.n / 10
         JOIN bench_vulnerability_templates t
           ON t.n = (s.n * 37 + g / ${LIST_SUBJECTS}) % (SELECT count(*) FROM bench_vulnerability_templates)
     )
     INSERT INTO findings (id, kind, source, dedup_key, subject_type, subject_id, service_id, title, description,
                           severity, severity_rank, status, evidence, first_seen_at, last_seen_at, opened_at,
                           resolved_at, sla_due_at, status_reason, status_changed_by, status_changed_at,
                           justification, accepted_by, accepted_until, version, created_at, updated_at)
     SELECT gen_random_uuid(), 'vulnerability', 'osv',
            "dedupKey" || CASE WHEN k >= (SELECT count(*) FROM bench_vulnerability_templates) THEN '#' || k ELSE '' END,
            'release', subject_id, service_id, title, description, severity,
            array_position(ARRAY['critical','high','medium','low','info'], severity) - 1, status, evidence,
            seen, seen + interval '12 days', seen,
            CASE WHEN status = 'resolved' THEN seen + interval '12 days' END,
            seen + make_interval(days => (ARRAY[7, 30, 90, 120])[array_position(ARRAY['critical','high','medium','low'], severity)]),
            CASE WHEN status IN ('accepted', 'false_positive', 'triaged') THEN 'reviewed by the security team' END,
            CASE WHEN status IN ('open', 'resolved') THEN 'system:osv' ELSE 'key:security-lead' END,
            seen + interval '1 day',
            CASE WHEN status IN ('accepted', 'false_positive') THEN 'code_not_reachable' END,
            CASE WHEN status = 'accepted' THEN 'Dana Scully' END,
            CASE WHEN status = 'accepted' THEN seen + interval '90 days' END,
            1, seen, seen + interval '12 days'
       FROM rows`,
    [total],
  );
  await queryDatabase(url, 'DROP TABLE bench_vulnerability_templates');
  await queryDatabase(url, 'VACUUM (ANALYZE) findings');
  process.stdout.write(
    `  ${templates.length} distinct vulnerability findings of the juice-shop scan as templates, ${perSubject} per release\n`,
  );
  return (performance.now() - started) / 1000;
}

async function explain(dataSource: DataSource, sql: string, params: unknown[]): Promise<string[]> {
  const run = () => dataSource.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  await run();
  const plan = (await run()).map((row) => row['QUERY PLAN']);
  const sorted = plan.some((line) => /Seq Scan|Sort /.test(line));
  return [
    ...plan,
    sorted ? '→ WARNING: a sequential scan or a sort' : '→ index scan in worst-first order, no sort',
  ];
}

// ─── printing ──────────────────────────────────────────────────────────────────────────────────

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}
