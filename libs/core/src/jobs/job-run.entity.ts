import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'abandoned';
export type JobTrigger = 'schedule' | 'manual';

/**
 * One row per run. The unique (job, slot) pair is the claim: whichever process inserts it runs
 * that scheduled slot, every other process skips it.
 */
@Entity({ name: 'job_runs' })
@Index('job_runs_job_slot_key', ['job', 'slot'], { unique: true })
@Index('job_runs_status_idx', ['status', 'startedAt'])
export class JobRunEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  job: string;

  /** The scheduled time this run stands for; for manual runs, the time of the request. */
  @Column('timestamptz')
  slot: Date;

  @Column('text')
  trigger: JobTrigger;

  @Column('text')
  status: JobRunStatus;

  /** Which process ran it (host:pid:random), to tell replicas apart. */
  @Column('text')
  instanceId: string;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  /** What the run did, e.g. `{ "idempotencyKeysDeleted": 12 }`. */
  @Column('jsonb', { default: {} })
  counts: Record<string, number>;

  @Column('text', { nullable: true })
  error: string | null;
}
