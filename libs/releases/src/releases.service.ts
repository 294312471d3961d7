import { Injectable } from '@nestjs/common';
import { CatalogErrors, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  definedOnly,
  findManyByIds,
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
import { EntityManager } from 'typeorm';
import {
  CreateReleaseInput,
  ListReleasesArgs,
  ReleaseDiffArgs,
  UpdateReleaseInput,
} from './dto/release.inputs';
import {
  MAX_DIFF_COMMITS,
  MAX_DIFF_RELEASES,
  RELEASE_COLUMNS,
  ReleaseArtifact,
  ReleaseArtifactInput,
  ReleaseCommit,
  ReleaseDiffCommit,
  ReleaseDiffModel,
  ReleaseModel,
  ReleaseRow,
  ReleaseWithoutCommits,
  toReleaseCommit,
  toReleaseModel,
  toReleaseSummary,
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

  /** Releases by id, in the order asked, null where there is none. */
  async findMany(ids: readonly string[]): Promise<(ReleaseModel | null)[]> {
    const releases = await this.findManyWithoutCommits(ids);
    const commits = await this.commitsOf(
      this.transactions.manager(),
      releases.flatMap((release) => (release ? [release.id] : [])),
    );
    return releases.map((release) => release && { ...release, commits: commits.get(release.id) ?? [] });
  }

  /**
   * Releases by id without their commits, for GraphQL's loaders: a query that asks for commits
   * reads them through `commitsOfMany`, one that does not (most nested reads) costs no statement
   * and no rows for them.
   */
  async findManyWithoutCommits(ids: readonly string[]): Promise<(ReleaseWithoutCommits | null)[]> {
    return findManyByIds(ids, async (valid) => {
      const rows = await this.selectReleases(this.transactions.manager())
        .where('release.id IN (:...ids)', { ids: valid })
        .getRawMany<ReleaseRow>();
      return rows.map((row): ReleaseWithoutCommits => ({ ...toReleaseModel(row, []), commits: undefined }));
    });
  }

  /** Each release's commits, newest first, in the order of `releaseIds` (for DataLoaders). */
  async commitsOfMany(releaseIds: readonly string[]): Promise<ReleaseCommit[][]> {
    const commits = await this.commitsOf(this.transactions.manager(), releaseIds.filter(isUuid));
    return releaseIds.map((id) => commits.get(id) ?? []);
  }

  /** Newest first. */
  async list(args: ListReleasesArgs): Promise<Page<ReleaseModel>> {
    const manager = this.transactions.manager();
    const query = this.selectReleases(manager);
    if (args.serviceId) query.andWhere('release.serviceId = :serviceId', { serviceId: args.serviceId });
    const order: KeysetOrder = { idColumn: 'release.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getRawMany<ReleaseRow>();
    const page = toPage(
      rows,
      args,
      order,
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

  /**
   * What changes from one release of a service to another, in two queries whatever the distance:
   * the two releases with the span between them, then the commits of the span.
   */
  async diff({ from: fromId, to: toId }: ReleaseDiffArgs): Promise<ReleaseDiffModel> {
    // Ids are compared as text below; PostgreSQL answers in lower case.
    const [fromKey, toKey] = [fromId.toLowerCase(), toId.toLowerCase()];
    const manager = this.transactions.manager();
    // The two releases, and the span (older, newer] if they are of one service: its newest, plus one
    // row that tells it was cut. A UNION rather than an OR, so both halves use their index.
    const rows = await manager.query<(DiffReleaseRow & { inSpan: boolean })[]>(
      `WITH ends AS (
         SELECT id, service_id, version, created_at FROM releases WHERE id IN ($1, $2)
       ),
       span AS (
         SELECT r.id, r.service_id, r.version, r.created_at FROM releases r
          WHERE r.service_id = (SELECT service_id FROM ends WHERE id = $1)
            AND r.service_id = (SELECT service_id FROM ends WHERE id = $2)
            AND r.id > LEAST($1::uuid, $2::uuid) AND r.id <= GREATEST($1::uuid, $2::uuid)
          ORDER BY r.id DESC
          LIMIT ${MAX_DIFF_RELEASES + 1}
       )
       SELECT id, service_id AS "serviceId", version, created_at AS "createdAt", false AS "inSpan" FROM ends
       UNION ALL
       SELECT id, service_id, version, created_at, true FROM span`,
      [fromKey, toKey],
    );
    const from = rows.find((row) => !row.inSpan && row.id === fromKey);
    const to = rows.find((row) => !row.inSpan && row.id === toKey);
    if (!from) throw notFound(fromId);
    if (!to) throw notFound(toId);
    if (from.serviceId !== to.serviceId)
      throw new AppError(
        ReleaseErrors.diffAcrossServices,
        `Release ${from.version} (${from.id}) and release ${to.version} (${to.id}) belong to different services; a diff compares releases of one service.`,
        { errors: [{ path: 'to', message: 'must be a release of the same service as from' }] },
      );
    const direction = fromKey === toKey ? 'same' : toKey > fromKey ? 'forward' : 'backward';
    // Newest first; UNION ALL promises no order.
    const span = rows.filter((row) => row.inSpan).sort((a, b) => (a.id < b.id ? 1 : -1));
    const releasesCut = span.length > MAX_DIFF_RELEASES;
    const kept = span.slice(0, MAX_DIFF_RELEASES);
    const older = direction === 'forward' ? from : to;
    const commits = await this.commitsBetween(manager, kept, older.id);
    return {
      serviceId: from.serviceId,
      from: toReleaseSummary(from),
      to: toReleaseSummary(to),
      direction,
      releases: (direction === 'forward' ? [...kept].reverse() : kept).map(toReleaseSummary),
      commits: commits.slice(0, MAX_DIFF_COMMITS),
      truncated: releasesCut || commits.length > MAX_DIFF_COMMITS,
    };
  }

  /**
   * The commits of `span`, each sha once, attributed to the oldest release that lists it, without
   * those `baseId` already lists; newest first, one more than the limit to tell it was cut.
   * Shas are hex: byte order ("C") sorts them as well as the locale's and several times faster.
   */
  private async commitsBetween(
    manager: EntityManager,
    span: DiffReleaseRow[],
    baseId: string,
  ): Promise<ReleaseDiffCommit[]> {
    if (span.length === 0) return [];
    const versions = new Map(span.map((row) => [row.id, row.version]));
    const rows = await manager.query<(ReleaseCommit & { releaseId: string })[]>(
      `WITH fresh AS (
         SELECT DISTINCT ON (c.sha COLLATE "C") c.release_id, c.position, c.sha, c.message, c.authored_at, c.merged_at
           FROM release_commits c
          WHERE c.release_id = ANY ($1::uuid[])
            AND NOT EXISTS (SELECT 1 FROM release_commits base WHERE base.release_id = $2 AND base.sha = c.sha)
          ORDER BY c.sha COLLATE "C", c.release_id, c.position
       )
       SELECT release_id AS "releaseId", sha, message, authored_at AS "authoredAt", merged_at AS "mergedAt"
         FROM fresh
        ORDER BY release_id DESC, position
        LIMIT ${MAX_DIFF_COMMITS + 1}`,
      [[...versions.keys()], baseId],
    );
    return rows.map((row) => ({
      ...toReleaseCommit(row),
      releaseId: row.releaseId,
      version: versions.get(row.releaseId)!,
    }));
  }

  private selectReleases(manager: EntityManager) {
    return selectColumns(manager, ReleaseEntity, 'release', RELEASE_COLUMNS);
  }

  private async commitsOf(
    manager: EntityManager,
    releaseIds: string[],
  ): Promise<Map<string, ReleaseCommit[]>> {
    const byRelease = new Map<string, ReleaseCommit[]>();
    if (releaseIds.length === 0) return byRelease;
    const rows = await selectColumns(manager, ReleaseCommitEntity, 'releaseCommit', [
      'releaseId',
      'sha',
      'message',
      'authoredAt',
      'mergedAt',
    ])
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

interface DiffReleaseRow {
  id: string;
  serviceId: string;
  version: string;
  createdAt: Date;
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
