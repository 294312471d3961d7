import { Injectable } from '@nestjs/common';
import { CatalogErrors, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  definedOnly,
  isUniqueViolation,
  isUuid,
  loadForUpdate,
  newId,
  Page,
  paginate,
  selectColumns,
  toPage,
  Transactions,
} from '@opsplane/core';
import { EntityManager } from 'typeorm';
import { CreateReleaseInput, ListReleasesArgs, UpdateReleaseInput } from './dto/release.inputs';
import {
  RELEASE_COLUMNS,
  ReleaseArtifact,
  ReleaseArtifactInput,
  ReleaseCommit,
  ReleaseModel,
  ReleaseRow,
  toReleaseCommit,
  toReleaseModel,
} from './dto/release.model';
import { ReleaseCommitEntity, ReleaseEntity } from './release.entity';
import { ReleaseErrors } from './release.errors';

/**
 * Releases of services. Reads go through `Transactions.manager()` so that, inside an idempotent
 * request's transaction, they use its connection instead of taking a second one from the pool.
 */
@Injectable()
export class ReleasesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly services: ServicesService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateReleaseInput): Promise<ReleaseModel> {
    const service = await this.services.get(input.service);
    if (service.archivedAt)
      throw new AppError(
        CatalogErrors.serviceArchived,
        `Service ${service.slug} is archived; it takes no new releases.`,
      );
    const now = this.clock.now();
    const entity: ReleaseEntity = {
      id: newId(),
      serviceId: service.id,
      version: input.version,
      changelog: input.changelog ?? null,
      artifacts: toArtifacts(input.artifacts ?? []),
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      firstDeployedAt: null,
      revision: 1,
    };
    const commits: ReleaseCommitEntity[] = (input.commits ?? []).map((commit, position) => ({
      releaseId: entity.id,
      position,
      sha: commit.sha.toLowerCase(),
      message: commit.message,
      authoredAt: commit.authoredAt ?? null,
      mergedAt: commit.mergedAt ?? null,
    }));
    try {
      return await this.transactions.run(async (manager) => {
        await manager.insert(ReleaseEntity, entity);
        if (commits.length > 0) await manager.insert(ReleaseCommitEntity, commits);
        const created = toReleaseModel(entity, commits.map(toReleaseCommit));
        await this.changes.record(manager, actor, {
          action: 'release.created',
          targetType: 'release',
          targetId: entity.id,
          after: forRecord(created),
        });
        return created;
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'releases_service_version_key')) throw error;
      throw new AppError(
        ReleaseErrors.versionExists,
        `Service ${service.slug} already has a release ${input.version}.`,
        { errors: [{ path: 'version', message: 'already exists for this service' }] },
      );
    }
  }

  async get(id: string): Promise<ReleaseModel> {
    const [found] = await this.findMany([id]);
    if (!found) throw notFound(id);
    return found;
  }

  /** Releases by id, in the order asked, null where there is none (for DataLoaders). */
  async findMany(ids: readonly string[]): Promise<(ReleaseModel | null)[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return ids.map(() => null);
    const manager = this.transactions.manager();
    const rows = await this.selectReleases(manager)
      .where('release.id IN (:...ids)', { ids: valid })
      .getRawMany<ReleaseRow>();
    const commits = await this.commitsOf(
      manager,
      rows.map((row) => row.id),
    );
    const byId = new Map(rows.map((row) => [row.id, toReleaseModel(row, commits.get(row.id) ?? [])]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Newest first. */
  async list(args: ListReleasesArgs): Promise<Page<ReleaseModel>> {
    const manager = this.transactions.manager();
    const query = this.selectReleases(manager);
    if (args.serviceId) query.andWhere('release.serviceId = :serviceId', { serviceId: args.serviceId });
    const rows = await paginate(query, args, {
      idColumn: 'release.id',
      direction: 'DESC',
    }).getRawMany<ReleaseRow>();
    const page = toPage(
      rows,
      args,
      (row) => ({ id: row.id }),
      (row) => row,
    );
    const commits = await this.commitsOf(
      manager,
      page.items.map((row) => row.id),
    );
    return {
      items: page.items.map((row) => toReleaseModel(row, commits.get(row.id) ?? [])),
      nextCursor: page.nextCursor,
    };
  }

  /** Changelog and artifacts, until the release is first deployed. */
  async update(
    actor: Actor,
    id: string,
    input: UpdateReleaseInput,
    expectedRevision?: number,
  ): Promise<ReleaseModel> {
    if (!isUuid(id)) throw notFound(id);
    const changes = definedOnly({
      changelog: input.changelog,
      artifacts: input.artifacts && toArtifacts(input.artifacts),
    });
    return this.transactions.run(async (manager) => {
      const entity = await loadForUpdate(
        manager,
        ReleaseEntity,
        id,
        expectedRevision,
        () => notFound(id),
        'revision',
      );
      // Checked under the row lock: a deployment request sets firstDeployedAt under the same lock.
      if (entity.firstDeployedAt)
        throw new AppError(
          ReleaseErrors.immutable,
          `Release ${entity.version} was deployed at ${entity.firstDeployedAt.toISOString()} and can no longer change; register a new version instead.`,
        );
      const commits = (await this.commitsOf(manager, [id])).get(id) ?? [];
      const before = toReleaseModel(entity, commits);
      const saved = await manager.save(ReleaseEntity, {
        ...entity,
        ...changes,
        updatedAt: this.clock.now(),
      });
      const after = toReleaseModel(saved, commits);
      await this.changes.record(manager, actor, {
        action: 'release.updated',
        targetType: 'release',
        targetId: id,
        before: forRecord(before),
        after: forRecord(after),
      });
      return after;
    });
  }

  private selectReleases(manager: EntityManager) {
    return selectColumns(manager.getRepository(ReleaseEntity).createQueryBuilder('release'), RELEASE_COLUMNS);
  }

  private async commitsOf(
    manager: EntityManager,
    releaseIds: string[],
  ): Promise<Map<string, ReleaseCommit[]>> {
    const byRelease = new Map<string, ReleaseCommit[]>();
    if (releaseIds.length === 0) return byRelease;
    const rows = await selectColumns(
      manager.getRepository(ReleaseCommitEntity).createQueryBuilder('releaseCommit'),
      ['releaseId', 'sha', 'message', 'authoredAt', 'mergedAt'],
    )
      .where('releaseCommit.releaseId IN (:...releaseIds)', { releaseIds })
      .orderBy('releaseCommit.releaseId')
      .addOrderBy('releaseCommit.position')
      .getRawMany<ReleaseCommit & { releaseId: string }>();
    for (const row of rows) {
      const commits = byRelease.get(row.releaseId) ?? [];
      commits.push(toReleaseCommit(row));
      byRelease.set(row.releaseId, commits);
    }
    return byRelease;
  }
}

function notFound(id: string): AppError {
  return new AppError(ReleaseErrors.releaseNotFound, `No release with id "${id}".`);
}

function toArtifacts(inputs: ReleaseArtifactInput[]): ReleaseArtifact[] {
  return inputs.map(({ name, url, digest }) => ({ name, url, digest: digest ?? null }));
}

/**
 * What the audit and outbox events carry: the release without its commit list (up to 500
 * messages would bloat every event), with the count instead. Commits never change anyway.
 */
function forRecord({ commits, ...release }: ReleaseModel): object {
  return { ...release, commitCount: commits.length };
}
