import { Injectable } from '@nestjs/common';
import { Change, ChangeRecorder, Clock, JobContext, OnJob, systemActor, Transactions } from '@opsplane/core';
import { toFindingModel, toFindingRecord } from './dto/finding.model';
import { FindingEntity } from './finding.entity';
import { statusAction } from './finding-status';
import { changeStatus, saveFindings } from './finding-transitions';
import { FindingsConfig } from './findings.config';
import { FindingsService } from './findings.service';

/** Findings moved per transaction: short transactions; a crash loses at most one batch's work. */
const BATCH = 500;

type Sweep = 'expire_acceptances' | 'record_breaches';

/**
 * The findings' clock: reopens accepted risks whose acceptance has expired (`finding.reopened`),
 * then records SLA breaches of open and triaged findings past their due date
 * (`finding.sla_breached`, once per finding and opening). Rows are claimed `FOR UPDATE SKIP
 * LOCKED` and judged at the Clock's time, so overlapping runs move each finding once. Expiry goes
 * first: an acceptance that outlived the due date is a breach at once.
 */
@Injectable()
export class FindingsSweep {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly findings: FindingsService,
    private readonly clock: Clock,
  ) {}

  @OnJob('findings.sweep', {
    schedule: (get) => get(FindingsConfig).sweepCron,
    policy: 'exclusive',
    retryLimit: 3,
    retryDelaySeconds: 5,
    timeoutSeconds: 300,
  })
  async run(_payload: object, context: JobContext): Promise<Record<string, number>> {
    const now = this.clock.now();
    const reopened = await this.sweepAll('expire_acceptances', now, context.jobId);
    const breached = await this.sweepAll('record_breaches', now, context.jobId);
    return { reopened, breached };
  }

  private async sweepAll(sweep: Sweep, now: Date, runId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await this.sweepBatch(sweep, now, runId);
      total += moved;
      if (moved < BATCH) return total;
    }
  }

  private sweepBatch(sweep: Sweep, now: Date, runId: string): Promise<number> {
    const actor = systemActor('findings', runId);
    return this.transactions.run(async (manager) => {
      const query = manager
        .getRepository(FindingEntity)
        .createQueryBuilder('finding')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .limit(BATCH);
      // Each condition is a partial index's (findings_accepted_until_idx, findings_sla_due_idx).
      if (sweep === 'expire_acceptances')
        query.where(`finding.status = 'accepted'`).andWhere('finding.acceptedUntil <= :now', { now });
      else
        query
          .where(`finding.status IN ('open', 'triaged')`)
          .andWhere('finding.slaBreachedAt IS NULL')
          .andWhere('finding.slaDueAt <= :now', { now });
      const due = await query.getMany();
      if (due.length === 0) return 0;
      const policy = await this.findings.policy(manager);
      const changed: FindingEntity[] = [];
      const records: Change[] = [];
      for (const finding of due) {
        const next =
          sweep === 'expire_acceptances'
            ? changeStatus(
                finding,
                {
                  to: 'open',
                  by: actor.id,
                  reason: `The risk acceptance (approved by ${finding.acceptedBy}) expired at ${finding.acceptedUntil!.toISOString()}.`,
                },
                now,
                policy,
              )
            : { ...finding, slaBreachedAt: now, version: finding.version + 1, updatedAt: now };
        changed.push(next);
        records.push({
          action:
            sweep === 'expire_acceptances' ? statusAction(finding.status, 'open') : 'finding.sla_breached',
          targetType: 'finding',
          targetId: finding.id,
          before: toFindingRecord(toFindingModel(finding, now)),
          after: toFindingRecord(toFindingModel(next, now)),
          reason:
            sweep === 'expire_acceptances'
              ? next.statusReason
              : `Not resolved by its SLA due date ${finding.slaDueAt!.toISOString()} (${finding.severity}).`,
        });
      }
      await saveFindings(manager, changed);
      await this.changes.recordMany(manager, actor, records);
      return due.length;
    });
  }
}
