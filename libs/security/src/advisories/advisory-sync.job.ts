import { Injectable } from '@nestjs/common';
import { JobContext, OnJob, systemActor } from '@opsplane/core';
import { SecurityConfig } from '../security.config';
import { AdvisorySyncService } from './advisory-sync.service';

/** The scheduled sync of the advisory database (run it now: POST /v1/job-types/security.advisory_sync/run). */
@Injectable()
export class AdvisorySyncJob {
  constructor(private readonly sync: AdvisorySyncService) {}

  @OnJob('security.advisory_sync', {
    schedule: (get) => get(SecurityConfig).advisorySyncCron,
    policy: 'exclusive',
    retryLimit: 3,
    retryDelaySeconds: 60,
    retryBackoff: true,
    timeoutSeconds: 3600,
  })
  async run(_payload: object, context: JobContext): Promise<Record<string, number>> {
    const outcomes = await this.sync.syncAll(systemActor('advisory-sync', context.jobId), context.signal);
    const count = (status: string) => outcomes.filter((outcome) => outcome.status === status).length;
    const failed = outcomes.filter((outcome) => outcome.status === 'failed');
    // Failed, so it is retried (with backoff) and shows in the jobs API; unchanged sources then cost a 304.
    if (failed.length > 0)
      throw new Error(failed.map((outcome) => `${outcome.url}: ${outcome.error}`).join('; '));
    return { sources: outcomes.length, imported: count('imported'), notModified: count('not_modified') };
  }
}
