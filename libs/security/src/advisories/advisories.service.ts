import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  assertValid,
  ChangeRecorder,
  Clock,
  insertRows,
  KeysetOrder,
  newId,
  Page,
  paginate,
  toPage,
  Transactions,
} from '@opsplane/core';
import { EntityManager } from 'typeorm';
import {
  AdvisoryDetailModel,
  AdvisoryImportModel,
  AdvisoryModel,
  AdvisoryRejectionModel,
  ListAdvisoriesArgs,
} from '../dto/advisory.dto';
import { SecurityErrors } from '../security.errors';
import { AdvisoryEntity, AdvisoryPackageEntity } from './advisory.entity';
import type { OsvRecord } from './osv-record';
import { comparablePackageName } from './osv-match';
import { osvSchemaErrors } from './osv-schema';
import { assessSeverity } from './severity';
import { VulnerabilityScansService } from '../vulnerabilities/vulnerability-scans.service';

/** Records written per statement: a batch of jsonb rows well under PostgreSQL's parameter limits. */
const BATCH = 500;

/**
 * The advisory database: OSV records imported (one, or many at once), each replacing the stored
 * one only when it is newer (`modified`), withdrawn ones removed, and every package a record names
 * indexed for matching. Records that fail the OSV schema are reported by id and skipped.
 */
@Injectable()
export class AdvisoriesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly scans: VulnerabilityScansService,
  ) {}

  /** Imports one record or an array of them (as a request body, or read from a file). */
  async import(actor: Actor, body: unknown): Promise<AdvisoryImportModel> {
    const records = Array.isArray(body) ? (body as unknown[]) : [body];
    assertValid(
      records.length === 0 || records.some((record) => record === null || typeof record !== 'object')
        ? [{ path: 'body', message: 'must be an OSV record or a non-empty array of them' }]
        : [],
    );
    const rejected: AdvisoryRejectionModel[] = [];
    // One record per id: the newest `modified` of those sent.
    const valid = new Map<string, OsvRecord>();
    records.forEach((record, index) => {
      const [problem] = osvSchemaErrors(record);
      if (problem) {
        const id = (record as { id?: unknown }).id;
        rejected.push({
          index,
          osvId: typeof id === 'string' ? id : null,
          reason: `${problem.path || '(record)'} ${problem.message}`,
        });
        return;
      }
      const osv = record as OsvRecord;
      const earlier = valid.get(osv.id);
      if (!earlier || Date.parse(earlier.modified) < Date.parse(osv.modified)) valid.set(osv.id, osv);
    });
    const live = [...valid.values()].filter((record) => !record.withdrawn);
    const withdrawn = [...valid.values()].filter((record) => record.withdrawn).map((record) => record.id);

    const importedAt = this.clock.now();
    const outcome = await this.transactions.run(async (manager) => {
      let added = 0;
      let updated = 0;
      for (let start = 0; start < live.length; start += BATCH) {
        const written = await this.upsert(manager, live.slice(start, start + BATCH), importedAt);
        added += written.filter((row) => row.added).length;
        updated += written.filter((row) => !row.added).length;
      }
      // TypeORM answers a DELETE with [rows, count].
      const [, removed] = withdrawn.length
        ? await manager.query<[unknown[], number]>('DELETE FROM advisories WHERE osv_id = ANY($1)', [
            withdrawn,
          ])
        : [[], 0];
      const counts: AdvisoryImportModel = {
        received: records.length,
        added,
        updated,
        unchanged: live.length - added - updated,
        withdrawn: removed,
        rejected,
      };
      if (added + updated + counts.withdrawn > 0) {
        await this.changes.record(manager, actor, {
          action: 'advisories.imported',
          targetType: 'advisory_import',
          targetId: newId(),
          after: { ...counts, rejected: rejected.length },
        });
        // New advisories find old releases: those deployed now are scanned again.
        await this.scans.queueRescanFor(manager, {
          changedSince: added + updated > 0 ? importedAt : undefined,
          withdrawn: counts.withdrawn > 0 ? withdrawn : [],
        });
      }
      return counts;
    });
    return outcome;
  }

  /**
   * Writes records that are new or newer than the stored ones (others are left as they are), and
   * replaces the packages of those written. Answers which were written, and whether each was new.
   */
  private async upsert(
    manager: EntityManager,
    records: OsvRecord[],
    now: Date,
  ): Promise<{ id: string; osvId: string; added: boolean }[]> {
    const rows = records.map((record) => ({
      id: newId(),
      osv_id: record.id,
      aliases: record.aliases ?? [],
      summary: record.summary ?? null,
      modified: record.modified,
      published: record.published ?? null,
      severity: assessSeverity(record).rating,
      record,
    }));
    // TypeORM answers an INSERT … RETURNING with the rows alone. `xmax = 0` tells an inserted
    // row from an updated one.
    const written = await manager.query<{ id: string; osvId: string; added: boolean }[]>(
      `INSERT INTO advisories (id, osv_id, aliases, summary, modified, published, severity, record, imported_at)
       SELECT r.id, r.osv_id, ARRAY(SELECT jsonb_array_elements_text(r.aliases)), r.summary, r.modified,
              r.published, r.severity, r.record, $2
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, osv_id text, aliases jsonb, summary text,
              modified timestamptz, published timestamptz, severity text, record jsonb)
       ON CONFLICT (osv_id) DO UPDATE
          SET aliases = EXCLUDED.aliases, summary = EXCLUDED.summary, modified = EXCLUDED.modified,
              published = EXCLUDED.published, severity = EXCLUDED.severity, record = EXCLUDED.record,
              imported_at = EXCLUDED.imported_at
        WHERE advisories.modified < EXCLUDED.modified
       RETURNING id, osv_id AS "osvId", xmax = 0 AS added`,
      [JSON.stringify(rows), now],
    );
    if (written.length === 0) return written;
    const updatedIds = written.filter((row) => !row.added).map((row) => row.id);
    if (updatedIds.length > 0)
      await manager.query('DELETE FROM advisory_packages WHERE advisory_id = ANY($1)', [updatedIds]);
    const byOsvId = new Map(records.map((record) => [record.id, record]));
    const packages: AdvisoryPackageEntity[] = written.flatMap((row) =>
      packagesOf(byOsvId.get(row.osvId)!).map((pkg) => ({ advisoryId: row.id, ...pkg })),
    );
    await insertRows(manager, AdvisoryPackageEntity, packages);
    return written;
  }

  /** Newest change first; filtered by ecosystem, package, or an id or alias. */
  async list(args: ListAdvisoriesArgs): Promise<Page<AdvisoryModel>> {
    const query = this.transactions.manager().getRepository(AdvisoryEntity).createQueryBuilder('advisory');
    if (args.ecosystem || args.package) {
      const conditions = ['p.advisory_id = advisory.id'];
      if (args.ecosystem) conditions.push('p.ecosystem = :ecosystem');
      if (args.package) conditions.push('p.name = :package');
      query.andWhere(`EXISTS (SELECT 1 FROM advisory_packages AS p WHERE ${conditions.join(' AND ')})`, {
        ecosystem: args.ecosystem,
        package: args.package && comparablePackageName(args.ecosystem ?? '', args.package),
      });
    }
    if (args.id) query.andWhere('(advisory.osvId = :id OR :id = ANY(advisory.aliases))', { id: args.id });
    const order: KeysetOrder = {
      sortColumn: 'advisory.modified',
      sortType: 'date',
      idColumn: 'advisory.id',
      direction: 'DESC',
    };
    const rows = await paginate(query, args, order).getMany();
    const packages = await this.packagesOf(rows.map((row) => row.id));
    return toPage(
      rows,
      args,
      order,
      (row) => ({ sort: row.modified, id: row.id }),
      (row) => toAdvisoryModel(row, packages.get(row.id) ?? []),
    );
  }

  /** By OSV id, or by an alias when no record has that id (the first by id of those that do). */
  async get(idOrAlias: string): Promise<AdvisoryDetailModel> {
    const found = await this.transactions
      .manager()
      .getRepository(AdvisoryEntity)
      .createQueryBuilder('advisory')
      .where('advisory.osvId = :id OR :id = ANY(advisory.aliases)', { id: idOrAlias })
      .orderBy('advisory.osvId = :id', 'DESC')
      .addOrderBy('advisory.osvId')
      .limit(1)
      .getOne();
    if (!found)
      throw new AppError(SecurityErrors.advisoryNotFound, `No advisory with the id or alias "${idOrAlias}".`);
    const packages = await this.packagesOf([found.id]);
    return { ...toAdvisoryModel(found, packages.get(found.id) ?? []), record: found.record as never };
  }

  private async packagesOf(ids: string[]): Promise<Map<string, { ecosystem: string; name: string }[]>> {
    const byAdvisory = new Map<string, { ecosystem: string; name: string }[]>();
    if (ids.length === 0) return byAdvisory;
    const rows = await this.transactions
      .manager()
      .query<{ advisoryId: string; ecosystem: string; name: string }[]>(
        `SELECT advisory_id AS "advisoryId", ecosystem, name FROM advisory_packages
          WHERE advisory_id = ANY($1) ORDER BY ecosystem, name`,
        [ids],
      );
    for (const row of rows)
      byAdvisory.set(row.advisoryId, [
        ...(byAdvisory.get(row.advisoryId) ?? []),
        { ecosystem: row.ecosystem, name: row.name },
      ]);
    return byAdvisory;
  }
}

/** The distinct (ecosystem, name) pairs a record's `affected` entries name, as matching keys them. */
function packagesOf(record: OsvRecord): { ecosystem: string; name: string }[] {
  const seen = new Map<string, { ecosystem: string; name: string }>();
  for (const affected of record.affected ?? []) {
    if (!affected.package) continue;
    const { ecosystem } = affected.package;
    const name = comparablePackageName(ecosystem, affected.package.name);
    seen.set(`${ecosystem}\u0000${name}`, { ecosystem, name });
  }
  return [...seen.values()];
}

function toAdvisoryModel(
  row: AdvisoryEntity,
  packages: { ecosystem: string; name: string }[],
): AdvisoryModel {
  return {
    id: row.id,
    osvId: row.osvId,
    aliases: row.aliases,
    summary: row.summary,
    severity: row.severity,
    modified: row.modified,
    published: row.published,
    packages,
    importedAt: row.importedAt,
  };
}
