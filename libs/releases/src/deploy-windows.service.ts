import { Injectable } from '@nestjs/common';
import { CatalogErrors, EnvironmentsService, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  AppError,
  assertValid,
  ChangeRecorder,
  Clock,
  definedOnly,
  isUuid,
  KeysetOrder,
  newId,
  Page,
  PageArgs,
  paginate,
  selectColumns,
  toPage,
  Transactions,
  VersionedResource,
} from '@opsplane/core';
import { DeployWindowEntity } from './deploy-window.entity';
import { CreateDeployWindowInput, UpdateDeployWindowInput } from './dto/deploy-window.inputs';
import { DEPLOY_WINDOW_COLUMNS, DeployWindowModel, toDeployWindowModel } from './dto/deploy-window.model';
import { ReleaseErrors } from './release.errors';
import { validateRecurringPeriod } from './schedule';

/**
 * Deploy windows of environments. Reads go through `Transactions.manager()`: the window gate
 * reads here inside an idempotent deployment request's transaction.
 */
@Injectable()
export class DeployWindowsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly environments: EnvironmentsService,
    private readonly services: ServicesService,
    private readonly clock: Clock,
  ) {}

  async create(
    actor: Actor,
    environmentIdOrSlug: string,
    input: CreateDeployWindowInput,
  ): Promise<DeployWindowModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    if (environment.archivedAt)
      throw new AppError(
        CatalogErrors.environmentArchived,
        `Environment ${environment.slug} is archived; it takes no new deploy windows.`,
      );
    assertValid(validateRecurringPeriod(input), 'deploy window');
    const now = this.clock.now();
    const entity: DeployWindowEntity = {
      id: newId(),
      environmentId: environment.id,
      serviceId: await this.serviceIdOf(input.service),
      kind: input.kind,
      schedule: input.schedule.trim(),
      durationMinutes: input.durationMinutes,
      timeZone: input.timeZone,
      description: input.description ?? null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return this.transactions.run(async (manager) => {
      await manager.insert(DeployWindowEntity, entity);
      const created = toDeployWindowModel(entity);
      await this.changes.record(manager, actor, {
        action: 'deploy_window.created',
        targetType: 'deploy_window',
        targetId: entity.id,
        after: created,
      });
      return created;
    });
  }

  async get(id: string): Promise<DeployWindowModel> {
    if (!isUuid(id)) throw notFound(id);
    const row = await this.select().where('deployWindow.id = :id', { id }).getRawOne<DeployWindowModel>();
    if (!row) throw notFound(id);
    return toDeployWindowModel(row);
  }

  /** In creation order. */
  async list(environmentIdOrSlug: string, args: PageArgs): Promise<Page<DeployWindowModel>> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const query = this.select().where('deployWindow.environmentId = :environmentId', {
      environmentId: environment.id,
    });
    const order: KeysetOrder = { idColumn: 'deployWindow.id', scope: { environmentId: environment.id } };
    const rows = await paginate(query, args, order).getRawMany<DeployWindowModel>();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toDeployWindowModel);
  }

  /** The period is validated as a whole after the change, so a PATCH of one field cannot break it. */
  async update(
    actor: Actor,
    id: string,
    input: UpdateDeployWindowInput,
    expectedVersion?: number,
  ): Promise<DeployWindowModel> {
    if (!isUuid(id)) throw notFound(id);
    const { service, ...fields } = input;
    const changes = {
      ...definedOnly({ ...fields, schedule: fields.schedule?.trim() }),
      ...(service !== undefined ? { serviceId: await this.serviceIdOf(service) } : {}),
    };
    return this.transactions.run((manager) =>
      this.changes.edit(manager, actor, DEPLOY_WINDOW, { id, expectedVersion, verb: 'updated' }, (entity) => {
        const changed = { ...entity, ...changes };
        assertValid(validateRecurringPeriod(changed), 'deploy window');
        return { ...changed, updatedAt: this.clock.now() };
      }),
    );
  }

  /** A real delete: the audit event keeps what the window was. */
  async delete(actor: Actor, id: string, expectedVersion?: number): Promise<DeployWindowModel> {
    if (!isUuid(id)) throw notFound(id);
    return this.transactions.run((manager) =>
      this.changes.remove(manager, actor, DEPLOY_WINDOW, id, expectedVersion),
    );
  }

  /**
   * The windows that govern deployments of `serviceId` into the environment: the environment's
   * windows for every service plus those of that service (only the former when null). One query.
   */
  async inScope(environmentId: string, serviceId: string | null): Promise<DeployWindowModel[]> {
    const query = this.select().where('deployWindow.environmentId = :environmentId', { environmentId });
    if (serviceId === null) query.andWhere('deployWindow.serviceId IS NULL');
    else
      query.andWhere('(deployWindow.serviceId IS NULL OR deployWindow.serviceId = :serviceId)', {
        serviceId,
      });
    const rows = await query.orderBy('deployWindow.id').getRawMany<DeployWindowModel>();
    return rows.map(toDeployWindowModel);
  }

  private async serviceIdOf(idOrSlug: string | null | undefined): Promise<string | null> {
    if (idOrSlug == null) return null;
    const service = await this.services.get(idOrSlug);
    if (service.archivedAt)
      throw new AppError(CatalogErrors.serviceArchived, `Service ${service.slug} is archived.`, {
        errors: [{ path: 'service', message: 'is archived' }],
      });
    return service.id;
  }

  private select() {
    return selectColumns(
      this.transactions.manager(),
      DeployWindowEntity,
      'deployWindow',
      DEPLOY_WINDOW_COLUMNS,
    );
  }
}

const DEPLOY_WINDOW: VersionedResource<DeployWindowEntity, DeployWindowModel> = {
  entity: DeployWindowEntity,
  type: 'deploy_window',
  toModel: toDeployWindowModel,
  notFound,
};

function notFound(id: string): AppError {
  return new AppError(ReleaseErrors.deployWindowNotFound, `No deploy window with id "${id}".`);
}
