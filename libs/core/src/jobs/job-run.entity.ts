import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type JobTrigger = 'schedule' | 'manual';

/**
 * One row per scheduled (or manual) run of a scheduled job type. The unique (job, slot) pair is
 * the claim: whichever process inserts it enqueues that slot's job (same id as this row, in the
 * same transaction); every other process skips it. What the job then did is on the queue's job.
 */
@Entity({ name: 'job_runs' })
@Index('job_runs_job_slot_key', ['job', 'slot'], { unique: true })
@Index('job_runs_claimed_at_idx', ['claimedAt'])
export class JobRunEntity {
  /** Also the id of the job it enqueued. */
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  job: string;

  /** The scheduled time this run stands for; for manual runs, the time of the request. */
  @Column('timestamptz')
  slot: Date;

  @Column('text')
  trigger: JobTrigger;

  /** Which process claimed it (host:pid:random), to tell replicas apart. */
  @Column('text')
  instanceId: string;

  @Column('timestamptz')
  claimedAt: Date;
}
