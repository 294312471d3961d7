import { Injectable } from '@nestjs/common';
import {
  CatalogErrors,
  EnvironmentModel,
  EnvironmentsService,
  ServiceModel,
  ServicesService,
} from '@opsplane/catalog';
import {
  Actor,
  AppError,
  assertTransition,
  assertValid,
  ChangeRecorder,
  Clock,
  CommonErrors,
  FieldError,
  findManyByIds,
  INSTANT_RANGE_TEXT,
  isAllowed,
  isInInstantRange,
  isUniqueViolation,
  isUuid,
  KeysetOrder,
  loadForUpdate,
  newId,
  Page,
  paginate,
  selectColumns,
  toPage,
  Transactions,
} from '@opsplane/core';
import { EntityManager, IsNull } from 'typeorm';
import { ApprovalsService } from './approvals.service';
import { DeployScheduleService } from './deploy-schedule.service';
import { DeploymentEntity, GateOverride } from './deployment.entity';
import { DeploymentTransitions } from './deployment-transitions';
import { DeploymentPinsService } from './deployment-pins.service';
import { ACTIVE_STATUSES, DEPLOYMENT_MACHINE, DeploymentStatus } from './deployment-status';
import {
  DeploymentScheduleInput,
  GateOverrideInput,
  ListDeploymentsArgs,
  ReportDeploymentStatusInput,
  RequestDeploymentInput,
  RollbackDeploymentInput,
} from './dto/deployment.inputs';
import {
  DEPLOYMENT_COLUMNS,
  DeploymentColumn,
  DeploymentModel,
  toDeploymentModel,
} from './dto/deployment.model';
import { DeploymentGateContext, DeploymentGates, GateResult } from './gates/deployment-gate';
import { FREEZE_GATE } from './gates/freeze.gate';
import { ReleaseModel } from './dto/release.model';
import { ReleaseEntity } from './release.entity';
import { ReleaseErrors } from './release.errors';
import { ReleasesService } from './releases.service';
import { localTimeToInstant, timeZoneProblem } from './schedule';

/**
 * Deployments: requested through the gates, then moved along the state machine by the CI/CD
 * tool that executes them. Opsplane is the system of record and the gatekeeper, not the executor.
 */
@Injectable()
export class DeploymentsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly releases: ReleasesService,
    private readonly services: ServicesService,
    private readonly environments: EnvironmentsService,
    private readonly gates: DeploymentGates,
    private readonly approvals: ApprovalsService,
    private readonly pins: DeploymentPinsService,
    private readonly schedule: DeployScheduleService,
    private readonly transitions: DeploymentTransitions,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs every gate; creates the deployment only if all pass: `queued`, `scheduled` when it has a
   * time to wait for, or `pending_approval` with a copy of the rule when the environment has one.
   */
  async request(actor: Actor, input: RequestDeploymentInput): Promise<DeploymentModel> {
    const release = await this.releases.get(input.release);
    const environment = await this.environments.get(input.environment);
    const service = await this.services.get(release.serviceId);
    const now = this.clock.now();
    const timing = await this.timingOf(input, environment.id, service.id, now);
    return this.create(actor, {
      release,
      environment,
      service,
      reason: input.reason ?? null,
      overrides: this.overridesOf(actor, input),
      now,
      ...timing,
      rollbackOf: null,
    });
  }

  /**
   * Rolls back a succeeded or failed deployment that nothing has replaced since: a new deployment
   * of the last release that succeeded before it in that environment (skipping deployments that
   * were themselves rolled back, and the same release), linked by `rollbackOf`. The replaced one is
   * marked rolled back at once (DORA counts the decision as a failure signal). It goes through
   * every gate and the approval rule like any deployment; with `pin` the service is also pinned to
   * the release rolled back to, in the same transaction.
   */
  async rollback(actor: Actor, id: string, input: RollbackDeploymentInput): Promise<DeploymentModel> {
    const reason = input.reason.trim();
    if (!reason)
      throw new AppError(ReleaseErrors.reasonRequired, 'Say why the deployment is rolled back.', {
        errors: [{ path: 'reason', message: 'must not be blank' }],
      });
    const replaced = await this.get(id);
    assertRollbackable(replaced);
    const superseding = await this.selectDeployments()
      .where('deployment.environmentId = :environmentId AND deployment.serviceId = :serviceId', replaced)
      .andWhere('deployment.id > :id AND deployment.startedAt IS NOT NULL', { id })
      .orderBy('deployment.id', 'ASC')
      .limit(1)
      .getRawOne<DeploymentModel>();
    if (superseding)
      throw new AppError(
        ReleaseErrors.notRollbackable,
        `Deployment ${superseding.id} of this service started in this environment after ${id}; roll that one back instead.`,
      );
    const target = await this.selectDeployments()
      .where('deployment.environmentId = :environmentId AND deployment.serviceId = :serviceId', replaced)
      .andWhere(`deployment.id < :id AND deployment.status = 'succeeded'`, { id })
      .andWhere('deployment.releaseId <> :releaseId AND deployment.rolledBackAt IS NULL', replaced)
      .orderBy('deployment.id', 'DESC')
      .limit(1)
      .getRawOne<DeploymentModel>();
    if (!target)
      throw new AppError(
        ReleaseErrors.nothingToRollBackTo,
        `No other release succeeded in this environment before deployment ${id}; there is nothing to roll back to.`,
      );
    const release = await this.releases.get(target.releaseId);
    const environment = await this.environments.get(replaced.environmentId);
    const service = await this.services.get(replaced.serviceId);
    return this.create(
      actor,
      {
        release,
        environment,
        service,
        reason,
        overrides: this.overridesOf(actor, input),
        now: this.clock.now(),
        scheduledFor: null,
        expiresAt: null,
        rollbackOf: replaced.id,
      },
      {
        // Locked before the new row references it: two rollbacks that each held a key-share lock
        // from their insert and then asked for this lock would deadlock instead of one winning.
        before: async (manager) => {
          const entity = await loadForUpdate(manager, DeploymentEntity, id, undefined, () => notFound(id));
          assertRollbackable(entity);
        },
        after: async (manager, created) => {
          const entity = await manager.findOneByOrFail(DeploymentEntity, { id });
          const changes = { rolledBackAt: created.requestedAt, rollbackDeploymentId: created.id };
          await manager.update(DeploymentEntity, { id }, changes);
          await this.changes.record(manager, actor, {
            action: 'deployment.rolled_back',
            targetType: 'deployment',
            targetId: id,
            before: toDeploymentModel(entity),
            after: toDeploymentModel({ ...entity, ...changes, version: entity.version + 1 }),
            reason,
          });
          if (input.pin)
            await this.pins.pinInTransaction(manager, actor, environment.id, service.id, release.id, reason);
        },
      },
    );
  }

  /** When to queue: now, at a time, or at the next allowed window; and when to give up. */
  private async timingOf(
    input: RequestDeploymentInput,
    environmentId: string,
    serviceId: string,
    now: Date,
  ): Promise<{ scheduledFor: Date | null; expiresAt: Date | null }> {
    const problems = scheduleProblems(input.schedule);
    if (problems.length > 0) assertValid(problems, 'schedule');
    let scheduledFor: Date | null = null;
    let expiresAt = input.expiresAt ?? null;
    const schedule = input.schedule;
    if (schedule?.at) scheduledFor = schedule.at;
    else if (schedule?.localTime && schedule.timeZone) {
      scheduledFor = localTimeToInstant(schedule.localTime, schedule.timeZone);
      if (!scheduledFor)
        assertValid(
          [{ path: 'schedule.localTime', message: 'is not a date and time of the calendar' }],
          'schedule',
        );
      // The one instant of a request that is not a date field, bounded like all the others.
      else if (!isInInstantRange(scheduledFor))
        assertValid(
          [
            {
              path: 'schedule.localTime',
              message: `resolves to ${scheduledFor.toISOString()}; it must resolve to an instant ${INSTANT_RANGE_TEXT}`,
            },
          ],
          'schedule',
        );
    } else if (schedule?.nextAllowedWindow) {
      const next = await this.schedule.next(environmentId, { serviceId, from: now });
      if (!next.start)
        throw new AppError(
          ReleaseErrors.noAllowedWindow,
          `Cannot schedule at the next allowed window: ${next.reason}`,
        );
      expiresAt ??= next.end;
      // A window open now means: queue at once (and still expire at its end while awaiting approval).
      scheduledFor = next.start > now ? next.start : null;
    }
    const timeProblems = [
      ...(scheduledFor && scheduledFor <= now
        ? [
            {
              path: 'schedule',
              message: `resolves to ${scheduledFor.toISOString()}, which is not in the future`,
            },
          ]
        : []),
      ...(expiresAt && expiresAt <= (scheduledFor ?? now)
        ? [{ path: 'expiresAt', message: `must be after ${(scheduledFor ?? now).toISOString()}` }]
        : []),
    ];
    assertValid(timeProblems, 'deployment request');
    return { scheduledFor, expiresAt };
  }

  /**
   * The one way a deployment comes into being: archived checks, every gate, the approval rule, the
   * insert, the release freeze and the record; `hooks` add a caller's locks and changes (rollback).
   */
  private async create(
    actor: Actor,
    request: {
      release: ReleaseModel;
      environment: EnvironmentModel;
      service: ServiceModel;
      reason: string | null;
      /** Gate name → the reason an admin gave to pass it anyway. */
      overrides: Record<string, string>;
      now: Date;
      scheduledFor: Date | null;
      expiresAt: Date | null;
      rollbackOf: string | null;
    },
    hooks: {
      before?: (manager: EntityManager) => Promise<void>;
      after?: (manager: EntityManager, created: DeploymentModel) => Promise<void>;
    } = {},
  ): Promise<DeploymentModel> {
    const { release, environment, service, overrides, now } = request;
    if (environment.archivedAt)
      throw new AppError(
        CatalogErrors.environmentArchived,
        `Environment ${environment.slug} is archived; nothing can be deployed to it.`,
      );
    if (service.archivedAt)
      throw new AppError(
        CatalogErrors.serviceArchived,
        `Service ${service.slug} is archived; its releases can no longer be deployed.`,
      );
    const results = await this.passGates({
      phase: 'request',
      release,
      service,
      environment,
      deployment: null,
      now: request.scheduledFor ?? now,
      actor,
      overrides,
    });

    const rule = await this.approvals.ruleFor(environment.id);
    const status = rule ? 'pending_approval' : request.scheduledFor ? 'scheduled' : 'queued';
    const entity: DeploymentEntity = {
      id: newId(),
      releaseId: release.id,
      serviceId: service.id,
      environmentId: environment.id,
      status,
      reason: request.reason,
      statusReason: null,
      requestedBy: actor.id,
      requestedAt: now,
      queuedAt: status === 'queued' ? now : null,
      startedAt: null,
      finishedAt: null,
      approvalsRequired: rule?.requiredApprovals ?? null,
      approverRole: rule?.approverRole ?? null,
      allowSelfApproval: rule?.allowSelfApproval ?? null,
      approvalsReceived: 0,
      freezeOverrideReason: null,
      freezeOverriddenBy: null,
      gateOverrides: [],
      ...usedOverrides(actor, overrides, results, []),
      scheduledFor: request.scheduledFor,
      expiresAt: request.expiresAt,
      rollbackOf: request.rollbackOf,
      rolledBackAt: null,
      rollbackDeploymentId: null,
      version: 1,
    };
    return this.transactions.run(async (manager) => {
      // The checks above read without locks; an archive may have committed since, or be under way
      // and about to miss this row. These locks settle it either way (see lockUnarchived). Taken
      // before any deployment row lock: an archive locks the catalog row, then deployments.
      await this.environments.lockUnarchived(environment.id);
      await this.services.lockUnarchived(service.id);
      await hooks.before?.(manager);
      await manager.insert(DeploymentEntity, entity);
      // From now on the release is frozen; PATCH checks this under the same row lock.
      await manager.update(
        ReleaseEntity,
        { id: release.id, firstDeployedAt: IsNull() },
        { firstDeployedAt: now },
      );
      const created = toDeploymentModel(entity);
      await this.changes.record(manager, actor, {
        action: 'deployment.requested',
        targetType: 'deployment',
        targetId: entity.id,
        after: created,
        reason: entity.reason,
      });
      await hooks.after?.(manager, created);
      return created;
    });
  }

  /**
   * Progress from the executor. Illegal moves are refused with the allowed ones listed; moving
   * to `running` runs the gates again (a freeze may have begun since the request) and is refused
   * while another deployment of the service runs in the environment (a unique index decides, so
   * concurrent starts cannot both win).
   */
  async reportStatus(
    actor: Actor,
    id: string,
    input: ReportDeploymentStatusInput,
    expectedVersion?: number,
  ): Promise<DeploymentModel> {
    const reason = input.reason?.trim() || null;
    if (input.status === 'failed' && !reason)
      throw new AppError(ReleaseErrors.reasonRequired, 'Say why the deployment failed.', {
        errors: [{ path: 'reason', message: 'required when status is failed' }],
      });
    if (input.freezeOverrideReason != null && input.status !== 'running')
      throw new AppError(
        CommonErrors.validation,
        'A freeze can only be overridden when a deployment starts.',
        {
          errors: [{ path: 'freezeOverrideReason', message: 'only allowed with status running' }],
        },
      );
    if (input.gateOverrides?.length && input.status !== 'running')
      throw new AppError(CommonErrors.validation, 'Gates can only be overridden when a deployment starts.', {
        errors: [{ path: 'gateOverrides', message: 'only allowed with status running' }],
      });
    const overrides = this.overridesOf(actor, input);
    const current = await this.get(id);
    // Checked here to refuse early without running the gates, and again under the row lock.
    assertTransition(DEPLOYMENT_MACHINE, current, input.status);
    const now = this.clock.now();
    let overrideFields: ReturnType<typeof usedOverrides> = {};
    if (input.status === 'running') {
      const release = await this.releases.get(current.releaseId);
      const environment = await this.environments.get(current.environmentId);
      const service = await this.services.get(current.serviceId);
      const results = await this.passGates({
        phase: 'start',
        release,
        service,
        environment,
        deployment: current,
        now,
        actor,
        overrides,
      });
      // Only an override used now replaces the one recorded at the request.
      overrideFields = usedOverrides(actor, overrides, results, current.gateOverrides);
    }
    try {
      return await this.transactions.run(async (manager) => {
        const entity = await loadForUpdate(manager, DeploymentEntity, id, expectedVersion, () =>
          notFound(id),
        );
        const moved = await this.transitions.move(manager, actor, entity, input.status, {
          now,
          reason,
          fields: { statusReason: reason, ...overrideFields },
        });
        return moved.model;
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'deployments_one_running_key')) throw error;
      throw await this.alreadyRunning(current);
    }
  }

  async get(id: string): Promise<DeploymentModel> {
    const [found] = await this.findMany([id]);
    if (!found) throw notFound(id);
    return found;
  }

  /** Deployments by id, in the order asked, null where there is none (for DataLoaders). */
  async findMany(ids: readonly string[]): Promise<(DeploymentModel | null)[]> {
    return findManyByIds(ids, async (valid) => {
      const rows = await this.selectDeployments()
        .where('deployment.id IN (:...ids)', { ids: valid })
        .getRawMany<DeploymentModel>();
      return rows.map(toDeploymentModel);
    });
  }

  /** Newest first (ids are UUIDv7, so id order is request order); `columns` trims the rows to what a GraphQL query reads. */
  async list(
    args: ListDeploymentsArgs,
    columns: readonly DeploymentColumn[] = DEPLOYMENT_COLUMNS,
  ): Promise<Page<DeploymentModel>> {
    const rows = await paginate(
      this.filtered(args, columns),
      args,
      DEPLOYMENT_ORDER,
    ).getRawMany<DeploymentModel>();
    return toPage(rows, args, DEPLOYMENT_ORDER, keyOfDeployment, toDeploymentModel);
  }

  /**
   * The first page of `list(args)` for each of `parentIds` as `args[parent]`, in one statement
   * (each read through the parent's index, see HotSelect.getRawManyPerKey). Each page's cursor is
   * the one `list` gives, so `list({ ...args, [parent]: id, cursor })` continues it.
   */
  async firstPages(
    parent: DeploymentParent,
    parentIds: readonly string[],
    args: Omit<ListDeploymentsArgs, 'cursor' | DeploymentParent>,
    columns: readonly DeploymentColumn[] = DEPLOYMENT_COLUMNS,
  ): Promise<Page<DeploymentModel>[]> {
    const query = paginate(this.filtered(args, columns), { limit: args.limit }, DEPLOYMENT_ORDER);
    const rowsPerParent = await query.getRawManyPerKey<DeploymentModel>(parent, parentIds);
    return rowsPerParent.map((rows, index) =>
      toPage(
        rows,
        { ...args, [parent]: parentIds[index] },
        DEPLOYMENT_ORDER,
        keyOfDeployment,
        toDeploymentModel,
      ),
    );
  }

  private filtered(args: Omit<ListDeploymentsArgs, 'cursor'>, columns: readonly DeploymentColumn[]) {
    const query = selectColumns(this.transactions.manager(), DeploymentEntity, 'deployment', columns);
    if (args.environmentId)
      query.andWhere('deployment.environmentId = :environmentId', { environmentId: args.environmentId });
    if (args.serviceId) query.andWhere('deployment.serviceId = :serviceId', { serviceId: args.serviceId });
    if (args.releaseId) query.andWhere('deployment.releaseId = :releaseId', { releaseId: args.releaseId });
    if (args.status) query.andWhere('deployment.status = :status', { status: args.status });
    if (args.from) query.andWhere('deployment.requestedAt >= :from', { from: args.from });
    if (args.to) query.andWhere('deployment.requestedAt < :to', { to: args.to });
    return query;
  }

  /**
   * Deployments into any of `environmentIds` or of any of `serviceIds` that started, or finished
   * after starting, within [from, to]; newest start first, at most `limit`. Never-started ones
   * (rejected, expired, canceled while queued) changed nothing and are left out. For change
   * correlation (incidents), which must not read these tables itself.
   */
  async startedOrFinishedBetween(scope: {
    environmentIds: readonly string[];
    serviceIds: readonly string[];
    from: Date;
    to: Date;
    limit: number;
  }): Promise<DeploymentModel[]> {
    const environmentIds = scope.environmentIds.filter(isUuid);
    const serviceIds = scope.serviceIds.filter(isUuid);
    if (environmentIds.length === 0 && serviceIds.length === 0) return [];
    const touches = [
      ...(environmentIds.length > 0 ? ['deployment.environmentId IN (:...environmentIds)'] : []),
      ...(serviceIds.length > 0 ? ['deployment.serviceId IN (:...serviceIds)'] : []),
    ];
    const rows = await this.selectDeployments()
      .where(`(${touches.join(' OR ')})`, { environmentIds, serviceIds })
      .andWhere('deployment.startedAt IS NOT NULL')
      .andWhere(
        '(deployment.startedAt BETWEEN :from AND :to OR deployment.finishedAt BETWEEN :from AND :to)',
        { from: scope.from, to: scope.to },
      )
      .orderBy('deployment.startedAt', 'DESC')
      .addOrderBy('deployment.id', 'DESC')
      .limit(scope.limit)
      .getRawMany<DeploymentModel>();
    return rows.map(toDeploymentModel);
  }

  /**
   * The deployments of a service or into an environment that have not finished, oldest first,
   * locked until the caller's transaction ends, each in its current status (a concurrent change
   * is waited for, then re-read), so a decision taken on them holds until the commit.
   */
  async lockActive(scope: { serviceId: string } | { environmentId: string }): Promise<DeploymentModel[]> {
    const [column, id] =
      'serviceId' in scope ? ['serviceId', scope.serviceId] : ['environmentId', scope.environmentId];
    const rows = await this.transactions
      .manager()
      .getRepository(DeploymentEntity)
      .createQueryBuilder('deployment')
      .where(`deployment.${column} = :id`, { id })
      .andWhere('deployment.status IN (:...active)', { active: ACTIVE_STATUSES })
      .orderBy('deployment.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    return rows.map(toDeploymentModel);
  }

  /**
   * Gate name → the reason an admin gave to pass it anyway: the freeze's own field, and
   * `gateOverrides` naming gates that may be overridden, each once.
   */
  private overridesOf(
    actor: Actor,
    input: { freezeOverrideReason?: string | null; gateOverrides?: GateOverrideInput[] | null },
  ): Record<string, string> {
    const overrides: Record<string, string> = {};
    const freeze = overrideReasonOf(actor, input.freezeOverrideReason, 'freezeOverrideReason');
    if (freeze) overrides[FREEZE_GATE] = freeze;
    const problems: FieldError[] = [];
    for (const [index, sent] of (input.gateOverrides ?? []).entries()) {
      const path = `gateOverrides[${index}]`;
      assertMayOverride(actor, `${path}.reason`);
      if (sent.gate === FREEZE_GATE)
        problems.push({ path: `${path}.gate`, message: 'a freeze is overridden with freezeOverrideReason' });
      else if (!this.gates.isOverridable(sent.gate))
        problems.push({
          path: `${path}.gate`,
          message: `no gate named "${sent.gate}" may be overridden (these may: ${this.gates.overridableNames().join(', ') || 'none'})`,
        });
      else if (sent.gate in overrides)
        problems.push({ path: `${path}.gate`, message: 'names the same gate twice' });
      else if (!sent.reason.trim()) problems.push({ path: `${path}.reason`, message: 'must not be blank' });
      else overrides[sent.gate] = sent.reason.trim();
    }
    if (problems.length > 0)
      throw new AppError(CommonErrors.validation, 'These gates cannot be overridden.', { errors: problems });
    return overrides;
  }

  /** Every gate's result when all pass (overrides show in them); otherwise the refusal listing each failure. */
  private async passGates(context: DeploymentGateContext): Promise<GateResult[]> {
    const results = await this.gates.evaluate(context);
    const failed = results.filter((result) => !result.passed);
    if (failed.length === 0) return results;
    throw new AppError(
      ReleaseErrors.gatesFailed,
      `Refused by ${failed.length} gate(s): ${failed.map((result) => `${result.gate}: ${result.reason}`).join(' ')}`,
      { errors: failed.map((result) => ({ path: `gate.${result.gate}`, message: result.reason })) },
    );
  }

  private async alreadyRunning(deployment: DeploymentModel): Promise<AppError> {
    // The transaction that lost has rolled back; this read sees the winner.
    const running = await this.selectDeployments()
      .where('deployment.environmentId = :environmentId', { environmentId: deployment.environmentId })
      .andWhere('deployment.serviceId = :serviceId', { serviceId: deployment.serviceId })
      .andWhere(`deployment.status = 'running'`)
      .getRawOne<DeploymentModel>();
    return new AppError(
      ReleaseErrors.alreadyRunning,
      `Deployment ${running?.id ?? '(another)'} of this service is already running in this environment; ` +
        'it must finish before another one starts.',
      { errors: [{ path: 'status', message: 'another deployment of this service is running here' }] },
    );
  }

  private selectDeployments() {
    return selectColumns(this.transactions.manager(), DeploymentEntity, 'deployment', DEPLOYMENT_COLUMNS);
  }
}

/** The columns a list of deployments can be narrowed to, one per parent. */
export type DeploymentParent = 'environmentId' | 'serviceId' | 'releaseId';

const DEPLOYMENT_ORDER: KeysetOrder = { idColumn: 'deployment.id', direction: 'DESC' };

function keyOfDeployment(row: { id: string }) {
  return { id: row.id };
}

/**
 * The trimmed override reason, or null when none was sent. Refused for any role but admin even
 * when the gate would pass, so a pipeline learns at once that its key cannot override.
 */
function overrideReasonOf(actor: Actor, sent: string | null | undefined, path: string): string | null {
  if (sent == null) return null;
  assertMayOverride(actor, path);
  const reason = sent.trim();
  if (!reason)
    throw new AppError(ReleaseErrors.reasonRequired, 'Say why the gate is overridden.', {
      errors: [{ path, message: 'must not be blank' }],
    });
  return reason;
}

function assertMayOverride(actor: Actor, path: string): void {
  if (!isAllowed(actor.role, 'administer'))
    throw new AppError(
      ReleaseErrors.overrideForbidden,
      `Only an admin may override a gate; this ${actor.role} key may not. Ask an admin, or fix what the gate refuses.`,
      { errors: [{ path, message: 'admins only' }] },
    );
}

/**
 * What the deployment records of the overrides its gates actually needed now: the freeze's in its
 * own fields, the others in `gateOverrides`, replacing an earlier override of the same gate
 * (`before`, recorded at the request) and keeping the rest. Empty when none was needed.
 */
function usedOverrides(
  actor: Actor,
  overrides: Record<string, string>,
  results: GateResult[],
  before: GateOverride[],
): Partial<Pick<DeploymentEntity, 'freezeOverrideReason' | 'freezeOverriddenBy' | 'gateOverrides'>> {
  const used = results.filter((result) => result.overridden && overrides[result.gate] !== undefined);
  const fields: ReturnType<typeof usedOverrides> = {};
  if (used.some((result) => result.gate === FREEZE_GATE))
    Object.assign(fields, { freezeOverrideReason: overrides[FREEZE_GATE], freezeOverriddenBy: actor.id });
  const others = used.filter((result) => result.gate !== FREEZE_GATE).map((result) => result.gate);
  if (others.length > 0)
    fields.gateOverrides = [
      ...before.filter((override) => !others.includes(override.gate)),
      ...others.map((gate) => ({ gate, reason: overrides[gate], by: actor.id })),
    ];
  return fields;
}

/** Only a finished deployment that changed the environment, and only once. */
function assertRollbackable(deployment: {
  id: string;
  status: DeploymentStatus;
  rolledBackAt: Date | null;
  rollbackDeploymentId: string | null;
}): void {
  if (deployment.rolledBackAt)
    throw new AppError(
      ReleaseErrors.alreadyRolledBack,
      `Deployment ${deployment.id} was already rolled back by deployment ${deployment.rollbackDeploymentId}.`,
    );
  if (deployment.status !== 'succeeded' && deployment.status !== 'failed')
    throw new AppError(
      ReleaseErrors.notRollbackable,
      `Deployment ${deployment.id} is ${deployment.status}; only a succeeded or failed deployment can be rolled back ` +
        '(cancel one that has not finished).',
    );
}

/** Exactly one way to say when, and a zone only with a local time. */
function scheduleProblems(schedule: DeploymentScheduleInput | null | undefined): FieldError[] {
  if (!schedule) return [];
  const ways = [schedule.at != null, schedule.localTime != null, schedule.nextAllowedWindow === true];
  const problems: FieldError[] = [];
  if (ways.filter(Boolean).length !== 1)
    problems.push({
      path: 'schedule',
      message: 'give exactly one of at, localTime (with timeZone) or nextAllowedWindow',
    });
  if (schedule.localTime != null && schedule.timeZone == null)
    problems.push({ path: 'schedule.timeZone', message: 'is required with localTime' });
  if (schedule.timeZone != null) {
    const zoneProblem = timeZoneProblem(schedule.timeZone);
    if (zoneProblem) problems.push({ path: 'schedule.timeZone', message: zoneProblem });
    else if (schedule.localTime == null)
      problems.push({ path: 'schedule.timeZone', message: 'only goes with localTime' });
  }
  return problems;
}

function notFound(id: string): AppError {
  return new AppError(ReleaseErrors.deploymentNotFound, `No deployment with id "${id}".`);
}
