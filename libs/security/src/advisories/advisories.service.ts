import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  assertValid,
  CommonErrors,
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
import { Readable } from 'node:stream';
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
import { SecurityConfig } from '../security.config';
import { OsvZipError, readOsvZip, SpooledFile, spoolToTempFile, SpoolTooLargeError } from './zip';
import { VulnerabilityScansService } from '../vulnerabilities/vulnerability-scans.service';

/** Records written per statement: a batch of jsonb rows well under PostgreSQL's parameter limits. */
const BATCH = 500;

/** Rejections named in an import's answer; `rejectedCount` counts them all. */
const MAX_REJECTIONS_LISTED = 1000;

/** One record read from an import (a body's element, a zip's entry), or why none could be. */
type Incoming =
  | { index: number; entry: string | null; record: unknown }
  | { index: number; entry: string | null; problem: string };

/** Zip entries as import items: records, and entries that are not (directories, other files skipped). */
async function* zipEntries(path: string): AsyncGenerator<Incoming> {
  let index = 0;
  for await (const entry of readOsvZip(path, ZIP_LIMITS)) {
    if ('skipped' in entry) continue;
    yield 'record' in entry
      ? { index, entry: entry.name, record: entry.record }
      : { index, entry: entry.name, problem: `${entry.error}: ${entry.message}` };
    index++;
  }
}

/** An OSV record is a few KB; the largest real ones (kernel CVEs) stay far below 4 MiB. */
const ZIP_LIMITS = { maxEntryBytes: 4 * 1024 * 1024, maxEntries: 2_000_000 };

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
    private readonly config: SecurityConfig,
  ) {}

  /** Imports one record or an array of them (a JSON request body). */
  async import(actor: Actor, body: unknown): Promise<AdvisoryImportModel> {
    const records = Array.isArray(body) ? (body as unknown[]) : [body];
    assertValid(
      records.length === 0 || records.some((record) => record === null || typeof record !== 'object')
        ? [{ path: 'body', message: 'must be an OSV record or a non-empty array of them' }]
        : [],
    );
    return this.importAll(
      actor,
      records.map((record, index) => ({ index, entry: null, record })),
    );
  }

  /**
   * Imports a zip of OSV records as OSV publishes ecosystem exports (one JSON file per record),
   * streamed to a temporary file (a zip is read from its end) and read one entry at a time, so
   * neither the upload nor the export is held in memory whole.
   */
  async importZip(actor: Actor, upload: Readable): Promise<AdvisoryImportModel> {
    const maxBytes = this.config.advisoryZipMaxBytes;
    let spooled: SpooledFile;
    try {
      spooled = await spoolToTempFile(upload, { maxBytes });
    } catch (error) {
      if (error instanceof SpoolTooLargeError)
        throw new AppError(
          CommonErrors.tooLarge,
          `The zip is larger than SECURITY_ADVISORY_ZIP_MAX_BYTES (${maxBytes} bytes).`,
        );
      throw error;
    }
    try {
      return await this.importZipFile(actor, spooled.path);
    } finally {
      await spooled.cleanup();
    }
  }

  /** Imports a zip file of OSV records (an upload, or a sync's download). */
  async importZipFile(actor: Actor, path: string, origin?: { url: string }): Promise<AdvisoryImportModel> {
    try {
      return await this.importAll(actor, zipEntries(path), origin);
    } catch (error) {
      if (error instanceof OsvZipError)
        throw new AppError(
          SecurityErrors.advisoryZipInvalid,
          `Not a readable zip of OSV records: ${error.message}`,
        );
      throw error;
    }
  }

  /**
   * The one import: records checked against the OSV schema (failing ones skipped and named),
   * written in batches as they are read, all in one transaction with one `advisories.imported`
   * change, and the rescan of the deployed releases they concern queued in it. (One transaction:
   * an import is all or nothing; the price is that the outbox relay waits for its commit.)
   */
  private async importAll(
    actor: Actor,
    incoming: Iterable<Incoming> | AsyncIterable<Incoming>,
    origin?: { url: string },
  ): Promise<AdvisoryImportModel> {
    const importedAt = this.clock.now();
    return this.transactions.run(async (manager) => {
      const counts = { received: 0, added: 0, updated: 0, live: 0 };
      const rejected: AdvisoryRejectionModel[] = [];
      let rejectedCount = 0;
      const reject = (item: Incoming, osvId: string | null, reason: string) => {
        rejectedCount++;
        if (rejected.length < MAX_REJECTIONS_LISTED)
          rejected.push({ index: item.index, entry: item.entry, osvId, reason });
      };
      // One record per id in a batch: the newest `modified` of those read.
      let batch = new Map<string, OsvRecord>();
      const withdrawn = new Map<string, string>();
      const flush = async () => {
        const written = await this.upsert(manager, [...batch.values()], importedAt);
        counts.live += batch.size;
        counts.added += written.filter((row) => row.added).length;
        counts.updated += written.filter((row) => !row.added).length;
        batch = new Map();
      };
      for await (const item of incoming) {
        counts.received++;
        if ('problem' in item) {
          reject(item, null, item.problem);
          continue;
        }
        const [problem] = osvSchemaErrors(item.record);
        if (problem) {
          const id = (item.record as { id?: unknown } | null)?.id;
          reject(
            item,
            typeof id === 'string' ? id : null,
            `${problem.path || '(record)'} ${problem.message}`,
          );
          continue;
        }
        const record = item.record as OsvRecord;
        if (record.withdrawn) {
          withdrawn.set(record.id, record.modified);
          continue;
        }
        const earlier = batch.get(record.id);
        if (!earlier || Date.parse(earlier.modified) < Date.parse(record.modified))
          batch.set(record.id, record);
        if (batch.size >= BATCH) await flush();
      }
      if (batch.size > 0) await flush();
      // A withdrawal removes the record it withdraws, not a newer one imported since.
      const [, removed] = withdrawn.size
        ? await manager.query<[unknown[], number]>(
            `DELETE FROM advisories AS advisory USING unnest($1::text[], $2::timestamptz[]) AS gone(id, modified)
              WHERE advisory.osv_id = gone.id AND advisory.modified <= gone.modified`,
            [[...withdrawn.keys()], [...withdrawn.values()]],
          )
        : [[], 0];
      const result: AdvisoryImportModel = {
        received: counts.received,
        added: counts.added,
        updated: counts.updated,
        unchanged: counts.live - counts.added - counts.updated,
        withdrawn: removed,
        rejected,
        rejectedCount,
      };
      if (result.added + result.updated + result.withdrawn > 0) {
        await this.changes.record(manager, actor, {
          action: 'advisories.imported',
          targetType: 'advisory_import',
          targetId: newId(),
          after: { ...result, rejected: rejectedCount, ...(origin && { url: origin.url }) },
        });
        // New advisories find old releases: those deployed now are scanned again.
        await this.scans.queueRescanFor(manager, {
          changedSince: result.added + result.updated > 0 ? importedAt : undefined,
          withdrawn: result.withdrawn > 0 ? [...withdrawn.keys()] : [],
        });
      }
      return result;
    });
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
