import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CronJob } from 'cron';
import { CronExpressionParser } from 'cron-parser';
import { Clock } from '../clock';
import { JobsConfig } from '../config/config';
import { Transactions } from '../database/transactions';
import { AppError } from '../errors/app-error';
import { newId } from '../ids';
import { JobErrors } from './job.errors';
import { JobQueue, JobType } from './job-queue.service';
import { JobTrigger } from './job-run.entity';

/**
 * Enqueues a job of every scheduled type on its cron, in every process with JOBS_ENABLED=true.
 * A slot is claimed with `INSERT … ON CONFLICT DO NOTHING` on (job, slot) in `job_runs`, in the
 * same transaction as the job it enqueues: exactly one process wins it, and a claim never exists
 * without its job. (pg-boss's own cron is minute-grained and keeps no per-slot record; this is to
 * the second and is the run history.)
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobScheduler.name);
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly crons: CronJob[] = [];

  constructor(
    private readonly queue: JobQueue,
    private readonly transactions: Transactions,
    private readonly config: JobsConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    for (const type of this.queue.jobTypes()) {
      if (!type.schedule) continue;
      const schedule = type.schedule;
      const cron = CronJob.from({
        cronTime: schedule,
        timeZone: 'UTC',
        onTick: () =>
          this.enqueueSlot(type, slotOf(schedule), 'schedule').then(
            () => undefined,
            (error: unknown) => this.logger.error(`Job ${type.type} could not be enqueued: ${String(error)}`),
          ),
        waitForCompletion: true,
      });
      this.crons.push(cron);
      cron.start();
    }
    this.logger.log(`Scheduled ${this.crons.length} job type(s) as ${this.instanceId}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const cron of this.crons) await cron.stop();
    await this.queue.beforeApplicationShutdown();
  }

  /** Enqueues a scheduled type now, outside its schedule (admin request); the slot is the request time. */
  async runNow(typeName: string): Promise<string> {
    const type = this.queue.jobType(typeName);
    if (!type.schedule)
      throw new AppError(
        JobErrors.notScheduled,
        `Job type "${typeName}" has no schedule; its jobs are enqueued by the code that needs them.`,
      );
    const id = await this.enqueueSlot(type, this.clock.now(), 'manual');
    return id!;
  }

  /** Claims (type, slot) and enqueues its job in one transaction; null when another process has it. */
  private async enqueueSlot(type: JobType, slot: Date, trigger: JobTrigger): Promise<string | null> {
    if (this.queue.isStopping) return null;
    const id = newId();
    return this.transactions.run(async (manager) => {
      const claimed = await manager.query<unknown[]>(
        `INSERT INTO job_runs (id, job, slot, trigger, instance_id, claimed_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (job, slot) DO NOTHING RETURNING id`,
        [id, type.type, slot, trigger, this.instanceId, this.clock.now()],
      );
      if (claimed.length === 0) return null; // another process has this slot
      await this.queue.enqueue(type.type, {}, { id, manager });
      return id;
    });
  }
}

/** The tick arrives a little after its scheduled instant; the slot is that instant. */
function slotOf(schedule: string): Date {
  return CronExpressionParser.parse(schedule, { currentDate: new Date(Date.now() + 1), tz: 'UTC' })
    .prev()
    .toDate();
}
