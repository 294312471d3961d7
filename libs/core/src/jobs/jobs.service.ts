import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../errors/app-error';
import { KeysetOrder, Page, paginate, toPage } from '../pagination/pagination';
import { JobErrors } from './job.errors';
import { JobQueue, QUEUE_SCHEMA } from './job-queue.service';
import { JobScheduler } from './job-scheduler.service';
import {
  JobModel,
  JobRunModel,
  JobTypeList,
  ListJobRunsArgs,
  ListJobsArgs,
  STATE_BY_STATUS,
  STATUS_BY_STATE,
} from './job-run.models';

interface JobRow {
  id: string;
  name: string;
  state: string;
  retry_count: number;
  retry_limit: number;
  data: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  singleton_key: string | null;
  created_on: Date;
  start_after: Date;
  started_on: Date | null;
  completed_on: Date | null;
}

const JOB_COLUMNS = `job.id, job.name, job.state::text AS state, job.retry_count, job.retry_limit, job.data,
  job.output, job.singleton_key, job.created_on, job.start_after, job.started_on, job.completed_on`;

/**
 * What the jobs API reads and does: job types with their counts, jobs, scheduled runs; retry,
 * cancel, run now. Reads pg-boss's job table directly (one indexed query per list) and acts
 * through pg-boss's own operations.
 */
@Injectable()
export class JobsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly scheduler: JobScheduler,
  ) {}

  async jobTypes(): Promise<JobTypeList> {
    const types = this.queue.jobTypes();
    const rows = await this.dataSource.query<{ name: string; state: string; count: number }[]>(
      `SELECT name, state::text AS state, count(*)::int AS count FROM ${QUEUE_SCHEMA}.job
        WHERE name = ANY($1) AND state IN ('created', 'retry', 'active', 'failed') GROUP BY name, state`,
      [types.map((type) => type.type)],
    );
    const count = (name: string, state: string) =>
      rows.find((row) => row.name === name && row.state === state)?.count ?? 0;
    return {
      items: types.map((type) => ({
        type: type.type,
        schedule: type.schedule,
        concurrency: type.concurrency,
        retryLimit: type.retryLimit,
        retryDelaySeconds: type.retryDelaySeconds,
        retryBackoff: type.retryBackoff,
        timeoutSeconds: type.timeoutSeconds,
        queued: count(type.type, 'created'),
        running: count(type.type, 'active'),
        retrying: count(type.type, 'retry'),
        failed: count(type.type, 'failed'),
      })),
    };
  }

  async list(args: ListJobsArgs): Promise<Page<JobModel>> {
    const query = this.dataSource.createQueryBuilder().select(JOB_COLUMNS).from(`${QUEUE_SCHEMA}.job`, 'job');
    if (args.type) query.andWhere('job.name = :type', { type: args.type });
    if (args.status)
      query.andWhere('job.state = :state', { state: STATE_BY_STATUS[args.status as 'queued'] });
    const order: KeysetOrder = { idColumn: 'job.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getRawMany<JobRow>();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toJobModel);
  }

  async get(id: string): Promise<JobModel> {
    const [row] = await this.dataSource.query<JobRow[]>(
      `SELECT ${JOB_COLUMNS} FROM ${QUEUE_SCHEMA}.job job WHERE job.id = $1`,
      [id],
    );
    if (!row) throw new AppError(JobErrors.notFound, `No job ${id} (it may be past retention).`);
    return toJobModel(row);
  }

  /** A failed or cancelled job gets another round of attempts. */
  async retry(id: string): Promise<JobModel> {
    const job = await this.get(id);
    if (job.status !== 'failed' && job.status !== 'cancelled')
      throw new AppError(
        JobErrors.notRetryable,
        `Job ${id} is ${job.status}; only failed or cancelled jobs are retried.`,
      );
    await this.queue.queue.retry(job.type, id);
    return this.get(id);
  }

  /** A job waiting for its first or next attempt is cancelled: it will not run. */
  async cancel(id: string): Promise<JobModel> {
    const job = await this.get(id);
    if (job.status !== 'queued' && job.status !== 'retrying')
      throw new AppError(
        JobErrors.notCancellable,
        `Job ${id} is ${job.status}; only queued jobs and jobs waiting for a retry are cancelled.`,
      );
    await this.queue.queue.cancel(job.type, id);
    return this.get(id);
  }

  async runNow(type: string): Promise<JobRunModel> {
    const id = await this.scheduler.runNow(type);
    return (await this.runs({ job: type, limit: 1 }, id)).items[0];
  }

  async runs(args: ListJobRunsArgs, onlyId?: string): Promise<Page<JobRunModel>> {
    const query = this.dataSource
      .createQueryBuilder()
      .select(
        `run.id AS id, run.job AS run_job, run.slot, run.trigger, run.instance_id, run.claimed_at,
         job.state::text AS state, job.retry_count, job.output, job.started_on, job.completed_on`,
      )
      .from('job_runs', 'run')
      .leftJoin((sub) => sub.select('*').from(`${QUEUE_SCHEMA}.job`, 'queued'), 'job', 'job.id = run.id');
    if (args.job) query.andWhere('run.job = :job', { job: args.job });
    if (onlyId) query.andWhere('run.id = :onlyId', { onlyId });
    const order: KeysetOrder = { idColumn: 'run.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getRawMany<RunRow>();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toJobRunModel);
  }
}

interface RunRow {
  id: string;
  run_job: string;
  slot: Date;
  trigger: string;
  instance_id: string;
  claimed_at: Date;
  state: string | null;
  retry_count: number | null;
  output: Record<string, unknown> | null;
  started_on: Date | null;
  completed_on: Date | null;
}

/** pg-boss's retry_count counts claims after the first; a job never started has made no attempt. */
function attemptsOf(retryCount: number, startedOn: Date | null): number {
  return startedOn === null ? 0 : retryCount + 1;
}

function errorOf(state: string, output: Record<string, unknown> | null): string | null {
  if (state === 'completed' || !output) return null;
  const message = output.message;
  return typeof message === 'string' ? message.slice(0, 10_000) : null;
}

function toJobModel(row: JobRow): JobModel {
  return {
    id: row.id,
    type: row.name,
    status: STATUS_BY_STATE[row.state] ?? row.state,
    attempts: attemptsOf(row.retry_count, row.started_on),
    maxAttempts: row.retry_limit + 1,
    payload: row.data ?? {},
    result: row.state === 'completed' ? (row.output ?? {}) : null,
    error: errorOf(row.state, row.output),
    singletonKey: row.singleton_key,
    createdAt: new Date(row.created_on),
    runAfter: new Date(row.start_after),
    startedAt: row.started_on ? new Date(row.started_on) : null,
    finishedAt: row.completed_on ? new Date(row.completed_on) : null,
  };
}

function toJobRunModel(row: RunRow): JobRunModel {
  const state = row.state;
  return {
    id: row.id,
    job: row.run_job,
    slot: new Date(row.slot),
    trigger: row.trigger,
    instanceId: row.instance_id,
    claimedAt: new Date(row.claimed_at),
    status: state ? (STATUS_BY_STATE[state] ?? state) : 'pruned',
    attempts: state ? attemptsOf(row.retry_count ?? 0, row.started_on) : 0,
    finishedAt: row.completed_on ? new Date(row.completed_on) : null,
    counts: state === 'completed' ? (row.output ?? {}) : null,
    error: state ? errorOf(state, row.output) : null,
  };
}
