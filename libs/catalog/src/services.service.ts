import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  definedOnly,
  findByIdOrSlug,
  findManyByIdsOrSlugs,
  KeysetOrder,
  likePattern,
  newId,
  onUniqueViolation,
  Page,
  paginate,
  selectColumns,
  toPage,
  Transactions,
  VersionedResource,
} from '@opsplane/core';
import { ArchiveGuards, ArchiveOptions } from './archive-guards';
import { CatalogErrors } from './catalog.errors';
import { CreateServiceInput, ListServicesArgs, UpdateServiceInput } from './dto/service.inputs';
import { SERVICE_COLUMNS, ServiceModel, toServiceModel } from './dto/service.model';
import { ServiceEntity } from './service.entity';

@Injectable()
export class ServicesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly guards: ArchiveGuards,
  ) {}

  create(actor: Actor, input: CreateServiceInput): Promise<ServiceModel> {
    const now = this.clock.now();
    const entity: ServiceEntity = {
      id: newId(),
      slug: input.slug,
      name: input.name,
      ownerTeam: input.ownerTeam,
      repositoryUrl: input.repositoryUrl ?? null,
      criticality: input.criticality ?? 'medium',
      links: (input.links ?? []).map(({ title, url }) => ({ title, url })),
      version: 1,
      createdAt: now,
      updatedAt: now,
      archivedAt: null,
    };
    return this.guardSlug(entity.slug, () =>
      this.transactions.run(async (manager) => {
        await manager.insert(ServiceEntity, entity);
        const created = toServiceModel(entity);
        await this.changes.record(manager, actor, {
          action: 'service.created',
          targetType: 'service',
          targetId: entity.id,
          after: created,
        });
        return created;
      }),
    );
  }

  /** By id or by slug. */
  async get(idOrSlug: string): Promise<ServiceModel> {
    const found = await this.find(idOrSlug);
    if (!found) throw notFound(idOrSlug);
    return found;
  }

  /**
   * By id or slug each, in the order asked, null where there is none; one query (DataLoaders, and
   * callers resolving a list of references).
   */
  findMany(idsOrSlugs: readonly string[]): Promise<(ServiceModel | null)[]> {
    return findManyByIdsOrSlugs(this.selectServices(), idsOrSlugs, toServiceModel);
  }

  find(idOrSlug: string): Promise<ServiceModel | null> {
    return findByIdOrSlug(this.selectServices(), idOrSlug, toServiceModel);
  }

  /** Alphabetical by slug. */
  async list(args: ListServicesArgs): Promise<Page<ServiceModel>> {
    const query = this.selectServices();
    if (!args.includeArchived) query.andWhere('service.archivedAt IS NULL');
    if (args.ownerTeam) query.andWhere('service.ownerTeam = :ownerTeam', { ownerTeam: args.ownerTeam });
    if (args.criticality)
      query.andWhere('service.criticality = :criticality', { criticality: args.criticality });
    if (args.q)
      query.andWhere('(service.slug ILIKE :q OR service.name ILIKE :q)', { q: likePattern(args.q) });
    const order: KeysetOrder = { sortColumn: 'service.slug', idColumn: 'service.id' };
    const rows = await paginate(query, args, order).getRawMany<ServiceModel>();
    return toPage(rows, args, order, (row) => ({ sort: row.slug, id: row.id }), toServiceModel);
  }

  async update(
    actor: Actor,
    idOrSlug: string,
    input: UpdateServiceInput,
    expectedVersion?: number,
  ): Promise<ServiceModel> {
    const { id } = await this.get(idOrSlug);
    const changes = definedOnly({ ...input, links: input.links?.map(({ title, url }) => ({ title, url })) });
    return this.guardSlug(input.slug, () =>
      this.transactions.run((manager) =>
        this.changes.edit(manager, actor, SERVICE, { id, expectedVersion, verb: 'updated' }, (entity) => {
          refuseArchived(entity, 'is archived and cannot change');
          return { ...entity, ...changes, updatedAt: this.clock.now() };
        }),
      ),
    );
  }

  /**
   * Hidden from lists, kept for history, restorable by an admin. Refused while another context
   * still has work for it (ArchiveGuards: releases refuses active deployments, or cancels the
   * ones not started when `cancelDeployments` is set).
   */
  async archive(
    actor: Actor,
    idOrSlug: string,
    expectedVersion?: number,
    options: ArchiveOptions = {},
  ): Promise<ServiceModel> {
    const { id } = await this.get(idOrSlug);
    return this.transactions.run((manager) =>
      this.changes.edit(
        manager,
        actor,
        SERVICE,
        { id, expectedVersion, verb: 'archived' },
        async (entity) => {
          refuseArchived(entity, 'is already archived');
          // Under the row lock: whatever the guards see cannot gain a deployment before the commit,
          // since requesting one locks this row for share first.
          await this.guards.settle({
            kind: 'service',
            id,
            slug: entity.slug,
            actor,
            cancelDeployments: options.cancelDeployments ?? false,
          });
          const now = this.clock.now();
          return { ...entity, archivedAt: now, updatedAt: now };
        },
      ),
    );
  }

  /**
   * Undoes an archive (an admin act). No slug check: the slug index is unique over archived rows
   * too, so an archived service keeps its slug and nobody can have taken it meanwhile.
   * Deployments canceled by the archive stay canceled (finished states never change).
   */
  async restore(actor: Actor, idOrSlug: string, expectedVersion?: number): Promise<ServiceModel> {
    const { id } = await this.get(idOrSlug);
    return this.transactions.run((manager) =>
      this.changes.edit(manager, actor, SERVICE, { id, expectedVersion, verb: 'restored' }, (entity) => {
        if (!entity.archivedAt)
          throw new AppError(
            CatalogErrors.serviceNotArchived,
            `Service ${entity.slug} is not archived; there is nothing to restore.`,
          );
        return { ...entity, archivedAt: null, updatedAt: this.clock.now() };
      }),
    );
  }

  /**
   * For another context about to write a row that references this service (releases, requesting
   * a deployment), inside its transaction: refuses an archived service and locks the row for
   * share, so an archive waits for that transaction and its guards then see the new row (and an
   * archive already under way makes this wait, then refuse).
   */
  async lockUnarchived(id: string): Promise<void> {
    const row = await this.transactions
      .manager()
      .getRepository(ServiceEntity)
      .createQueryBuilder('service')
      .select(['service.id', 'service.slug', 'service.archivedAt'])
      .where('service.id = :id', { id })
      .setLock('pessimistic_read')
      .getOne();
    if (!row) throw notFound(id);
    refuseArchived(row, 'is archived');
  }

  private selectServices() {
    return selectColumns(this.transactions.manager(), ServiceEntity, 'service', SERVICE_COLUMNS);
  }

  private guardSlug<T>(slug: string | undefined, work: () => Promise<T>): Promise<T> {
    return onUniqueViolation(
      work,
      'services_slug_key',
      () =>
        new AppError(CatalogErrors.serviceSlugTaken, `A service with slug "${slug}" already exists.`, {
          errors: [{ path: 'slug', message: 'already taken' }],
        }),
    );
  }
}

const SERVICE: VersionedResource<ServiceEntity, ServiceModel> = {
  entity: ServiceEntity,
  type: 'service',
  toModel: toServiceModel,
  notFound,
  // Not FOR UPDATE: archiving locks the row, then its active deployments, while a pipeline
  // reporting success has locked its deployment and then references this row (current
  // deployments), which FOR UPDATE would block: a deadlock. Requesting a deployment takes
  // FOR SHARE explicitly (lockUnarchived), which still waits for an archive under way.
  lock: 'for_no_key_update',
};

function refuseArchived(entity: Pick<ServiceEntity, 'slug' | 'archivedAt'>, what: string): void {
  if (entity.archivedAt) throw new AppError(CatalogErrors.serviceArchived, `Service ${entity.slug} ${what}.`);
}

function notFound(idOrSlug: string): AppError {
  return new AppError(CatalogErrors.serviceNotFound, `No service with id or slug "${idOrSlug}".`);
}
