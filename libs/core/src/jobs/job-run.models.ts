import { Args, Model, Prop } from '../schema/fields';
import { PageArgs, PageOf } from '../pagination/pagination';

export const JOB_STATUSES = ['queued', 'retrying', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
const RUN_STATUSES = [...JOB_STATUSES, 'pruned'] as const;

/** pg-boss's job states, as the API names them. */
export const STATUS_BY_STATE: Record<string, JobStatus> = {
  created: 'queued',
  retry: 'retrying',
  active: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};
export const STATE_BY_STATUS = Object.fromEntries(
  Object.entries(STATUS_BY_STATE).map(([state, status]) => [status, state]),
) as Record<JobStatus, string>;

@Model('JobRun', 'One run of a scheduled job type: its slot, who claimed it, and what its job did.')
export class JobRunModel {
  @Prop.uuid({ description: 'Also the id of the job it enqueued (`GET /v1/jobs/{id}`).' })
  id: string;

  @Prop.string({ example: 'core.housekeeping' })
  job: string;

  @Prop.date({ description: 'The scheduled instant this run stands for (the request time for manual runs).' })
  slot: Date;

  @Prop.enum(['schedule', 'manual'], 'JobTrigger')
  trigger: string;

  @Prop.string({ description: 'host:pid:random of the process that claimed the slot and enqueued the job.' })
  instanceId: string;

  @Prop.date()
  claimedAt: Date;

  @Prop.enum(RUN_STATUSES, 'JobRunStatus', {
    description: "Its job's status; `pruned` once the job is past retention.",
  })
  status: string;

  @Prop.int({ min: 0, description: 'Attempts started so far.' })
  attempts: number;

  @Prop.date({ nullable: true })
  finishedAt: Date | null;

  @Prop.json({ nullable: true, description: 'What the job did, e.g. {"idempotencyKeysDeleted": 12}.' })
  counts: Record<string, unknown> | null;

  @Prop.string({ nullable: true, maxLength: 10_000, description: "The last failed attempt's error." })
  error: string | null;
}

export const JobRunPage = PageOf(JobRunModel, 'JobRunPage');

@Args()
export class ListJobRunsArgs extends PageArgs {
  @Prop.string({ optional: true, maxLength: 100 })
  job?: string;
}

@Model('Job', 'One job on the queue: its type, payload, attempts and outcome.')
export class JobModel {
  @Prop.uuid()
  id: string;

  @Prop.string({ example: 'core.housekeeping' })
  type: string;

  @Prop.enum(JOB_STATUSES, 'JobStatus', {
    description:
      'queued (waiting), running, retrying (failed, waiting for its next attempt), succeeded, failed (no attempts left), cancelled.',
  })
  status: string;

  @Prop.int({ min: 0, description: 'Attempts started so far.' })
  attempts: number;

  @Prop.int({ min: 1 })
  maxAttempts: number;

  @Prop.json({ description: 'The payload it was enqueued with.' })
  payload: Record<string, unknown>;

  @Prop.json({ nullable: true, description: "The handler's result, once it succeeded." })
  result: Record<string, unknown> | null;

  @Prop.string({ nullable: true, maxLength: 10_000, description: "The last failed attempt's error." })
  error: string | null;

  @Prop.string({ nullable: true, maxLength: 500 })
  singletonKey: string | null;

  @Prop.date()
  createdAt: Date;

  @Prop.date({ description: "Not run before this instant (a retry's backoff moves it)." })
  runAfter: Date;

  @Prop.date({ nullable: true, description: 'When its latest attempt started.' })
  startedAt: Date | null;

  @Prop.date({ nullable: true })
  finishedAt: Date | null;
}

export const JobPage = PageOf(JobModel, 'JobPage');

@Args()
export class ListJobsArgs extends PageArgs {
  @Prop.string({ optional: true, maxLength: 100 })
  type?: string;

  @Prop.enum(JOB_STATUSES, 'JobStatus', { optional: true })
  status?: string;
}

@Model('JobType', 'A kind of work the queue runs: its settings, schedule and current counts.')
export class JobTypeModel {
  @Prop.string({ example: 'core.housekeeping' })
  type: string;

  @Prop.string({ nullable: true, description: 'Cron expression (UTC) it is enqueued on, if scheduled.' })
  schedule: string | null;

  @Prop.int({ min: 1, description: 'Jobs one process handles at once.' })
  concurrency: number;

  @Prop.int({ min: 0 })
  retryLimit: number;

  @Prop.int({ min: 0 })
  retryDelaySeconds: number;

  @Prop.bool()
  retryBackoff: boolean;

  @Prop.int({ min: 1 })
  timeoutSeconds: number;

  @Prop.int({ min: 0 })
  queued: number;

  @Prop.int({ min: 0 })
  running: number;

  @Prop.int({ min: 0, description: 'Failed, waiting for another attempt.' })
  retrying: number;

  @Prop.int({ min: 0, description: 'Failed with no attempts left (kept until retention deletes them).' })
  failed: number;
}

@Model('JobTypeList')
export class JobTypeList {
  @Prop.nested(() => JobTypeModel, { isArray: true, maxItems: 1000 })
  items: JobTypeModel[];
}
