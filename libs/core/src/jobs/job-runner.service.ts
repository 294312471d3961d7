import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { CronExpressionParser } from 'cron-parser';
import { DataSource } from 'typeorm';
import { JobsConfig } from '../config/config';
import { AppError, CommonErrors, errorCode } from '../errors/app-error';
import { newId } from '../ids';
import { KeysetOrder, Page, paginate, toPage } from '../pagination/pagination';
import { JOB_NAME, ScheduledJob } from './job.decorator';
import { JobRunEntity, JobTrigger } from './job-run.entity';
import { JobRunModel, ListJobRunsArgs, toJobRunModel } from './job-run.models';

export const JobErrors = {
  unknownJob: errorCode('job.not_found', 'not_found', 'No such job'),
};

/**
 * Fires every `@Job` provider on its schedule and records each run. Claiming a slot is an
 * `INSERT … ON CONFLICT DO NOTHING` on (job, slot): exactly one process wins it.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly jobs = new Map<string, ScheduledJob>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scheduler: SchedulerRegistry,
    private readonly dataSource: DataSource,
    private readonly config: JobsConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as ScheduledJob | undefined;
      const name = instance?.constructor
        ? (Reflect.getMetadata(JOB_NAME, instance.constructor) as string | undefined)
        : undefined;
      if (instance && name) this.jobs.set(name, instance);
    }
    if (!this.config.enabled) return;
    for (const [name, job] of this.jobs) {
      const cron = CronJob.from({
        cronTime: job.schedule,
        timeZone: 'UTC',
        onTick: () =>
          this.track(this.runScheduled(name, job)).then(
            () => undefined,
            (error: unknown) => this.logger.error(`Job ${name} could not run: ${String(error)}`),
          ),
        waitForCompletion: true,
      });
      this.scheduler.addCronJob(name, cron);
      cron.start();
    }
    this.logger.log(`Scheduled ${this.jobs.size} job(s) as ${this.instanceId}`);
  }

  /**
   * Stops firing, then waits for runs in progress so none is cut off mid-transaction. Before
   * shutdown, not on it: TypeORM destroys the data source in its own onApplicationShutdown, and
   * Nest orders those hooks by module depth, so a run waited for there could lose its connection
   * (it then stayed `running` until its lease passed).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const name of this.jobs.keys()) {
      if (this.scheduler.doesExist('cron', name)) await this.scheduler.getCronJob(name).stop();
    }
    await Promise.allSettled([...this.inFlight]);
  }

  names(): string[] {
    return [...this.jobs.keys()].sort();
  }

  /** Runs a job now, outside its schedule (admin request); the slot is the request time. */
  async runNow(name: string): Promise<JobRunModel> {
    const job = this.jobs.get(name);
    if (!job)
      throw new AppError(JobErrors.unknownJob, `No job named "${name}". Known: ${this.names().join(', ')}.`);
    const run = await this.track(this.execute(name, job, new Date(), 'manual'));
    if (!run) throw new AppError(CommonErrors.unavailable, 'This process is shutting down; try again.');
    return toJobRunModel(run);
  }

  async list(args: ListJobRunsArgs): Promise<Page<JobRunModel>> {
    const query = this.dataSource.getRepository(JobRunEntity).createQueryBuilder('run');
    if (args.job) query.andWhere('run.job = :job', { job: args.job });
    if (args.status) query.andWhere('run.status = :status', { status: args.status });
    const order: KeysetOrder = { idColumn: 'run.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getMany();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toJobRunModel);
  }

  private runScheduled(name: string, job: ScheduledJob): Promise<JobRunEntity | null> {
    // The tick arrives a little after its scheduled instant; the slot is that instant.
    const slot = CronExpressionParser.parse(job.schedule, {
      currentDate: new Date(Date.now() + 1),
      tz: 'UTC',
    })
      .prev()
      .toDate();
    return this.execute(name, job, slot, 'schedule');
  }

  private async execute(
    name: string,
    job: ScheduledJob,
    slot: Date,
    trigger: JobTrigger,
  ): Promise<JobRunEntity | null> {
    if (this.stopping) return null;
    const run: JobRunEntity = {
      id: newId(),
      job: name,
      slot,
      trigger,
      status: 'running',
      instanceId: this.instanceId,
      startedAt: new Date(),
      finishedAt: null,
      counts: {},
      error: null,
    };
    const claimed = await this.dataSource.query<unknown[]>(
      `INSERT INTO job_runs (id, job, slot, trigger, status, instance_id, started_at, counts)
       VALUES ($1, $2, $3, $4, 'running', $5, $6, '{}') ON CONFLICT (job, slot) DO NOTHING RETURNING id`,
      [run.id, name, slot, trigger, this.instanceId, run.startedAt],
    );
    if (claimed.length === 0) return null; // another process has this slot
    try {
      run.counts = await job.run({ runId: run.id, slot });
      run.status = 'succeeded';
    } catch (error) {
      run.status = 'failed';
      run.error = error instanceof Error ? error.message : String(error);
      this.logger.error(
        `Job ${name} run ${run.id} failed: ${run.error}`,
        error instanceof Error ? error.stack : undefined,
      );
    }
    run.finishedAt = new Date();
    await this.dataSource
      .getRepository(JobRunEntity)
      .update(
        { id: run.id },
        { status: run.status, counts: run.counts, error: run.error, finishedAt: run.finishedAt },
      );
    return run;
  }

  /** Marks runs whose process died mid-run (lease passed) as abandoned, so they stop looking alive. */
  async abandonStaleRuns(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.runLeaseSeconds * 1000);
    const result = await this.dataSource
      .createQueryBuilder()
      .update(JobRunEntity)
      .set({
        status: 'abandoned',
        finishedAt: now,
        error: 'the process running it stopped before it finished',
      })
      .where("status = 'running' AND started_at < :cutoff", { cutoff })
      .execute();
    return result.affected ?? 0;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }
}
