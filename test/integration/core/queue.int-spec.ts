import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createHttpApp, createRootLogger, JobQueue, loadConfig, Transactions } from '@opsplane/core';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../../apps/worker/worker.module';
import { TEST_JOB_TABLES, TestJobsModule } from '../../support/test-jobs';
import { createTestApp, TestApp, unique } from '../../support/test-app';

const ROOT = join(__dirname, '../../..');
const WORKER_ENV = {
  JOBS_ENABLED: 'true',
  JOBS_SUPERVISE_INTERVAL_SECONDS: '1',
  JOBS_POLL_INTERVAL_MS: '500',
  LOG_LEVEL: 'warn',
};

/** A worker as a real process: WorkerModule plus the test job types, on this file's database. */
async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/worker-process.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...WORKER_ENV, JOBS_HOUSEKEEPING_CRON: '0 0 29 2 *' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"ready":true')) resolve();
    });
  });
  return child;
}

let last: unknown;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` answers something, or fails after `ms` (a bound on hangs, not a timing assertion). */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const giveUpAt = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt)
      throw new Error(`condition not reached in time; last: ${JSON.stringify(last)}`);
    await sleep(200);
  }
}

@Module({})
class EnqueueOnlyModule {
  static forRoot(config: ReturnType<typeof loadConfig>): DynamicModule {
    return { module: EnqueueOnlyModule, imports: [WorkerModule.forRoot(config), TestJobsModule] };
  }
}

describe('work queue', () => {
  let t: TestApp;
  let producer: NestFastifyApplication;
  let db: DataSource;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    await db.query(TEST_JOB_TABLES);
    // A JOBS_ENABLED=false process that knows the test types: it enqueues, never processes.
    const config = loadConfig({ ...process.env, JOBS_ENABLED: 'false' });
    producer = await createHttpApp(EnqueueOnlyModule.forRoot(config), {
      config,
      logger: createRootLogger(config.log),
    });
    await producer.init();
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers)
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await producer.close();
    await t.close();
  });

  const job = async (id: string) => (await t.http(t.tokens.auditor).get(`/v1/jobs/${id}`).expect(200)).body;

  it('enqueues inside the current transaction: a rollback leaves no job, a commit one', async () => {
    const queue = producer.get(JobQueue);
    const transactions = producer.get(Transactions);
    let rolledBack: string | null = null;
    await expect(
      transactions.run(async () => {
        rolledBack = await queue.enqueue('test.slow', { key: unique('rollback') });
        throw new Error('roll it back');
      }),
    ).rejects.toThrow('roll it back');
    expect(rolledBack).not.toBeNull();
    await t.http(t.tokens.auditor).get(`/v1/jobs/${rolledBack}`).expect(404);

    const committed = await transactions.run(() =>
      queue.enqueue('test.failing', { key: unique('commit') }, {}),
    );
    expect(await job(committed!)).toMatchObject({ type: 'test.failing', status: 'queued', attempts: 0 });
    await t.http(t.tokens.admin).post(`/v1/jobs/${committed}/cancel`).expect(200);
    expect((await job(committed!)).status).toBe('cancelled');
  });

  it('refuses an invalid payload before it is enqueued', async () => {
    await expect(producer.get(JobQueue).enqueue('test.slow', { key: 42 })).rejects.toMatchObject({
      code: 'request.validation_failed',
    });
  });

  it('finishes a job in another process after the worker running it is killed', async () => {
    const key = unique('crash');
    const first = await startWorker();
    workers.push(first);
    const id = (await producer.get(JobQueue).enqueue('test.slow', { key }))!;
    // The first attempt has started in the first worker…
    await eventually(async () => {
      const rows = await db.query(`SELECT pid FROM test_job_attempts WHERE key = $1`, [key]);
      return rows.length > 0 ? rows : undefined;
    });
    // Killed at once: left alive past the job's 3 s timeout, the first worker would retry the job itself.
    first.kill('SIGKILL');
    expect((await job(id)).status).toBe('running');
    const second = await startWorker();
    workers.push(second);
    // …its lease (the 3 s timeout) passes, the job is retried, and the second worker completes it.
    const done = await eventually(async () => {
      const current = await job(id);
      return current.status === 'succeeded' ? current : undefined;
    });
    expect(done).toMatchObject({ attempts: 2, result: { attempt: 2 } });
    const attempts = (await db.query(
      `SELECT attempt, pid FROM test_job_attempts WHERE key = $1 ORDER BY attempt`,
      [key],
    )) as { attempt: number; pid: number }[];
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[0].pid).toBe(first.pid);
    expect(attempts[1].pid).toBe(second.pid);
    // Done once.
    expect(await db.query(`SELECT pid FROM test_job_effects WHERE key = $1`, [key])).toEqual([
      { pid: second.pid },
    ]);
  }, 300_000);

  it('retries a throwing handler with backoff, then fails it with its error; an admin retries it', async () => {
    if (workers.filter((w) => w.exitCode === null && w.signalCode === null).length === 0)
      workers.push(await startWorker());
    const key = unique('fail');
    const id = (await producer.get(JobQueue).enqueue('test.failing', { key }))!;
    const failed = await eventually(async () => {
      const current = await job(id);
      last = current;
      return current.status === 'failed' ? current : undefined;
    });
    expect(failed).toMatchObject({ attempts: 3, maxAttempts: 3, error: `boom ${key} on attempt 3` });
    const times = (await db.query(
      `SELECT attempt, at FROM test_job_attempts WHERE key = $1 ORDER BY attempt`,
      [key],
    )) as {
      at: Date;
    }[];
    expect(times).toHaveLength(3);
    // Backed off: each retry waited (≥ ~0.5 s with jitter) rather than following at once.
    expect(new Date(times[1].at).getTime() - new Date(times[0].at).getTime()).toBeGreaterThanOrEqual(400);

    const types = (
      await t
        .http(t.tokens.auditor)
        .get('/v1/jobs')
        .query({ type: 'test.failing', status: 'failed' })
        .expect(200)
    ).body;
    expect(types.items.map((item: { id: string }) => item.id)).toContain(id);
    await t.http(t.tokens.viewer).post(`/v1/jobs/${id}/retry`).expect(403);
    const retried = await t.http(t.tokens.admin).post(`/v1/jobs/${id}/retry`).expect(200);
    expect(['queued', 'retrying', 'running']).toContain(retried.body.status);
    await t
      .http(t.tokens.admin)
      .post(`/v1/jobs/${id}/cancel`)
      .expect((res) => expect([200, 409]).toContain(res.status));
  }, 300_000);
});
