import { Injectable } from '@nestjs/common';
import { Input, JobContext, OnJob, Prop, systemActor } from '@opsplane/core';
import { SecurityConfig } from '../security.config';
import { ENDPOINT_SCAN_JOB, ENDPOINT_SOURCE, EndpointScansService } from './endpoint-scans.service';

@Input('EndpointScanJob')
export class EndpointScanJob {
  @Prop.uuid()
  environmentId: string;
}

/** One environment's endpoint scan (any worker), and the schedule that queues every environment's. */
@Injectable()
export class EndpointScanJobs {
  constructor(private readonly scans: EndpointScansService) {}

  @OnJob(ENDPOINT_SCAN_JOB, {
    payload: EndpointScanJob,
    concurrency: 2,
    // One queued and one running per environment.
    policy: 'stately',
    retryLimit: 3,
    retryDelaySeconds: 30,
    retryBackoff: true,
    timeoutSeconds: 600,
  })
  scan(payload: EndpointScanJob, context: JobContext): Promise<Record<string, number>> {
    return this.scans.scanEnvironment(
      systemActor(ENDPOINT_SOURCE, context.jobId),
      payload.environmentId,
      context.signal,
    );
  }

  @OnJob('security.scheduled_endpoint_scan', {
    schedule: (get) => get(SecurityConfig).endpointScanCron,
    policy: 'exclusive',
    retryLimit: 2,
    timeoutSeconds: 300,
  })
  async scheduled(): Promise<Record<string, number>> {
    return { environments: await this.scans.requestAll() };
  }
}
