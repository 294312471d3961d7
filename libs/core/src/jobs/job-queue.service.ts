import { createHash } from 'node:crypto';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
  ValidationPipe,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { PgBoss, type Db, type JobResult as BossJobResult, type JobWithMetadata } from 'pg-boss';
import { Counter, Gauge, Histogram } from 'prom-client';
import { EntityManager } from 'typeorm';
import { DatabaseConfig, JobsConfig } from '../config/config';
import { Transactions } from '../database/transactions';
import { AppError, CommonErrors } from '../errors/app-error';
import { createValidationPipe } from '../http/validation';
import { newId } from '../ids';
import { Metrics } from '../observability/metrics';
import { JobErrors } from './job.errors';
import { JobContext, JobHandlerMetadata, JobResult, JobTypeOptions, ON_JOB } from './on-job.decorator';

/** pg-boss's schema in the application's database. */
export const QUEUE_SCHEMA = 'pgboss';

/** A job type as this process knows it: its options with defaults filled in, and its handler. */
export interface JobType {
  type: string;
  concurrency: number;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  retryDelayMaxSeconds: number;
  timeoutSeconds: number;
  policy: NonNullable<JobTypeOptions['policy']>;
  batchSize: number;
  groupConcurrency: number | null;
  /** The cron expression, when the type is scheduled. */
  schedule: string | null;
  payload: JobTypeOptions['payload'];
  handle(payload: object, context: JobContext): Promise<JobResult>;
}

export interface EnqueueOptions {
  /**
   * With a key, the type's policy (or `singletonSeconds`) decides whether this job joins one already
   * there: `enqueue` then answers null and nothing is added.
   */
  singletonKey?: string;
  /** With `singletonKey` on a standard queue: at most one job per key per window of this many seconds. */
  singletonSeconds?: number;
  /** Not before this instant. */
  startAfter?: Date;
  /** The job's id (UUIDv7 by default; a scheduled run passes its run's id). */
  id?: string;
  /**
   * The transaction to enqueue in: the job exists only if it commits. By default the current one
   * (`Transactions.manager()`) when a transaction is open, else none.
   */
  manager?: EntityManager;
  /** Enqueue at once on the queue's own pool even inside a transaction (it survives a rollback). */
  outsideTransaction?: boolean;
  /** The job's group, for the type's `groupConcurrency`. */
  group?: string;
}

/** One job of `enqueueMany`. */
export interface JobToEnqueue {
  payload: object;
  singletonKey?: string;
  id?: string;
  startAfter?: Date;
  group?: string;
}

/**
 * Starts the installation of pg-boss's schema (or its upgrade) in `url`'s database and waits for it.
 * Runs wherever our migrations run (an app start with DB_MIGRATIONS=true, the test template); pg-boss
 * takes an advisory lock, so processes starting together install it once.
 */
export async function installQueueSchema(url: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: url,
    schema: QUEUE_SCHEMA,
    max: 2,
    migrate: true,
    supervise: false,
    schedule: false,
    registerInstance: false,
    openTelemetry: { enabled: false },
  });
  await boss.start();
  await boss.stop({ graceful: false, close: true });
}

/**
 * The work queue (pg-boss on the application's PostgreSQL): every lib declares its job types with
 * `@OnJob` and enqueues with `enqueue`. Every process enqueues; only processes with
 * JOBS_ENABLED=true process, supervise (retry jobs whose worker died) and prune.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly types = new Map<string, JobType>();
  private readonly validation: ValidationPipe = createValidationPipe();
  private boss: PgBoss;
  private stopping: Promise<void> | undefined;
  private working = false;
  private readonly duration: Histogram<'type' | 'outcome'>;
  private readonly failures: Counter<'type' | 'reason'>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly moduleRef: ModuleRef,
    private readonly config: JobsConfig,
    private readonly database: DatabaseConfig,
    private readonly transactions: Transactions,
    metrics: Metrics,
  ) {
    this.duration = new Histogram({
      name: 'opsplane_job_duration_seconds',
      help: 'Duration of job attempts handled by this process, by type and outcome.',
      labelNames: ['type', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
      registers: [metrics.registry],
    });
    this.failures = new Counter({
      name: 'opsplane_job_failures_total',
      help: 'Failed job attempts handled by this process, by type and reason (error, invalid_payload).',
      labelNames: ['type', 'reason'] as const,
      registers: [metrics.registry],
    });
    const depth = () => this.depth();
    new Gauge({
      name: 'opsplane_job_queue_depth',
      help: 'Jobs in the queue by type and state (queued, retrying, running, failed).',
      labelNames: ['type', 'state'] as const,
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const row of await depth()) this.set({ type: row.type, state: row.state }, row.count);
      },
    });
  }

  async onModuleInit(): Promise<void> {
    this.discover();
    const url = this.database.url;
    if (!url) throw new Error('DATABASE_URL is not set and no embedded PostgreSQL was started');
    this.boss = new PgBoss({
      connectionString: url,
      schema: QUEUE_SCHEMA,
      application_name: 'opsplane-jobs',
      max: this.config.poolMax,
      migrate: false, // installed with the migrations (CoreModule), or already there with DB_MIGRATIONS=false
      supervise: this.config.enabled,
      superviseIntervalSeconds: this.config.superviseIntervalSeconds,
      // How often any process may look for jobs past their timeout (a dead worker's): pg-boss claims
      // this per queue across processes, 60 s by default, so a live process that looked a moment
      // before a worker died would hold recovery back for a minute. Every supervision pass looks.
      monitorIntervalSeconds: this.config.superviseIntervalSeconds,
      schedule: false, // cron slots are claimed in job_runs (JobScheduler), to the second
      useListenNotify: this.config.enabled,
      registerInstance: false,
      openTelemetry: { enabled: false },
    });
    this.boss.on('error', (error: Error) => this.logger.error(`Queue error: ${error.message}`, error.stack));
    await this.boss.start();
    for (const type of this.types.values()) await this.ensureQueue(type);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.working = true;
    if (!this.config.enabled) return;
    for (const type of this.types.values()) {
      await this.boss.work(
        type.type,
        {
          // `concurrency` jobs at once: workers fetching `batchSize` each, run together.
          localConcurrency: workersOf(type),
          batchSize: type.batchSize,
          includeMetadata: true,
          perJobResults: true,
          pollingIntervalSeconds: this.config.pollIntervalMs / 1000,
          // Retries and delayed jobs send no notification: keep polling at the same pace.
          notifyPollingIntervalSeconds: this.config.pollIntervalMs / 1000,
          // A full batch means more is waiting: fetch again at once rather than after the interval.
          // A worker fetching one job at a time would wait the interval after each (a fan-out of
          // 1,000 jobs at 4 × 1 took 250 intervals): it keeps fetching while the queue's cached
          // backlog says more than one job is ready, and polls again once a fetch comes back empty.
          burstWhenBatchFull: type.batchSize > 1,
          ...(type.batchSize === 1 && { burstWhenReadyExceeds: 1 }),
          ...(type.groupConcurrency !== null && { localGroupConcurrency: type.groupConcurrency }),
        },
        (jobs: JobWithMetadata<object>[]) => Promise.all(jobs.map((job) => this.process(type, job))),
      );
    }
    this.logger.log(`Processing ${this.types.size} job type(s)`);
  }

  /**
   * Stops fetching, gives running jobs the drain timeout to finish, then hands back (fails for
   * retry) any still running. Before shutdown, not on it: handlers still need TypeORM's pool,
   * which closes in onApplicationShutdown.
   */
  beforeApplicationShutdown(): Promise<void> {
    this.stopping ??= this.boss
      ? this.boss.stop({ graceful: true, close: true, timeout: this.config.drainTimeoutSeconds * 1000 })
      : Promise.resolve();
    return this.stopping;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /**
   * Declares a job type in code rather than with `@OnJob` (one per outbox subscriber): during
   * `onModuleInit` of a module importing core, before the processes start working. Unscheduled.
   */
  async define(
    type: string,
    options: Omit<JobTypeOptions, 'schedule'>,
    handle: (payload: object, context: JobContext) => Promise<JobResult>,
  ): Promise<void> {
    if (this.working) throw new Error(`Job type ${type} is defined after the queue started working`);
    await this.ensureQueue(this.add(type, options, handle));
  }

  /** The job types of this process, by name. */
  jobTypes(): JobType[] {
    return [...this.types.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  jobType(type: string): JobType {
    const found = this.types.get(type);
    if (!found)
      throw new AppError(
        JobErrors.unknownType,
        `No job type named "${type}". Known: ${this.jobTypes()
          .map((t) => t.type)
          .join(', ')}.`,
      );
    return found;
  }

  /**
   * Enqueues a job of `type`, its payload validated first (400 `request.validation_failed`). Inside a
   * transaction it is written in it (see `EnqueueOptions.manager`). Answers the job's id, or null
   * when a singleton key kept it out.
   */
  async enqueue(type: string, payload: object = {}, options: EnqueueOptions = {}): Promise<string | null> {
    const jobType = this.jobType(type);
    if (this.stopping)
      throw new AppError(CommonErrors.unavailable, 'This process is shutting down; try again.');
    const data = await this.validPayload(jobType, payload);
    const manager = options.outsideTransaction ? undefined : (options.manager ?? this.transactions.manager());
    const db = manager ? await transactionDb(manager) : undefined;
    return this.boss.send(type, data, {
      id: options.id ?? newId(),
      singletonKey: options.singletonKey,
      singletonSeconds: options.singletonSeconds,
      startAfter: options.startAfter,
      ...(options.group !== undefined && { group: { id: options.group } }),
      db,
    });
  }

  /**
   * Enqueues many jobs of `type` in one statement (the outbox relay's deliveries), in order: their ids
   * rise, so jobs sharing a singleton key on a `key_strict_fifo` queue run in the order given. Each
   * payload is validated as in `enqueue`; the transaction rule is the same.
   */
  async enqueueMany(
    type: string,
    jobs: JobToEnqueue[],
    options: Pick<EnqueueOptions, 'manager' | 'outsideTransaction'> = {},
  ): Promise<void> {
    if (jobs.length === 0) return;
    const jobType = this.jobType(type);
    if (this.stopping)
      throw new AppError(CommonErrors.unavailable, 'This process is shutting down; try again.');
    const rows = [];
    for (const job of jobs)
      rows.push({
        id: job.id ?? newId(),
        data: await this.validPayload(jobType, job.payload),
        singletonKey: job.singletonKey,
        startAfter: job.startAfter,
        ...(job.group !== undefined && { group: { id: job.group } }),
      });
    const manager = options.outsideTransaction ? undefined : (options.manager ?? this.transactions.manager());
    const db = manager ? await transactionDb(manager) : undefined;
    await this.boss.insert(type, rows, { db });
  }

  /** The pg-boss instance, for the admin operations of JobsService. */
  get queue(): PgBoss {
    return this.boss;
  }

  private async process(type: JobType, job: JobWithMetadata<object>): Promise<BossJobResult> {
    const started = performance.now();
    const context: JobContext = {
      jobId: job.id,
      type: type.type,
      attempt: job.retryCount + 1,
      maxAttempts: job.retryLimit + 1,
      signal: job.signal,
    };
    let payload: object;
    try {
      payload = await this.validPayload(type, job.data ?? {});
    } catch (error) {
      this.failures.inc({ type: type.type, reason: 'invalid_payload' });
      // No retry can fix a payload: fail it for good.
      return { id: job.id, status: 'deadletter', output: errorOutput(error) };
    }
    try {
      const result = await type.handle(payload, context);
      this.duration.observe({ type: type.type, outcome: 'succeeded' }, (performance.now() - started) / 1000);
      return { id: job.id, status: 'completed', output: result ?? {} };
    } catch (error) {
      this.duration.observe({ type: type.type, outcome: 'failed' }, (performance.now() - started) / 1000);
      this.failures.inc({ type: type.type, reason: 'error' });
      this.logger.warn(
        `Job ${type.type} ${job.id} attempt ${context.attempt}/${context.maxAttempts} failed: ${errorOutput(error).message}`,
      );
      return { id: job.id, status: 'failed', output: errorOutput(error) };
    }
  }

  private async validPayload(type: JobType, payload: object): Promise<object> {
    if (!type.payload) return {};
    const valid = (await this.validation.transform(payload, {
      type: 'body',
      metatype: type.payload,
    })) as object;
    return JSON.parse(JSON.stringify(valid)) as object;
  }

  private discover(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = instance[method];
        const meta = Reflect.getMetadata(ON_JOB, handler as object) as JobHandlerMetadata | undefined;
        if (!meta) continue;
        // Looked up on each call, so a method replaced on the instance (a test's spy) is the one run.
        this.add(meta.type, meta.options, (payload, context) =>
          (instance[method] as (p: object, c: JobContext) => Promise<JobResult>).call(
            instance,
            payload,
            context,
          ),
        );
      }
    }
  }

  private add(
    type: string,
    options: JobTypeOptions,
    handle: (payload: object, context: JobContext) => Promise<JobResult>,
  ): JobType {
    if (this.types.has(type)) throw new Error(`@OnJob: job type ${type} is declared twice`);
    const jobType: JobType = {
      type,
      concurrency: options.concurrency ?? 1,
      retryLimit: options.retryLimit ?? 2,
      retryDelaySeconds: options.retryDelaySeconds ?? 5,
      retryBackoff: options.retryBackoff ?? true,
      retryDelayMaxSeconds: options.retryDelayMaxSeconds ?? 3600,
      timeoutSeconds: options.timeoutSeconds ?? 900,
      policy: options.policy ?? 'standard',
      batchSize: Math.min(options.batchSize ?? 1, options.concurrency ?? 1),
      groupConcurrency: options.groupConcurrency ?? null,
      schedule: options.schedule ? options.schedule((t) => this.moduleRef.get(t, { strict: false })) : null,
      payload: options.payload,
      handle,
    };
    if (jobType.groupConcurrency !== null && jobType.groupConcurrency > workersOf(jobType))
      throw new Error(
        `Job type ${type}: groupConcurrency ${jobType.groupConcurrency} exceeds its ${workersOf(jobType)} workers (concurrency / batchSize)`,
      );
    this.types.set(type, jobType);
    return jobType;
  }

  /** Creates the type's queue, or brings its retry, timeout and retention settings up to date. */
  private async ensureQueue(type: JobType): Promise<void> {
    const settings = {
      retryLimit: type.retryLimit,
      retryDelay: type.retryDelaySeconds,
      retryBackoff: type.retryBackoff,
      // pg-boss takes a maximum only with backoff (and refuses the key otherwise, even undefined)
      ...(type.retryBackoff ? { retryDelayMax: type.retryDelayMaxSeconds } : {}),
      expireInSeconds: type.timeoutSeconds,
      deleteAfterSeconds: this.config.retentionDays * 86_400,
      notify: true,
    };
    const existing = await this.boss.getQueue(type.type);
    if (existing) {
      const same =
        existing.retryLimit === settings.retryLimit &&
        existing.retryDelay === settings.retryDelay &&
        existing.retryBackoff === settings.retryBackoff &&
        (existing.retryDelayMax ?? undefined) ===
          (type.retryBackoff ? type.retryDelayMaxSeconds : undefined) &&
        existing.expireInSeconds === settings.expireInSeconds &&
        existing.deleteAfterSeconds === settings.deleteAfterSeconds &&
        existing.notify === settings.notify;
      if (!same) await this.boss.updateQueue(type.type, settings);
      return;
    }
    try {
      await this.boss.createQueue(type.type, { ...settings, policy: type.policy });
    } catch (error) {
      // Another process created it meanwhile.
      if (!(await this.boss.getQueue(type.type))) throw error;
    }
  }

  private async depth(): Promise<{ type: string; state: string; count: number }[]> {
    if (!this.boss || this.stopping) return [];
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT name AS type, state::text AS state, count(*)::int AS count FROM ${QUEUE_SCHEMA}.job
        WHERE state IN ('created', 'retry', 'active', 'failed') GROUP BY name, state`,
    );
    const names: Record<string, string> = {
      created: 'queued',
      retry: 'retrying',
      active: 'running',
      failed: 'failed',
    };
    return (rows as { type: string; state: string; count: number }[]).map((row) => ({
      ...row,
      state: names[row.state] ?? row.state,
    }));
  }
}

/** Workers per process: together they run `concurrency` jobs, `batchSize` each. */
function workersOf(type: JobType): number {
  return Math.ceil(type.concurrency / type.batchSize);
}

function errorOutput(error: unknown): { message: string; name: string; code?: string } {
  if (error instanceof AppError) return { message: error.message, name: error.name, code: error.code };
  if (error instanceof Error) return { message: error.message, name: error.name };
  return { message: String(error), name: 'Error' };
}

interface PgClient {
  query(config: { name: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** Statement names by SQL text: pg-boss's statements are few and fixed, so each is prepared once per connection. */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `opsplane_jobs_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * pg-boss's `db` option for the transaction `manager` belongs to: its statements run on that
 * transaction's connection (as prepared statements, which halves their cost), so the job commits
 * or rolls back with the change. Undefined when no transaction is open there.
 */
async function transactionDb(manager: EntityManager): Promise<Db | undefined> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return undefined;
  const client = (await runner.connect()) as PgClient;
  return {
    executeSql: async (text: string, values?: unknown[]) =>
      client.query({ name: statementName(text), text, values }),
  };
}
