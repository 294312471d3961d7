import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../auth/api-keys.service';
import { Clock } from '../clock';
import { JobsConfig } from '../config/config';
import { IdempotencyKeyEntity } from '../http/idempotency-key.entity';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { JobRunEntity } from './job-run.entity';
import { OnJob } from './on-job.decorator';

/** Expired keys stay listable (and in the audit log) for a while before they are deleted. */
const API_KEY_RETENTION_DAYS = 30;

/**
 * Deletes what has outlived its use: expired idempotency keys, long-expired API keys, and job runs
 * and published outbox events past JOBS_RETENTION_DAYS. (The queue prunes its own finished jobs
 * after the same period: each queue's deleteAfterSeconds.)
 */
@Injectable()
export class HousekeepingJob {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    private readonly config: JobsConfig,
    private readonly clock: Clock,
  ) {}

  @OnJob('core.housekeeping', {
    schedule: (get) => get(JobsConfig).housekeepingCron,
    retryLimit: 2,
    timeoutSeconds: 600,
  })
  async run(): Promise<Record<string, number>> {
    const now = this.clock.now();
    const retainedSince = new Date(now.getTime() - this.config.retentionDays * 86_400_000);
    const idempotency = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKeyEntity)
      .where('expires_at < :now', { now })
      .execute();
    const apiKeysDeleted = await this.apiKeys.deleteExpired(
      new Date(now.getTime() - API_KEY_RETENTION_DAYS * 86_400_000),
    );
    const jobRuns = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(JobRunEntity)
      .where('claimed_at < :retainedSince', { retainedSince })
      .execute();
    const outbox = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OutboxEventEntity)
      .where('published_at IS NOT NULL AND published_at < :retainedSince', { retainedSince })
      .execute();
    return {
      idempotencyKeysDeleted: idempotency.affected ?? 0,
      apiKeysDeleted,
      jobRunsDeleted: jobRuns.affected ?? 0,
      outboxEventsDeleted: outbox.affected ?? 0,
    };
  }
}
