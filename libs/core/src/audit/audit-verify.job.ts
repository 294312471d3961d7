import { Injectable } from '@nestjs/common';
import { Clock } from '../clock';
import { JobsConfig } from '../config/config';
import { OnJob } from '../jobs/on-job.decorator';
import { AuditLogService } from './audit-log.service';

/**
 * Rehashes the whole audit chain on AUDIT_VERIFY_CRON and keeps a checkpoint where it ended, so
 * that reports and scans, which verify the chain every time, rehash only what came after.
 */
@Injectable()
export class AuditVerifyJob {
  constructor(
    private readonly auditLog: AuditLogService,
    private readonly clock: Clock,
  ) {}

  @OnJob('core.audit_verify', {
    schedule: (get) => get(JobsConfig).auditVerifyCron,
    retryLimit: 2,
    timeoutSeconds: 3600,
  })
  async run(): Promise<Record<string, number>> {
    const verification = await this.auditLog.checkpoint(this.clock.now());
    return { intact: verification.isIntact ? 1 : 0, checked: verification.checkedCount };
  }
}
