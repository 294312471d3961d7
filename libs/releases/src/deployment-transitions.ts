import { Injectable } from '@nestjs/common';
import { Actor, assertTransition, ChangeRecorder } from '@opsplane/core';
import { EntityManager } from 'typeorm';
import { CurrentDeploymentEntity } from './current-deployment.entity';
import { DeploymentEntity } from './deployment.entity';
import { DEPLOYMENT_MACHINE, DeploymentStatus, isFinished } from './deployment-status';
import { DeploymentModel, toDeploymentModel } from './dto/deployment.model';

/** The audit action and outbox event type of each status a deployment moves to. */
const ACTION_OF: Record<Exclude<DeploymentStatus, 'pending_approval'>, string> = {
  scheduled: 'deployment.scheduled',
  queued: 'deployment.queued',
  running: 'deployment.started',
  succeeded: 'deployment.succeeded',
  failed: 'deployment.failed',
  canceled: 'deployment.canceled',
  rejected: 'deployment.rejected',
  expired: 'deployment.expired',
};

export interface DeploymentMove {
  /** The instant the move is judged at: stamped as `queuedAt`, `startedAt` or `finishedAt`. */
  now: Date;
  /** The audit event's reason. */
  reason?: string | null;
  /** Other columns the move sets (`statusReason`, the freeze override). */
  fields?: Partial<DeploymentEntity>;
}

/**
 * The one place a deployment's status changes, whoever asks (the CI/CD tool's status reports,
 * approvals, the scheduler): the state machine's check, the status with the timestamp it implies,
 * the current deployment on success, and the audit and outbox events, in the caller's transaction.
 */
@Injectable()
export class DeploymentTransitions {
  constructor(private readonly changes: ChangeRecorder) {}

  /**
   * Moves `entity`, locked by the caller, to `to` (409 `deployment.illegal_transition` when the
   * machine does not allow it) and records `deployment.<event>` with before and after. Answers the
   * row as it now is (its version incremented by the update).
   */
  async move(
    manager: EntityManager,
    actor: Actor,
    entity: DeploymentEntity,
    to: Exclude<DeploymentStatus, 'pending_approval'>,
    move: DeploymentMove,
  ): Promise<{ entity: DeploymentEntity; model: DeploymentModel }> {
    assertTransition(DEPLOYMENT_MACHINE, entity, to);
    const changes: Partial<DeploymentEntity> = { status: to, ...move.fields, ...stampOf(to, move.now) };
    // The version column is incremented by the update itself.
    await manager.update(DeploymentEntity, { id: entity.id }, changes);
    if (to === 'succeeded')
      await manager.upsert(
        CurrentDeploymentEntity,
        {
          environmentId: entity.environmentId,
          serviceId: entity.serviceId,
          deploymentId: entity.id,
          releaseId: entity.releaseId,
          succeededAt: move.now,
        },
        ['environmentId', 'serviceId'],
      );
    const moved: DeploymentEntity = { ...entity, ...changes, version: entity.version + 1 };
    const model = toDeploymentModel(moved);
    await this.changes.record(manager, actor, {
      action: ACTION_OF[to],
      targetType: 'deployment',
      targetId: entity.id,
      before: toDeploymentModel(entity),
      after: model,
      reason: move.reason,
    });
    return { entity: moved, model };
  }
}

function stampOf(to: DeploymentStatus, now: Date): Partial<DeploymentEntity> {
  if (to === 'queued') return { queuedAt: now };
  if (to === 'running') return { startedAt: now };
  if (isFinished(to)) return { finishedAt: now };
  return {};
}
