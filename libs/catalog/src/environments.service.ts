import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  definedOnly,
  isUuid,
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
  async findMany(idsOrSlugs: readonly string[]): Promise<(EnvironmentModel | null)[]> {
    if (idsOrSlugs.length === 0) return [];
    const ids = idsOrSlugs.filter(isUuid);
    const slugs = idsOrSlugs.filter((key) => !isUuid(key));
    const rows = await this.selectEnvironments()
      .where('environment.id IN (:...ids) OR environment.slug IN (:...slugs)', {
        // IN () is a syntax error; a value no row has keeps each list non-empty.
        ids: ids.length > 0 ? ids : ['00000000-0000-0000-0000-000000000000'],
        slugs: slugs.length > 0 ? slugs : [''],
      })
      .getRawMany<EnvironmentModel>();
    const models = rows.map(toEnvironmentModel);
    const byKey = new Map(
      models.flatMap((model) => [[model.id, model] as const, [model.slug, model] as const]),
    );
    return idsOrSlugs.map((key) => byKey.get(key) ?? null);
  }

  async find(idOrSlug: string): Promise<EnvironmentModel | null> {
    const row = await this.selectEnvironments()
      .where(isUuid(idOrSlug) ? 'environment.id = :key' : 'environment.slug = :key', { key: idOrSlug })
      .getRawOne<EnvironmentModel>();
    return row ? toEnvironmentModel(row) : null;
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
          refuseArchived(entity, 'is archived and cannot change');
          return { ...entity, ...changes, updatedAt: this.clock.now() };
        }),
      ),
    );
  }

  async archive(actor: Actor, idOrSlug: string, expectedVersion?: number): Promise<EnvironmentModel> {
    const { id } = await this.get(idOrSlug);
    return this.transactions.run((manager) =>
      this.changes.edit(manager, actor, ENVIRONMENT, { id, expectedVersion, verb: 'archived' }, (entity) => {
        refuseArchived(entity, 'is already archived');
        const now = this.clock.now();
        return { ...entity, archivedAt: now, updatedAt: now };
      }),
    );
  }

  private selectEnvironments() {
    return selectColumns(
      this.transactions.manager().getRepository(EnvironmentEntity).createQueryBuilder('environment'),
      ENVIRONMENT_COLUMNS,
    );
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
};

function refuseArchived(entity: EnvironmentEntity, what: string): void {
  if (entity.archivedAt) {
    throw new AppError(CatalogErrors.environmentArchived, `Environment ${entity.slug} ${what}.`);
  }
}

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
