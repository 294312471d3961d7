import { Args, Model, Prop } from '../schema/fields';
import { PageArgs, PageOf } from '../pagination/pagination';
import { JobRunEntity } from './job-run.entity';

const STATUSES = ['running', 'succeeded', 'failed', 'abandoned'] as const;

@Model('JobRun', 'One run of a scheduled job: when, which slot, by which process, outcome and counts.')
export class JobRunModel {
  @Prop.uuid()
  id: string;

  @Prop.string({ example: 'core.housekeeping' })
  job: string;

  @Prop.date({ description: 'The scheduled instant this run stands for (the request time for manual runs).' })
  slot: Date;

  @Prop.enum(['schedule', 'manual'], 'JobTrigger')
  trigger: string;

  @Prop.enum(STATUSES, 'JobRunStatus')
  status: string;

  @Prop.string({ description: 'host:pid:random of the process that ran it.' })
  instanceId: string;

  @Prop.date()
  startedAt: Date;

  @Prop.date({ nullable: true })
  finishedAt: Date | null;

  @Prop.json({ description: 'What the run did, e.g. {"idempotencyKeysDeleted": 12}.' })
  counts: Record<string, number>;

  @Prop.string({ nullable: true })
  error: string | null;
}

export const JobRunPage = PageOf(JobRunModel, 'JobRunPage');

@Args()
export class ListJobRunsArgs extends PageArgs {
  @Prop.string({ optional: true, maxLength: 100 })
  job?: string;

  @Prop.enum(STATUSES, 'JobRunStatus', { optional: true })
  status?: string;
}

export function toJobRunModel(entity: JobRunEntity): JobRunModel {
  return { ...entity };
}
