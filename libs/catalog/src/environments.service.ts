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
import { ArchiveGuards, ArchiveOptions } from './archive-guards';
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
    private readonly guards: ArchiveGuards,
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
  ): Promise<EnvironmentModel> {
    const { id } = await this.get(idOrSlug);
    return this.transactions.run((manager) =>
      this.changes.edit(
        manager,
        actor,
        ENVIRONMENT,
        { id, expectedVersion, verb: 'archived' },
        async (entity) => {
          refuseArchived(entity, 'is already archived');
          // Under the row lock: whatever the guards see cannot gain a deployment before the commit,
          // since requesting one locks this row for share first.
          await this.guards.settle({
            kind: 'environment',
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
   * too, so an archived environment keeps its slug and nobody can have taken it meanwhile.
   * Deployments canceled by the archive stay canceled (finished states never change).
   */
  async restore(actor: Actor, idOrSlug: string, expectedVersion?: number): Promise<EnvironmentModel> {
    const { id } = await this.get(idOrSlug);
    return this.transactions.run((manager) =>
      this.changes.edit(manager, actor, ENVIRONMENT, { id, expectedVersion, verb: 'restored' }, (entity) => {
        if (!entity.archivedAt)
          throw new AppError(
            CatalogErrors.environmentNotArchived,
            `Environment ${entity.slug} is not archived; there is nothing to restore.`,
          );
        return { ...entity, archivedAt: null, updatedAt: this.clock.now() };
      }),
    );
  }

  /**
   * For another context about to write a row that references this environment (releases, requesting
   * a deployment), inside its transaction: refuses an archived environment and locks the row for
   * share, so an archive waits for that transaction and its guards then see the new row (and an
   * archive already under way makes this wait, then refuse).
   */
  async lockUnarchived(id: string): Promise<void> {
    const row = await this.transactions
      .manager()
      .getRepository(EnvironmentEntity)
      .createQueryBuilder('environment')
      .select(['environment.id', 'environment.slug', 'environment.archivedAt'])
      .where('environment.id = :id', { id })
      .setLock('pessimistic_read')
      .getOne();
    if (!row) throw notFound(id);
    refuseArchived(row, 'is archived');
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

function refuseArchived(entity: Pick<EnvironmentEntity, 'slug' | 'archivedAt'>, what: string): void {
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
