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
import { ArchiveOptions } from './archive-guards';
import { ArchivableRow, Archival, refuseArchived } from './archival';
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
    private readonly archival: Archival,
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
          refuseArchived(SERVICE_ROW, entity, 'is archived and cannot change');
          return { ...entity, ...changes, updatedAt: this.clock.now() };
        }),
      ),
    );
  }

  /** See Archival.archive: hidden from lists, kept, restorable; refused with active deployments. */
  async archive(
    actor: Actor,
    idOrSlug: string,
    expectedVersion?: number,
    options: ArchiveOptions = {},
  ): Promise<ServiceModel> {
    const { id } = await this.get(idOrSlug);
    return this.archival.archive(SERVICE_ROW, actor, id, expectedVersion, options);
  }

  async restore(actor: Actor, idOrSlug: string, expectedVersion?: number): Promise<ServiceModel> {
    const { id } = await this.get(idOrSlug);
    return this.archival.restore(SERVICE_ROW, actor, id, expectedVersion);
  }

  /** See Archival.lockUnarchived: for a context about to reference this service. */
  lockUnarchived(id: string): Promise<void> {
    return this.archival.lockUnarchived(SERVICE_ROW, id);
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

const SERVICE_ROW: ArchivableRow<ServiceEntity, ServiceModel> = {
  kind: 'service',
  label: 'Service',
  resource: SERVICE,
  archived: CatalogErrors.serviceArchived,
  notArchived: CatalogErrors.serviceNotArchived,
};

function notFound(idOrSlug: string): AppError {
  return new AppError(CatalogErrors.serviceNotFound, `No service with id or slug "${idOrSlug}".`);
}
