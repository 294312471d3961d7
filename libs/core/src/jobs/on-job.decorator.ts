import { SetMetadata, Type } from '@nestjs/common';

export const ON_JOB = 'opsplane:on-job';

/** Resolves a provider by its class, to read a schedule from config (`get(JobsConfig).housekeepingCron`). */
export type ProviderLookup = <T>(type: abstract new (...args: never[]) => T) => T;

/**
 * How a job type is processed. Retry, timeout and policy are stored on the type's queue, so every
 * process (API replica, worker) enqueues and retries it the same way.
 */
export interface JobTypeOptions {
  /**
   * The payload's class (`Prop.*` fields): a payload is validated with the same rules as a request
   * body when it is enqueued (400 `request.validation_failed`) and again before it is handled (a
   * job whose payload no longer passes fails at once, without retries). Omit for jobs taking none.
   */
  payload?: Type<object>;
  /** Jobs of this type one process handles at once. Default 1. */
  concurrency?: number;
  /** Retries after the first attempt before the job lands as failed. Default 2. */
  retryLimit?: number;
  /** Seconds before a retry; with `retryBackoff` the first of exponentially growing delays (with jitter). Default 5. */
  retryDelaySeconds?: number;
  /** Exponential backoff between retries. Default true. */
  retryBackoff?: boolean;
  /** Upper bound of a backed-off delay, seconds. Default 3600. */
  retryDelayMaxSeconds?: number;
  /**
   * An attempt still running after this long has failed: its handler's `signal` aborts, and an
   * attempt whose process died is retried by another process once it passes. Default 900.
   */
  timeoutSeconds?: number;
  /**
   * pg-boss queue policy. `standard` (default); `short`: at most one job queued per singleton key;
   * `singleton`: at most one active per key; `stately`: one queued and one active per key;
   * `exclusive`: one queued or active per key; `key_strict_fifo`: jobs of one key run one at a time in
   * the order they were enqueued (one in retry or failed holds its key's successors back, not other
   * keys'), every job needs a key.
   */
  policy?: 'standard' | 'short' | 'singleton' | 'stately' | 'exclusive' | 'key_strict_fifo';
  /**
   * A cron expression (UTC; 5 fields, or 6 with seconds) on which a job of this type is enqueued.
   * Each slot is claimed once in `job_runs` however many processes fire it.
   */
  schedule?: (get: ProviderLookup) => string;
  /**
   * Jobs one worker fetches per round trip and runs together (at most `concurrency`); the process
   * runs concurrency / batchSize workers. For many short jobs: a worker whose fetch came back full
   * fetches again at once, while one fetching a job at a time waits for the next notification or
   * poll after each. A batch's next fetch waits for its slowest job. Default 1.
   */
  batchSize?: number;
  /**
   * Jobs of one group (`EnqueueOptions.group`, e.g. a webhook's id) one process runs at once, so one
   * slow group cannot take every slot of `concurrency`; at most the number of workers
   * (concurrency / batchSize). Unlimited by default.
   */
  groupConcurrency?: number;
}

/** What a handler knows about the attempt it runs. */
export interface JobContext {
  jobId: string;
  type: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** Attempts allowed in all (retryLimit + 1). */
  maxAttempts: number;
  /** Aborted when the attempt times out or the process stops before it finishes. */
  signal: AbortSignal;
}

/** A handler's result: stored on the job (and shown by the API), e.g. `{ deleted: 12 }`. */
export type JobResult = Record<string, number | string | boolean | null> | void;

export interface JobHandlerMetadata {
  type: string;
  options: JobTypeOptions;
}

/**
 * Declares a job type and its handler, on a method of a provider of the lib's plain module (so both
 * the API and the worker have it):
 *
 *   @OnJob('security.scan_environment', { payload: ScanEnvironmentJob, concurrency: 4, timeoutSeconds: 120 })
 *   async scan(payload: ScanEnvironmentJob, context: JobContext): Promise<JobResult> { … }
 *
 * Work is enqueued with `JobQueue.enqueue(type, payload)`. The type name is `<context>.<name>`.
 */
export const OnJob = (type: string, options: JobTypeOptions = {}): MethodDecorator =>
  SetMetadata<string, JobHandlerMetadata>(ON_JOB, { type, options });
