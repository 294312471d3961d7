import { Injectable, Module } from '@nestjs/common';
import { Input, JobContext, OnJob, Prop } from '@opsplane/core';
import { DataSource } from 'typeorm';

@Input('TestJobPayload')
export class TestJobPayload {
  @Prop.string({ maxLength: 100 })
  key: string;
}

/** The tables the test job types write; a test creates them in its database. */
export const TEST_JOB_TABLES = `
  CREATE TABLE IF NOT EXISTS test_job_attempts (key text, job_id uuid, attempt int, pid int, at timestamptz DEFAULT now());
  CREATE TABLE IF NOT EXISTS test_job_effects (key text PRIMARY KEY, job_id uuid, pid int)`;

/**
 * Job types only tests declare: `test.slow` holds its first attempt until it times out (or its
 * process is killed) and finishes any later one at once, its effect idempotent; `test.failing`
 * always throws; `test.noop` does nothing.
 */
@Injectable()
export class TestJobs {
  constructor(private readonly dataSource: DataSource) {}

  @OnJob('test.slow', {
    payload: TestJobPayload,
    timeoutSeconds: 3,
    retryLimit: 2,
    retryDelaySeconds: 0,
    retryBackoff: false,
  })
  async slow(payload: TestJobPayload, context: JobContext): Promise<Record<string, number>> {
    await this.dataSource.query(
      `INSERT INTO test_job_attempts (key, job_id, attempt, pid) VALUES ($1, $2, $3, $4)`,
      [payload.key, context.jobId, context.attempt, process.pid],
    );
    if (context.attempt === 1)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 60_000);
        context.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()));
      });
    if (context.signal.aborted) throw new Error('aborted');
    await this.dataSource.query(
      `INSERT INTO test_job_effects (key, job_id, pid) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
      [payload.key, context.jobId, process.pid],
    );
    return { attempt: context.attempt };
  }

  /**
   * Does nothing: the queue's own cost per job (the queue bench). Its fetch shape can be set per
   * process, for the bench to compare (TEST_NOOP_CONCURRENCY, TEST_NOOP_BATCH_SIZE).
   */
  @OnJob('test.noop', {
    concurrency: Number(process.env.TEST_NOOP_CONCURRENCY ?? 16),
    batchSize: Number(process.env.TEST_NOOP_BATCH_SIZE ?? 8),
    retryLimit: 0,
    timeoutSeconds: 60,
  })
  noop(): Promise<void> {
    return Promise.resolve();
  }

  @OnJob('test.failing', {
    payload: TestJobPayload,
    retryLimit: 2,
    retryDelaySeconds: 1,
    retryBackoff: true,
    retryDelayMaxSeconds: 2,
    timeoutSeconds: 10,
  })
  async failing(payload: TestJobPayload, context: JobContext): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO test_job_attempts (key, job_id, attempt, pid) VALUES ($1, $2, $3, $4)`,
      [payload.key, context.jobId, context.attempt, process.pid],
    );
    throw new Error(`boom ${payload.key} on attempt ${context.attempt}`);
  }
}

@Module({ providers: [TestJobs] })
export class TestJobsModule {}
