import { Injectable } from '@nestjs/common';
import { CatalogErrors, EnvironmentsService, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  AppError,
  assertValid,
  ChangeRecorder,
  Clock,
  definedOnly,
  FieldError,
  isUuid,
  KeysetOrder,
  newId,
  Page,
  paginate,
  selectColumns,
  toPage,
  Transactions,
  VersionedResource,
} from '@opsplane/core';
import { recurringPeriodOf } from './deploy-schedule';
import {
  CreateFreezePeriodInput,
  ListFreezePeriodsArgs,
  UpdateFreezePeriodInput,
} from './dto/freeze-period.inputs';
import { FREEZE_PERIOD_COLUMNS, FreezePeriodModel, toFreezePeriodModel } from './dto/freeze-period.model';
import { FreezePeriodEntity } from './freeze-period.entity';
import { ReleaseErrors } from './release.errors';
import { activePeriodAt, validateRecurringPeriod } from './schedule';

type Shape = Pick<FreezePeriodEntity, 'startsAt' | 'endsAt' | 'schedule' | 'durationMinutes' | 'timeZone'>;

/**
 * Freeze periods, for one environment or all of them. Reads go through `Transactions.manager()`:
 * the freeze gate reads here inside an idempotent deployment request's transaction.
 */
@Injectable()
export class FreezePeriodsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly environments: EnvironmentsService,
    private readonly services: ServicesService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateFreezePeriodInput): Promise<FreezePeriodModel> {
    const shape = shapeOf(input);
    assertValid(shapeProblems(shape), 'freeze period');
    const now = this.clock.now();
    const entity: FreezePeriodEntity = {
      id: newId(),
      environmentId: await this.environmentIdOf(input.environment),
      serviceId: await this.serviceIdOf(input.service),
      reason: input.reason,
      ...shape,
      createdBy: actor.id,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return this.transactions.run(async (manager) => {
      await manager.insert(FreezePeriodEntity, entity);
      const created = toFreezePeriodModel(entity);
      await this.changes.record(manager, actor, {
        action: 'freeze_period.created',
        targetType: 'freeze_period',
        targetId: entity.id,
        after: created,
        reason: entity.reason,
      });
      return created;
    });
  }

  async get(id: string): Promise<FreezePeriodModel> {
    if (!isUuid(id)) throw notFound(id);
    const row = await this.select().where('freeze.id = :id', { id }).getRawOne<FreezePeriodModel>();
    if (!row) throw notFound(id);
    return toFreezePeriodModel(row);
  }

  /** Newest first. */
  async list(args: ListFreezePeriodsArgs): Promise<Page<FreezePeriodModel>> {
    const query = this.select();
    if (args.environmentId) this.appliesTo(query, 'environmentId', args.environmentId);
    if (args.serviceId) this.appliesTo(query, 'serviceId', args.serviceId);
    const { activeAt } = args;
    // SQL keeps the one-offs in force and every recurring freeze; the recurring ones are judged below.
    if (activeAt)
      query.andWhere(
        '(freeze.schedule IS NOT NULL OR (freeze.startsAt <= :activeAt AND freeze.endsAt > :activeAt))',
        { activeAt },
      );
    const order: KeysetOrder = { idColumn: 'freeze.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getRawMany<FreezePeriodModel>();
    const page = toPage(rows, args, order, (row) => ({ id: row.id }), toFreezePeriodModel);
    if (!activeAt) return page;
    // The cursor stays that of the last row read, so dropping items here skips nothing.
    const inForce = (freeze: FreezePeriodModel) => {
      const period = recurringPeriodOf(freeze);
      return period === null || activePeriodAt(period, activeAt) !== null;
    };
    return { items: page.items.filter(inForce), nextCursor: page.nextCursor };
  }

  /** The shape is validated as a whole after the change; send null for the old shape to switch. */
  async update(
    actor: Actor,
    id: string,
    input: UpdateFreezePeriodInput,
    expectedVersion?: number,
  ): Promise<FreezePeriodModel> {
    if (!isUuid(id)) throw notFound(id);
    const { environment, service, ...fields } = input;
    const changes = {
      ...definedOnly({ ...fields, schedule: fields.schedule?.trim() ?? fields.schedule }),
      ...(environment !== undefined ? { environmentId: await this.environmentIdOf(environment) } : {}),
      ...(service !== undefined ? { serviceId: await this.serviceIdOf(service) } : {}),
    };
    return this.transactions.run((manager) =>
      this.changes.edit(manager, actor, FREEZE_PERIOD, { id, expectedVersion, verb: 'updated' }, (entity) => {
        const changed = { ...entity, ...changes };
        assertValid(shapeProblems(changed), 'freeze period');
        return { ...changed, updatedAt: this.clock.now() };
      }),
    );
  }

  /** A real delete: the audit event keeps what the freeze was. */
  async delete(actor: Actor, id: string, expectedVersion?: number): Promise<FreezePeriodModel> {
    if (!isUuid(id)) throw notFound(id);
    return this.transactions.run((manager) =>
      this.changes.remove(manager, actor, FREEZE_PERIOD, id, expectedVersion),
    );
  }

  /**
   * The freezes that can bind deployments of `serviceId` (null: only freezes for every service)
   * into the environment at or after `from`: the environment's and every environment's, recurring
   * or not yet ended. One query.
   */
  async inScope(environmentId: string, serviceId: string | null, from: Date): Promise<FreezePeriodModel[]> {
    const query = this.select();
    this.appliesTo(query, 'environmentId', environmentId);
    if (serviceId === null) query.andWhere('freeze.serviceId IS NULL');
    else this.appliesTo(query, 'serviceId', serviceId);
    query.andWhere('(freeze.endsAt IS NULL OR freeze.endsAt > :from)', { from });
    const rows = await query.orderBy('freeze.id').getRawMany<FreezePeriodModel>();
    return rows.map(toFreezePeriodModel);
  }

  /** A null column means "all", so a freeze applies to `id` when the column is null or equal. */
  private appliesTo(
    query: ReturnType<FreezePeriodsService['select']>,
    column: 'environmentId' | 'serviceId',
    id: string,
  ): void {
    query.andWhere(`(freeze.${column} IS NULL OR freeze.${column} = :${column})`, { [column]: id });
  }

  private async environmentIdOf(idOrSlug: string | null | undefined): Promise<string | null> {
    if (idOrSlug == null) return null;
    const environment = await this.environments.get(idOrSlug);
    if (environment.archivedAt)
      throw new AppError(CatalogErrors.environmentArchived, `Environment ${environment.slug} is archived.`, {
        errors: [{ path: 'environment', message: 'is archived' }],
      });
    return environment.id;
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
    return selectColumns(this.transactions.manager(), FreezePeriodEntity, 'freeze', FREEZE_PERIOD_COLUMNS);
  }
}

function shapeOf(input: CreateFreezePeriodInput): Shape {
  return {
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
    schedule: input.schedule?.trim() ?? null,
    durationMinutes: input.durationMinutes ?? null,
    timeZone: input.timeZone ?? null,
  };
}

/** Exactly one shape: one-off (startsAt < endsAt) or recurring (a valid period). Every problem at once. */
export function shapeProblems(shape: Shape): FieldError[] {
  const oneOff = shape.startsAt !== null || shape.endsAt !== null;
  const recurring = shape.schedule !== null || shape.durationMinutes !== null || shape.timeZone !== null;
  if (oneOff && recurring) {
    const message = 'cannot be combined with startsAt/endsAt: a freeze is either one-off or recurring';
    return (['schedule', 'durationMinutes', 'timeZone'] as const)
      .filter((field) => shape[field] !== null)
      .map((field) => ({ path: field, message }));
  }
  if (recurring) {
    return validateRecurringPeriod({
      schedule: shape.schedule ?? '',
      durationMinutes: shape.durationMinutes ?? Number.NaN,
      timeZone: shape.timeZone ?? '',
    });
  }
  if (!oneOff) {
    return [
      {
        path: 'startsAt',
        message:
          'is required: give startsAt and endsAt for a one-off freeze, or schedule, durationMinutes and timeZone for a recurring one',
      },
    ];
  }
  if (shape.startsAt === null) return [{ path: 'startsAt', message: 'is required with endsAt' }];
  if (shape.endsAt === null) return [{ path: 'endsAt', message: 'is required with startsAt' }];
  if (shape.endsAt.getTime() <= shape.startsAt.getTime())
    return [{ path: 'endsAt', message: 'must be after startsAt' }];
  return [];
}

const FREEZE_PERIOD: VersionedResource<FreezePeriodEntity, FreezePeriodModel> = {
  entity: FreezePeriodEntity,
  type: 'freeze_period',
  toModel: toFreezePeriodModel,
  notFound,
};

function notFound(id: string): AppError {
  return new AppError(ReleaseErrors.freezePeriodNotFound, `No freeze period with id "${id}".`);
}
