import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  definedOnly,
  findByIdOrSlug,
  findManyByIdsOrSlugs,
  JsonObject,
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
import {
  CreateEnvironmentInput,
  ListEnvironmentsArgs,
  UpdateEnvironmentInput,
} from './dto/environment.inputs';
import { ENVIRONMENT_COLUMNS, EnvironmentModel, toEnvironmentModel } from './dto/environment.model';
import { EnvironmentEntity } from './environment.entity';

/** Facts are evaluated by compliance checks on every scan; a bound keeps scans and audit rows small. */
const MAX_FACTS_BYTES = 64 * 1024;

@Injectable()
export class EnvironmentsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly archival: Archival,
  ) {}

  create(actor: Actor, input: CreateEnvironmentInput): Promise<EnvironmentModel> {
    const now = this.clock.now();
    const entity: EnvironmentEntity = {
      id: newId(),
      slug: input.slug,
      name: input.name,
      tier: input.tier,
      rank: input.rank,
      isProtected: input.isProtected ?? input.tier === 'production',
      endpointUrls: input.endpointUrls ?? [],
      facts: checkFacts(input.facts ?? {}),
      version: 1,
      createdAt: now,
      updatedAt: now,
      archivedAt: null,
    };
    return this.guardSlug(entity.slug, () =>
      this.transactions.run(async (manager) => {
        await manager.insert(EnvironmentEntity, entity);
        const created = toEnvironmentModel(entity);
        await this.changes.record(manager, actor, {
          action: 'environment.created',
          targetType: 'environment',
          targetId: entity.id,
          after: created,
        });
        return created;
      }),
    );
  }

  /** By id or by slug: scripts and URLs use slugs, which stay unique. */
  async get(idOrSlug: string): Promise<EnvironmentModel> {
    const found = await this.find(idOrSlug);
    if (!found) throw notFound(idOrSlug);
    return found;
  }

  /**
   * By id or slug each, in the order asked, null where there is none; one query (DataLoaders, and
   * callers resolving a list of references).
   */
  findMany(idsOrSlugs: readonly string[]): Promise<(EnvironmentModel | null)[]> {
    return findManyByIdsOrSlugs(this.selectEnvironments(), idsOrSlugs, toEnvironmentModel);
  }

  find(idOrSlug: string): Promise<EnvironmentModel | null> {
    return findByIdOrSlug(this.selectEnvironments(), idOrSlug, toEnvironmentModel);
  }

  async list(args: ListEnvironmentsArgs): Promise<Page<EnvironmentModel>> {
    const query = this.selectEnvironments();
    if (!args.includeArchived) query.andWhere('environment.archivedAt IS NULL');
    if (args.tier) query.andWhere('environment.tier = :tier', { tier: args.tier });
    if (args.isProtected !== undefined)
      query.andWhere('environment.isProtected = :isProtected', { isProtected: args.isProtected });
    if (args.q)
      query.andWhere('(environment.slug ILIKE :q OR environment.name ILIKE :q)', { q: likePattern(args.q) });
    const order: KeysetOrder = {
      sortColumn: 'environment.rank',
      sortType: 'int',
      idColumn: 'environment.id',
    };
    const rows = await paginate(query, args, order).getRawMany<EnvironmentModel>();
    return toPage(rows, args, order, (row) => ({ sort: row.rank, id: row.id }), toEnvironmentModel);
  }

  async update(
    actor: Actor,
    idOrSlug: string,
    input: UpdateEnvironmentInput,
    expectedVersion?: number,
  ): Promise<EnvironmentModel> {
    const { id } = await this.get(idOrSlug);
    const changes = definedOnly({ ...input, facts: input.facts && checkFacts(input.facts) });
    return this.guardSlug(input.slug, () =>
      this.transactions.run((manager) =>
        this.changes.edit(manager, actor, ENVIRONMENT, { id, expectedVersion, verb: 'updated' }, (entity) => {
          refuseArchived(ENVIRONMENT_ROW, entity, 'is archived and cannot change');
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
  ): Promise<EnvironmentModel> {
    const { id } = await this.get(idOrSlug);
    return this.archival.archive(ENVIRONMENT_ROW, actor, id, expectedVersion, options);
  }

  async restore(actor: Actor, idOrSlug: string, expectedVersion?: number): Promise<EnvironmentModel> {
    const { id } = await this.get(idOrSlug);
    return this.archival.restore(ENVIRONMENT_ROW, actor, id, expectedVersion);
  }

  /** See Archival.lockUnarchived: for a context about to reference this environment. */
  lockUnarchived(id: string): Promise<void> {
    return this.archival.lockUnarchived(ENVIRONMENT_ROW, id);
  }

  private selectEnvironments() {
    return selectColumns(this.transactions.manager(), EnvironmentEntity, 'environment', ENVIRONMENT_COLUMNS);
  }

  private guardSlug<T>(slug: string | undefined, work: () => Promise<T>): Promise<T> {
    return onUniqueViolation(
      work,
      'environments_slug_key',
      () =>
        new AppError(
          CatalogErrors.environmentSlugTaken,
          `An environment with slug "${slug}" already exists.`,
          {
            errors: [{ path: 'slug', message: 'already taken' }],
          },
        ),
    );
  }
}

const ENVIRONMENT: VersionedResource<EnvironmentEntity, EnvironmentModel> = {
  entity: EnvironmentEntity,
  type: 'environment',
  toModel: toEnvironmentModel,
  notFound,
  // Not FOR UPDATE: archiving locks the row, then its active deployments, while a pipeline
  // reporting success has locked its deployment and then references this row (current
  // deployments), which FOR UPDATE would block: a deadlock. Requesting a deployment takes
  // FOR SHARE explicitly (lockUnarchived), which still waits for an archive under way.
  lock: 'for_no_key_update',
};

const ENVIRONMENT_ROW: ArchivableRow<EnvironmentEntity, EnvironmentModel> = {
  kind: 'environment',
  label: 'Environment',
  resource: ENVIRONMENT,
  archived: CatalogErrors.environmentArchived,
  notArchived: CatalogErrors.environmentNotArchived,
};

function notFound(idOrSlug: string): AppError {
  return new AppError(CatalogErrors.environmentNotFound, `No environment with id or slug "${idOrSlug}".`);
}

function checkFacts(facts: JsonObject): JsonObject {
  if (Buffer.byteLength(JSON.stringify(facts)) > MAX_FACTS_BYTES) {
    throw new AppError(
      CatalogErrors.factsTooLarge,
      `facts must be at most ${MAX_FACTS_BYTES} bytes as JSON.`,
      {
        errors: [{ path: 'facts', message: `larger than ${MAX_FACTS_BYTES} bytes` }],
      },
    );
  }
  return facts;
}
