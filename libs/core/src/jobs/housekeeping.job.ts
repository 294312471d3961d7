import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../auth/api-keys.service';
import { Clock } from '../clock';
import { JobsConfig } from '../config/config';
import { IdempotencyKeyEntity } from '../http/idempotency-key.entity';
import { Job, ScheduledJob } from './job.decorator';
import { JobRunner } from './job-runner.service';

/** Expired keys stay listable (and in the audit log) for a while before they are deleted. */
const API_KEY_RETENTION_DAYS = 30;

@Injectable()
@Job('core.housekeeping')
export class HousekeepingJob implements ScheduledJob {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    private readonly runner: JobRunner,
    private readonly config: JobsConfig,
    private readonly clock: Clock,
  ) {}

  get schedule(): string {
    return this.config.housekeepingCron;
  }

  async run(): Promise<Record<string, number>> {
    const now = this.clock.now();
    const idempotency = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKeyEntity)
      .where('expires_at < :now', { now })
      .execute();
    const apiKeysDeleted = await this.apiKeys.deleteExpired(
      new Date(now.getTime() - API_KEY_RETENTION_DAYS * 86_400_000),
    );
    const jobRunsAbandoned = await this.runner.abandonStaleRuns(now);
    return { idempotencyKeysDeleted: idempotency.affected ?? 0, apiKeysDeleted, jobRunsAbandoned };
  }
}
