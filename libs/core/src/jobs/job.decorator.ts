import { SetMetadata } from '@nestjs/common';

export const JOB_NAME = 'opsplane:job';

/** What a job does in one run; the counts end up on its job-run row. */
export interface ScheduledJob {
  /** Cron expression (5 fields, or 6 with seconds), evaluated in UTC. */
  readonly schedule: string;
  run(context: JobContext): Promise<Record<string, number>>;
}

export interface JobContext {
  runId: string;
  slot: Date;
}

/**
 * Marks a provider as a scheduled job. The jobs module finds it, fires it on `schedule` with
 * @nestjs/schedule and claims each slot in PostgreSQL, so any number of processes run it once.
 */
export const Job = (name: string) => SetMetadata(JOB_NAME, name);
