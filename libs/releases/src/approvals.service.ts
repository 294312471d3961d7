import { Injectable } from '@nestjs/common';
import { EnvironmentsService } from '@opsplane/catalog';
import {
  Actor,
  AppError,
  assertTransition,
  ChangeRecorder,
  Clock,
  isUniqueViolation,
  isUuid,
  loadForUpdate,
  newId,
  putSetting,
  removeSetting,
  SettingResource,
  Transactions,
} from '@opsplane/core';
import { EntityManager, In } from 'typeorm';
import { DeploymentApprovalEntity, EnvironmentApprovalRuleEntity } from './approval.entity';
import { DeploymentEntity } from './deployment.entity';
import { DeploymentTransitions } from './deployment-transitions';
import { DEPLOYMENT_MACHINE } from './deployment-status';
import {
  ApprovalRuleModel,
  ApproveDeploymentInput,
  DeploymentApprovalList,
  DeploymentApprovalModel,
  RejectDeploymentInput,
  SetApprovalRuleInput,
} from './dto/approval.model';
import { DeploymentModel, toDeploymentModel } from './dto/deployment.model';
import { ReleaseErrors } from './release.errors';

/**
 * Approval rules per environment and the decisions on deployments waiting in `pending_approval`.
 * Approving never starts anything by itself: a fully approved deployment is queued only when the
 * deciding approver asks (`queue: true`) or someone queues it later (GitLab users complained both
 * ways; this serves both). Reads go through `Transactions.manager()`: the rule is read while an
 * idempotent deployment request holds its transaction.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly environments: EnvironmentsService,
    private readonly transitions: DeploymentTransitions,
    private readonly clock: Clock,
  ) {}

  async getRule(environmentIdOrSlug: string): Promise<ApprovalRuleModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const rule = await this.ruleFor(environment.id);
    if (!rule)
      throw new AppError(
        ReleaseErrors.approvalRuleNotFound,
        `Environment ${environment.slug} has no approval rule; its deployments are queued at once.`,
      );
    return rule;
  }

  /** The rule deployments into this environment get at request time, or null. */
  async ruleFor(environmentId: string): Promise<ApprovalRuleModel | null> {
    const rule = await this.transactions
      .manager()
      .findOneBy(EnvironmentApprovalRuleEntity, { environmentId });
    return rule ? toRuleModel(rule) : null;
  }

  /** Creates or replaces the rule; deployments already requested keep the rule they were requested under. */
  async setRule(
    actor: Actor,
    environmentIdOrSlug: string,
    input: SetApprovalRuleInput,
    expectedVersion?: number,
  ): Promise<ApprovalRuleModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const now = this.clock.now();
    const fields = {
      requiredApprovals: input.requiredApprovals,
      approverRole: input.approverRole,
      allowSelfApproval: input.allowSelfApproval ?? false,
      updatedAt: now,
      updatedBy: actor.id,
    };
    return this.transactions.run((manager) =>
      putSetting(manager, this.changes, actor, APPROVAL_RULE, environment.id, fields, expectedVersion),
    );
  }

  async removeRule(
    actor: Actor,
    environmentIdOrSlug: string,
    expectedVersion?: number,
  ): Promise<ApprovalRuleModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    return this.transactions.run((manager) =>
      removeSetting(manager, this.changes, actor, APPROVAL_RULE, environment.id, expectedVersion, () =>
        noRule(environment.slug),
      ),
    );
  }

  /** Oldest first. */
  async decisions(deploymentId: string): Promise<DeploymentApprovalList> {
    await this.loadDeployment(deploymentId);
    return { items: await this.decisionsOf(deploymentId) };
  }

  async decisionsOf(deploymentId: string): Promise<DeploymentApprovalModel[]> {
    return (await this.decisionsOfMany([deploymentId]))[0];
  }

  /** The decisions of each deployment, oldest first, in the order of `deploymentIds`; one query. */
  async decisionsOfMany(deploymentIds: readonly string[]): Promise<DeploymentApprovalModel[][]> {
    const rows = await this.transactions.manager().find(DeploymentApprovalEntity, {
      where: { deploymentId: In([...deploymentIds]) },
      order: { id: 'ASC' },
    });
    const byDeployment = new Map(deploymentIds.map((id) => [id, [] as DeploymentApprovalModel[]]));
    for (const row of rows) byDeployment.get(row.deploymentId)?.push(toDecisionModel(row));
    return deploymentIds.map((id) => byDeployment.get(id)!);
  }

  async approve(actor: Actor, id: string, input: ApproveDeploymentInput): Promise<DeploymentModel> {
    return this.decide(actor, id, 'approved', input.comment?.trim() || null, input.queue === true);
  }

  async reject(actor: Actor, id: string, input: RejectDeploymentInput): Promise<DeploymentModel> {
    const comment = input.comment?.trim();
    if (!comment)
      throw new AppError(ReleaseErrors.reasonRequired, 'Say why the deployment is rejected.', {
        errors: [{ path: 'comment', message: 'must not be blank' }],
      });
    return this.decide(actor, id, 'rejected', comment, false);
  }

  /**
   * Moves an approved deployment on to `queued` (or `scheduled` while its time is ahead; 409
   * `approval.missing` while approvals are missing), or a `scheduled` one to `queued` now instead of
   * at its time.
   */
  async queue(actor: Actor, id: string): Promise<DeploymentModel> {
    if (!isUuid(id)) throw notFound(id);
    return this.transactions.run(async (manager) => {
      const entity = await loadForUpdate(manager, DeploymentEntity, id, undefined, () => notFound(id));
      assertTransition(DEPLOYMENT_MACHINE, entity, 'queued');
      if (entity.status === 'scheduled') return this.moveToQueued(manager, actor, entity, true);
      if (!toDeploymentModel(entity).isApproved)
        throw new AppError(
          ReleaseErrors.approvalMissing,
          `Deployment ${id} has ${entity.approvalsReceived} of ${entity.approvalsRequired ?? 0} required approvals.`,
        );
      return this.moveToQueued(manager, actor, entity, false);
    });
  }

  private async decide(
    actor: Actor,
    id: string,
    decision: 'approved' | 'rejected',
    comment: string | null,
    queue: boolean,
  ): Promise<DeploymentModel> {
    if (!isUuid(id)) throw notFound(id);
    try {
      return await this.transactions.run(async (manager) => {
        const entity = await loadForUpdate(manager, DeploymentEntity, id, undefined, () => notFound(id));
        // A deployment without a rule snapshot never waited for approval; it cannot be decided on.
        assertTransition(
          DEPLOYMENT_MACHINE,
          entity,
          entity.approvalsRequired === null ? 'pending_approval' : 'rejected',
        );
        assertMayDecide(actor, entity, decision);
        const already = await manager.findOneBy(DeploymentApprovalEntity, {
          deploymentId: id,
          actorId: actor.id,
        });
        if (already) throw alreadyDecided(actor, already.decision);
        const now = this.clock.now();
        const row: DeploymentApprovalEntity = {
          id: newId(),
          deploymentId: id,
          decision,
          actorId: actor.id,
          actorName: actor.name,
          actorRole: actor.role,
          comment,
          decidedAt: now,
        };
        await manager.insert(DeploymentApprovalEntity, row);
        if (decision === 'rejected') {
          const rejected = await this.transitions.move(manager, actor, entity, 'rejected', {
            now,
            reason: comment,
            fields: { statusReason: comment },
          });
          return rejected.model;
        }
        const changes = { approvalsReceived: entity.approvalsReceived + 1 };
        await manager.update(DeploymentEntity, { id }, changes);
        const updated = { ...entity, ...changes, version: entity.version + 1 };
        const after = toDeploymentModel(updated);
        await this.changes.record(manager, actor, {
          action: 'deployment.approved',
          targetType: 'deployment',
          targetId: id,
          before: toDeploymentModel(entity),
          after,
          reason: comment,
        });
        // A scheduled deployment's time is already the request to queue it; approval completes it.
        if (after.isApproved && (queue || entity.scheduledFor))
          return this.moveToQueued(manager, actor, updated, false);
        return after;
      });
    } catch (error) {
      // The same key deciding twice at once: the unique key lets one through.
      if (!isUniqueViolation(error, 'deployment_approvals_actor_key')) throw error;
      throw alreadyDecided(actor, null);
    }
  }

  /** `queued`, or `scheduled` while its scheduled time is still ahead (the scheduler queues it then). */
  private async moveToQueued(
    manager: EntityManager,
    actor: Actor,
    entity: DeploymentEntity,
    immediately: boolean,
  ): Promise<DeploymentModel> {
    const now = this.clock.now();
    const to = !immediately && entity.scheduledFor && entity.scheduledFor > now ? 'scheduled' : 'queued';
    return (await this.transitions.move(manager, actor, entity, to, { now })).model;
  }

  private async loadDeployment(id: string): Promise<void> {
    if (!isUuid(id)) throw notFound(id);
    const found = await this.transactions.manager().existsBy(DeploymentEntity, { id });
    if (!found) throw notFound(id);
  }
}

function assertMayDecide(
  actor: Actor,
  deployment: DeploymentEntity,
  decision: 'approved' | 'rejected',
): void {
  const role = deployment.approverRole;
  if (actor.role !== role && actor.role !== 'admin')
    throw new AppError(
      ReleaseErrors.approvalRoleRequired,
      `Approvals for this deployment need the ${role} role (or admin); this key is ${actor.role}.`,
    );
  // Rejecting your own request is allowed: it only withdraws it.
  if (decision === 'approved' && deployment.requestedBy === actor.id && !deployment.allowSelfApproval)
    throw new AppError(
      ReleaseErrors.selfApproval,
      'The requester cannot approve their own deployment; another approver must.',
    );
}

function alreadyDecided(actor: Actor, decision: string | null): AppError {
  return new AppError(
    ReleaseErrors.alreadyDecided,
    `${actor.name} has already ${decision ?? 'decided'} on this deployment; each approver counts once.`,
  );
}

const APPROVAL_RULE: SettingResource<EnvironmentApprovalRuleEntity, ApprovalRuleModel> = {
  entity: EnvironmentApprovalRuleEntity,
  keyField: 'environmentId',
  primaryKey: 'environment_approval_rules_pkey',
  action: 'approval_rule',
  targetType: 'environment',
  toModel: toRuleModel,
  absent: 'the environment has no approval rule now',
  concurrent: 'The rule was set concurrently; fetch it and retry.',
};

function noRule(slug: string): AppError {
  return new AppError(ReleaseErrors.approvalRuleNotFound, `Environment ${slug} has no approval rule.`);
}

function toRuleModel(rule: EnvironmentApprovalRuleEntity): ApprovalRuleModel {
  return {
    environmentId: rule.environmentId,
    requiredApprovals: rule.requiredApprovals,
    approverRole: rule.approverRole,
    allowSelfApproval: rule.allowSelfApproval,
    version: rule.version,
    updatedAt: rule.updatedAt,
    updatedBy: rule.updatedBy,
  };
}

function toDecisionModel(row: DeploymentApprovalEntity): DeploymentApprovalModel {
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    decision: row.decision,
    actorId: row.actorId,
    actorName: row.actorName,
    actorRole: row.actorRole,
    comment: row.comment,
    decidedAt: row.decidedAt,
  };
}

function notFound(id: string): AppError {
  return new AppError(ReleaseErrors.deploymentNotFound, `No deployment with id "${id}".`);
}
