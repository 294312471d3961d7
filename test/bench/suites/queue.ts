import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChangeRecorder, JobQueue, newId, systemActor, Transactions } from '@opsplane/core';
import type { Db } from 'pg-boss';
import { DataSource, EntityManager } from 'typeorm';
import { BenchContext, machineLine, print } from '../context';
import { startCoreApp, startWorkerProcess, WorkerProcess } from '../core-app';
import { scratchDatabase } from '../database';
import { serverVersion } from '../opsplane';

const NOOP = 'test.noop';
/** The same no-op queue with pg-boss's insert notification off, to price the notification alone. */
const QUIET_NOOP = 'bench.noop_quiet';

/**
 * The work queue's own costs (a benchmark: it prints, asserts nothing):
 *   (a) throughput: `--jobs` no-op jobs (`test.noop`) through `--workers` real worker processes
 *       (test/support/worker-process.ts), for each fetch shape of `--noop-shapes`
 *       (concurrency×batchSize); jobs/s from the first job's creation to the last one's completion,
 *       as pgboss.job records them;
 *   (b) what `JobQueue.enqueue` adds to a request transaction (`Transactions.run` +
 *       `ChangeRecorder.record`: audit and outbox, as a service writes a change), against the same
 *       transaction without it, and what pg-boss's other public paths would cost instead.
 * On a database of its own, dropped afterwards.
 */
export async function queueSuite(context: BenchContext): Promise<void> {
  const { server } = context;
  const database = await scratchDatabase(server.url);
  // Enqueues only: the workers are other processes, and (b) wants no worker beside it.
  const app = await startCoreApp(database.url, { JOBS_ENABLED: 'false' });
  try {
    const dataSource = app.get(DataSource);
    print([
      '',
      'Opsplane benchmark: the work queue (pg-boss) — throughput through worker processes, and enqueue inside a request transaction (a benchmark, not a test: nothing is asserted)',
      machineLine(await serverVersion(dataSource, server.embedded)),
      '',
    ]);
    await throughput(context, app, database.url);
    await enqueueOverhead(context, app);
  } finally {
    await app.close();
    await database.drop();
  }
}

async function throughput(context: BenchContext, app: NestFastifyApplication, url: string): Promise<void> {
  const { options } = context;
  const queue = app.get(JobQueue);
  const dataSource = app.get(DataSource);
  const lines = [
    `  (a) ${options.jobs.toLocaleString('en-US')} no-op jobs through ${options.workers} worker processes, enqueued 500 per statement while they work`,
  ];
  for (const shape of options.noopShapes) {
    const [concurrency, batchSize] = shape.split('x');
    const workers: WorkerProcess[] = [];
    try {
      for (let i = 0; i < options.workers; i += 1)
        workers.push(
          await startWorkerProcess(url, {
            TEST_NOOP_CONCURRENCY: concurrency!,
            TEST_NOOP_BATCH_SIZE: batchSize!,
          }),
        );
      const started = performance.now();
      for (let sent = 0; sent < options.jobs; sent += 500) {
        const jobs = Array.from({ length: Math.min(500, options.jobs - sent) }, () => ({ payload: {} }));
        await queue.enqueueMany(NOOP, jobs, { outsideTransaction: true });
      }
      const enqueuedMs = performance.now() - started;
      const giveUpAt = Date.now() + 600_000;
      for (;;) {
        const [{ open }] = await dataSource.query<{ open: number }[]>(
          `SELECT count(*)::int AS open FROM pgboss.job WHERE name = $1 AND state < 'completed'`,
          [NOOP],
        );
        if (open === 0) break;
        if (Date.now() > giveUpAt) throw new Error(`${open} no-op jobs still open after 10 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [row] = await dataSource.query<{ jobs: number; seconds: number }[]>(
        `SELECT count(*)::int AS jobs, extract(epoch FROM max(completed_on) - min(created_on))::float AS seconds
           FROM pgboss.job WHERE name = $1 AND state = 'completed'`,
        [NOOP],
      );
      lines.push(
        `      shape ${concurrency}×${batchSize} (concurrency × batchSize per process): ${row!.jobs} completed in ${row!.seconds.toFixed(2)} s → ` +
          `${Math.round(row!.jobs / row!.seconds).toLocaleString('en-US')} jobs/s (enqueueing took ${Math.round(enqueuedMs)} ms)`,
      );
    } finally {
      for (const worker of workers) await worker.stop();
      // The next shape starts from an empty queue.
      await dataSource.query(`DELETE FROM pgboss.job WHERE name = $1`, [NOOP]);
    }
  }
  print(lines);
}

type Variant = { name: string; label: string; work: (manager: EntityManager, i: number) => Promise<unknown> };

async function enqueueOverhead(context: BenchContext, app: NestFastifyApplication): Promise<void> {
  const { options } = context;
  const queue = app.get(JobQueue);
  const boss = queue.queue;
  const transactions = app.get(Transactions);
  const changes = app.get(ChangeRecorder);
  const dataSource = app.get(DataSource);
  await boss.createQueue(QUIET_NOOP, { notify: false });
  const statementNames = new Map<string, string>();
  /** pg-boss's `db` option on the transaction's connection, as JobQueue builds it: prepared, or as plain text. */
  const dbOf = async (manager: EntityManager, prepared: boolean): Promise<Db> => {
    const client = (await manager.queryRunner!.connect()) as {
      query(config: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
    };
    return {
      executeSql: (text: string, values?: unknown[]) => {
        if (!prepared) return client.query({ text, values });
        let name = statementNames.get(text);
        if (!name) statementNames.set(text, (name = `bench_boss_${statementNames.size}`));
        return client.query({ name, text, values });
      },
    };
  };
  const change = (manager: EntityManager) => {
    const subject = newId();
    return changes.record(manager, systemActor('bench', subject), {
      action: 'bench.changed',
      targetType: 'bench',
      targetId: subject,
      after: { n: 1 },
    });
  };
  const variants: Variant[] = [
    { name: 'base', label: 'the transaction alone (audit + outbox)', work: (m) => change(m) },
    {
      name: 'round-trip',
      label: '+ SELECT 1 (the floor: one round trip)',
      work: async (m) => (await change(m), m.query('SELECT 1')),
    },
    {
      name: 'enqueue',
      label: '+ JobQueue.enqueue (send, prepared, notify)',
      work: async (m) => (await change(m), queue.enqueue(NOOP, {}, { manager: m })),
    },
    {
      name: 'send-text',
      label: '+ boss.send, statement as plain text',
      work: async (m) => (await change(m), boss.send(NOOP, {}, { id: newId(), db: await dbOf(m, false) })),
    },
    {
      name: 'send',
      label: '+ boss.send, prepared (no validation)',
      work: async (m) => (await change(m), boss.send(NOOP, {}, { id: newId(), db: await dbOf(m, true) })),
    },
    {
      name: 'insert',
      label: '+ boss.insert of one job, prepared',
      work: async (m) => (
        await change(m),
        boss.insert(NOOP, [{ id: newId(), data: {} }], { db: await dbOf(m, true) })
      ),
    },
    {
      name: 'quiet',
      label: '+ boss.send, prepared, queue without notify',
      work: async (m) => (
        await change(m),
        boss.send(QUIET_NOOP, {}, { id: newId(), db: await dbOf(m, true) })
      ),
    },
  ];
  const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  const once = async (variant: Variant, i: number) => {
    const started = performance.now();
    await transactions.run((manager) => variant.work(manager, i));
    return performance.now() - started;
  };
  // Warm-up: JIT, prepared statements on every pool connection, pg-boss's queue cache.
  for (let i = 0; i < 300; i += 1) for (const variant of variants) await once(variant, i);
  // Interleaved, in an order rotating each time, so drift on a shared machine hits every variant alike.
  for (let i = 0; i < options.enqueueSamples; i += 1)
    for (let k = 0; k < variants.length; k += 1) {
      const variant = variants[(i + k) % variants.length]!;
      samples.get(variant.name)!.push(await once(variant, i));
    }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const trimmedMean = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const kept = sorted.slice(Math.floor(sorted.length * 0.1), Math.ceil(sorted.length * 0.9));
    return kept.reduce((sum, value) => sum + value, 0) / kept.length;
  };
  const base = samples.get('base')!;
  const lines = [
    '',
    `  (b) enqueue inside a request transaction (Transactions.run + ChangeRecorder.record), ${options.enqueueSamples.toLocaleString('en-US')} transactions per variant, interleaved; no worker running`,
    '      variant                                           median ms   added (median)   added (10%-trimmed mean)',
  ];
  for (const variant of variants) {
    const own = samples.get(variant.name)!;
    const added = variant.name === 'base' ? '' : `${(median(own) - median(base)).toFixed(3).padStart(8)}`;
    const addedMean =
      variant.name === 'base' ? '' : `${(trimmedMean(own) - trimmedMean(base)).toFixed(3).padStart(8)}`;
    lines.push(
      `      ${variant.label.padEnd(48)} ${median(own).toFixed(3).padStart(9)}   ${added.padEnd(14)}   ${addedMean}`,
    );
  }
  print(lines);
  await dataSource.query(`DELETE FROM pgboss.job WHERE name = ANY($1)`, [[NOOP, QUIET_NOOP]]);
}
