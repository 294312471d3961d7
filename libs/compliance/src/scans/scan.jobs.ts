import { Injectable } from '@nestjs/common';
import { Input, JobContext, OnJob, Prop, systemActor } from '@opsplane/core';
import { ComplianceConfig } from '../compliance.config';
import { CONTROL_SUBJECT_TYPES, ControlSubjectType } from '../controls/control-language';
import { SCAN_SUBJECT_JOB, ScansService } from './scans.service';

@Input('ComplianceScanSubjectJob')
export class ScanSubjectJob {
  @Prop.uuid()
  scanId: string;

  @Prop.enum(CONTROL_SUBJECT_TYPES, 'ControlSubjectType')
  subjectType: ControlSubjectType;

  @Prop.uuid()
  subjectId: string;
}

/** The scan's jobs: one per subject (any worker), and the schedule that starts a scan of everything. */
@Injectable()
export class ScanJobs {
  constructor(private readonly scans: ScansService) {}

  @OnJob(SCAN_SUBJECT_JOB, {
    payload: ScanSubjectJob,
    // Two workers of two: a full batch fetches the next at once (see JobQueue), and one slow
    // subject holds back only its own batch.
    concurrency: 4,
    batchSize: 2,
    retryLimit: 5,
    retryDelaySeconds: 5,
    retryBackoff: true,
    timeoutSeconds: 300,
  })
  scanSubject(payload: ScanSubjectJob): Promise<Record<string, number>> {
    return this.scans.scanSubject(payload.scanId, payload.subjectType, payload.subjectId);
  }

  @OnJob('compliance.scheduled_scan', {
    schedule: (get) => get(ComplianceConfig).scanCron,
    policy: 'exclusive',
    retryLimit: 2,
    timeoutSeconds: 600,
  })
  async scheduled(_payload: object, context: JobContext): Promise<Record<string, number>> {
    const scan = await this.scans.start(systemActor('compliance', context.jobId), {}, 'schedule');
    return { subjects: scan.subjectsTotal };
  }
}
