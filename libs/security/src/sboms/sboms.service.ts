import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  insertRows,
  JobQueue,
  KeysetOrder,
  newId,
  Page,
  paginate,
  toPage,
  Transactions,
} from '@opsplane/core';
import { ReleasesService } from '@opsplane/releases';
import { EntityManager } from 'typeorm';
import { comparablePackageName } from '../advisories/osv-match';
import { ecosystemComparator } from '../advisories/versions';
import { ListSbomComponentsArgs, SbomComponentModel, SbomModel } from '../dto/sbom.dto';
import { readSbom, type SbomComponent } from '../sbom';
import { SecurityErrors } from '../security.errors';
import { VULNERABILITY_SCAN_JOB } from '../vulnerabilities/vulnerability-scan.job-types';
import { ComponentMatching, SbomComponentEntity, SbomEntity } from './sbom.entity';

/** The media types an SBOM upload takes besides `application/json`. */
export const SBOM_MEDIA_TYPES = ['application/vnd.cyclonedx+json', 'application/spdx+json'];

/**
 * SBOMs attached to releases: read and checked against their official schema (`readSbom`), kept
 * with their components, one per release. A different SBOM replaces the release's and queues a
 * vulnerability scan of it in the same transaction; the same one again changes nothing.
 */
@Injectable()
export class SbomsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly releases: ReleasesService,
    private readonly queue: JobQueue,
  ) {}

  async attach(actor: Actor, releaseId: string, document: Buffer, contentType: string): Promise<SbomModel> {
    const release = await this.releases.get(releaseId);
    const read = await readSbom(document);
    if (!read.ok)
      throw new AppError(SecurityErrors.sbomInvalid, read.message, {
        errors: read.errors.length
          ? read.errors.map((error) => ({ path: error.path || '/', message: error.message }))
          : [{ path: 'body', message: read.message }],
      });
    const { sbom } = read;
    return this.transactions.run(async (manager) => {
      const [current] = await manager.query<SbomEntity[]>(
        `SELECT id, sha256 FROM sboms WHERE release_id = $1 FOR UPDATE`,
        [release.id],
      );
      if (current?.sha256 === sbom.sha256) return this.get(release.id);
      if (current) await manager.query('DELETE FROM sboms WHERE id = $1', [current.id]);
      const entity: SbomEntity = {
        id: newId(),
        releaseId: release.id,
        format: sbom.format,
        specVersion: sbom.specVersion,
        sha256: sbom.sha256,
        subject: sbom.subject,
        hasDependencyGraph: sbom.hasDependencyGraph,
        componentCount: sbom.components.length,
        problems: sbom.problems,
        mediaType: mediaTypeOf(contentType),
        document,
        uploadedBy: actor.id,
        uploadedAt: this.clock.now(),
        lastScannedAt: null,
        lastScan: null,
      };
      await insertRows(manager, SbomEntity, [entity]);
      await insertRows(
        manager,
        SbomComponentEntity,
        sbom.components.map((component) => toComponentEntity(release.id, component)),
      );
      const model = toSbomModel(entity);
      await this.changes.record(manager, actor, {
        action: current ? 'sbom.replaced' : 'sbom.attached',
        targetType: 'release',
        targetId: release.id,
        before: current ? { sbomId: current.id, sha256: current.sha256 } : null,
        after: { ...model, problems: model.problems.length },
      });
      await this.queue.enqueue(
        VULNERABILITY_SCAN_JOB,
        { releaseId: release.id, trigger: 'sbom_upload' },
        { singletonKey: release.id, manager },
      );
      return model;
    });
  }

  async get(releaseId: string): Promise<SbomModel> {
    const found = await this.manager().getRepository(SbomEntity).findOneBy({ releaseId });
    if (!found) throw sbomNotFound(releaseId);
    return toSbomModel(found);
  }

  /** The document as uploaded, with its content type. */
  async document(releaseId: string): Promise<{ mediaType: string; document: Buffer }> {
    const found = await this.manager()
      .getRepository(SbomEntity)
      .createQueryBuilder('sbom')
      .select(['sbom.mediaType', 'sbom.document'])
      .where('sbom.releaseId = :releaseId', { releaseId })
      .getOne();
    if (!found?.document) throw sbomNotFound(releaseId);
    return { mediaType: found.mediaType, document: found.document };
  }

  /** In document order. */
  async components(releaseId: string, args: ListSbomComponentsArgs): Promise<Page<SbomComponentModel>> {
    const exists = await this.manager().getRepository(SbomEntity).existsBy({ releaseId });
    if (!exists) throw sbomNotFound(releaseId);
    const query = this.manager()
      .getRepository(SbomComponentEntity)
      .createQueryBuilder('component')
      .where('component.releaseId = :releaseId', { releaseId });
    if (args.package)
      query.andWhere('component.packageName = :package', {
        package: comparablePackageName(args.ecosystem ?? '', args.package),
      });
    if (args.ecosystem) query.andWhere('component.ecosystem = :ecosystem', { ecosystem: args.ecosystem });
    if (args.matching) query.andWhere('component.matching = :matching', { matching: args.matching });
    const order: KeysetOrder = { idColumn: 'component.id', scope: { releaseId } };
    const rows = await paginate(query, args, order).getMany();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toComponentModel);
  }

  private manager(): EntityManager {
    return this.transactions.manager();
  }
}

function sbomNotFound(releaseId: string): AppError {
  return new AppError(SecurityErrors.sbomNotFound, `Release ${releaseId} has no SBOM.`);
}

function mediaTypeOf(contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return SBOM_MEDIA_TYPES.includes(type) ? type : 'application/json';
}

/** How matching can treat a component: said per component, so none is skipped silently. */
export function matchingOf(component: SbomComponent): ComponentMatching {
  const { ecosystem, version } = component.osvPackage;
  if (ecosystem === null) return 'no_ecosystem';
  if (version === null) return 'no_version';
  return ecosystemComparator(ecosystem) === null ? 'no_version_order' : 'evaluated';
}

function toComponentEntity(releaseId: string, component: SbomComponent): SbomComponentEntity {
  return {
    id: newId(),
    releaseId,
    path: component.path,
    ref: component.ref,
    name: component.name,
    group: component.group,
    version: component.version,
    purl: component.purl,
    ecosystem: component.osvPackage.ecosystem,
    packageName: component.osvPackage.name,
    licenses: component.licenses,
    scope: component.scope,
    dependency: component.dependency,
    matching: matchingOf(component),
  };
}

export function toSbomModel(entity: SbomEntity): SbomModel {
  return {
    id: entity.id,
    releaseId: entity.releaseId,
    format: entity.format,
    specVersion: entity.specVersion,
    sha256: entity.sha256,
    subject: entity.subject,
    hasDependencyGraph: entity.hasDependencyGraph,
    componentCount: entity.componentCount,
    problems: entity.problems,
    mediaType: entity.mediaType,
    uploadedBy: entity.uploadedBy,
    uploadedAt: entity.uploadedAt,
    lastScan: entity.lastScan && { ...entity.lastScan, scannedAt: new Date(entity.lastScan.scannedAt) },
  };
}

function toComponentModel(entity: SbomComponentEntity): SbomComponentModel {
  const { path: _path, ...model } = entity;
  return model;
}
