import { Injectable } from '@nestjs/common';
import { Clock, JobContext, OnJob, systemActor, Transactions } from '@opsplane/core';
import { DeploymentEntity } from '../deployment.entity';
import { DeploymentTransitions } from '../deployment-transitions';
import { ReleasesConfig } from '../releases.config';

/** Rows moved per transaction: short transactions, and a crash loses at most one batch's work. */
const BATCH = 200;

type Move = 'expire' | 'queue';

/**
 * Expires deployments still waiting (for approval or for their time) past `expiresAt`, then
 * queues scheduled deployments whose time has come. Core's scheduler enqueues one job per cron slot
 * across processes; rows are claimed with `FOR UPDATE SKIP LOCKED` and moved only from the status
 * they were read in, so even a run overlapping another (a retry, `POST /v1/job-types/…/run`) moves
 * each deployment once. Expiry goes first, so a deployment due after its expiry is never queued.
 */
@Injectable()
export class ScheduledDeploymentsJob {
  constructor(
    private readonly transactions: Transactions,
    private readonly transitions: DeploymentTransitions,
    private readonly clock: Clock,
  ) {}

  @OnJob('releases.scheduled-deployments', {
    schedule: (get) => get(ReleasesConfig).deploymentSchedulerCron,
    retryLimit: 3,
    retryDelaySeconds: 5,
    timeoutSeconds: 300,
  })
  async run(_payload: object, context: JobContext): Promise<Record<string, number>> {
    const now = this.clock.now();
    const expired = await this.moveAll('expire', now, context.jobId);
    const queued = await this.moveAll('queue', now, context.jobId);
    return { expired, queued };
  }

  private async moveAll(move: Move, now: Date, runId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await this.moveBatch(move, now, runId);
      total += moved;
      if (moved < BATCH) return total;
    }
  }

  private moveBatch(move: Move, now: Date, runId: string): Promise<number> {
    const actor = systemActor('scheduler', runId);
    return this.transactions.run(async (manager) => {
      const query = manager
        .getRepository(DeploymentEntity)
        .createQueryBuilder('deployment')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .limit(BATCH);
      if (move === 'expire')
        query
          .where(`deployment.status IN ('pending_approval', 'scheduled')`)
          .andWhere('deployment.expiresAt <= :now', { now })
          .orderBy('deployment.expiresAt');
      else
        query
          .where(`deployment.status = 'scheduled'`)
          .andWhere('deployment.scheduledFor <= :now', { now })
          .orderBy('deployment.scheduledFor');
      const due = await query.getMany();
      for (const entity of due) {
        const reason =
          move === 'expire'
            ? `Not queued before it expired at ${entity.expiresAt!.toISOString()}.`
            : `Scheduled for ${entity.scheduledFor!.toISOString()}.`;
        if (move === 'expire')
          await this.transitions.move(manager, actor, entity, 'expired', {
            now,
            reason,
            fields: { statusReason: reason },
          });
        else await this.transitions.move(manager, actor, entity, 'queued', { now, reason });
      }
      return due.length;
    });
  }
}
