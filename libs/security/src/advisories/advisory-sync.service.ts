import { open, readFile } from 'node:fs/promises';
import { Injectable, Logger } from '@nestjs/common';
import { Actor, AppError, ChangeRecorder, Clock, newId, OutboundHttp, Transactions } from '@opsplane/core';
import { AdvisoryImportModel } from '../dto/advisory.dto';
import { SecurityConfig } from '../security.config';
import { SecurityErrors } from '../security.errors';
import { AdvisoriesService } from './advisories.service';
import { AdvisorySourceEntity, SyncStatus } from './advisory-source.entity';
import { isZip, newSpoolFile } from './zip';

/** The largest JSON document (one record or an array) a sync parses whole; larger feeds are zips. */
const MAX_JSON_DOCUMENT_BYTES = 64 * 1024 * 1024;

export interface SyncOutcome {
  url: string;
  status: SyncStatus;
  error?: string;
  imported?: AdvisoryImportModel;
}

/**
 * Syncs the advisory database from the configured URLs (SECURITY_ADVISORY_SYNC_URLS): an OSV zip
 * export (`…/npm/all.zip`) or a JSON document of records, fetched through OutboundHttp (the SSRF
 * policy every outbound request follows) with If-None-Match / If-Modified-Since from the last
 * answer, so an unchanged export costs a 304. The download goes to a temporary file and is
 * imported as an upload is (`AdvisoriesService.importZipFile`). Each source's outcome is kept in
 * `advisory_sources` and recorded as `advisories.synced`.
 */
@Injectable()
export class AdvisorySyncService {
  private readonly logger = new Logger(AdvisorySyncService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly outbound: OutboundHttp,
    private readonly advisories: AdvisoriesService,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly config: SecurityConfig,
  ) {}

  /** The configured sources with what their last sync saw, in configured order. */
  async sources(): Promise<AdvisorySourceEntity[]> {
    const urls = this.config.advisorySyncUrls;
    const rows = await this.transactions.manager().getRepository(AdvisorySourceEntity).find();
    return urls.map(
      (url) =>
        rows.find((row) => row.url === url) ?? {
          url,
          etag: null,
          lastModified: null,
          checkedAt: null,
          syncedAt: null,
          lastStatus: null,
          lastError: null,
          lastImport: null,
        },
    );
  }

  /** Syncs every source, one after another; a failing one does not stop the rest. */
  async syncAll(actor: Actor, signal?: AbortSignal): Promise<SyncOutcome[]> {
    const outcomes: SyncOutcome[] = [];
    for (const source of await this.sources()) {
      signal?.throwIfAborted();
      outcomes.push(await this.syncOne(actor, source));
    }
    return outcomes;
  }

  private async syncOne(actor: Actor, source: AdvisorySourceEntity): Promise<SyncOutcome> {
    const file = await newSpoolFile();
    let outcome: SyncOutcome;
    let validators = { etag: source.etag, lastModified: source.lastModified };
    try {
      const headers: Record<string, string> = { accept: 'application/zip, application/json' };
      if (source.etag) headers['if-none-match'] = source.etag;
      if (source.lastModified) headers['if-modified-since'] = source.lastModified;
      const response = await this.outbound.request(source.url, {
        headers,
        saveTo: file.path,
        maxResponseBytes: this.config.advisoryZipMaxBytes,
        timeoutMs: this.config.advisorySyncTimeoutMs,
      });
      if (!response.ok)
        outcome = { url: source.url, status: 'failed', error: `${response.failure}: ${response.message}` };
      else if (response.status === 304) outcome = { url: source.url, status: 'not_modified' };
      else if (response.status !== 200)
        outcome = { url: source.url, status: 'failed', error: `the server answered HTTP ${response.status}` };
      else if (response.truncated)
        outcome = {
          url: source.url,
          status: 'failed',
          error: `the document is larger than SECURITY_ADVISORY_ZIP_MAX_BYTES (${this.config.advisoryZipMaxBytes} bytes)`,
        };
      else {
        const imported = await this.importDownload(actor, file.path, source.url);
        outcome = { url: source.url, status: 'imported', imported };
        validators = {
          etag: header(response.headers.etag),
          lastModified: header(response.headers['last-modified']),
        };
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // The document was fetched but is not one we read (not a zip of records, not JSON).
      outcome = { url: source.url, status: 'failed', error: error.message };
    } finally {
      await file.cleanup();
    }
    await this.record(actor, source, outcome, validators);
    if (outcome.status === 'failed')
      this.logger.warn(`Advisory sync of ${source.url} failed: ${outcome.error}`);
    return outcome;
  }

  private async importDownload(actor: Actor, path: string, url: string): Promise<AdvisoryImportModel> {
    const handle = await open(path, 'r');
    let first: Buffer;
    let size: number;
    try {
      first = Buffer.alloc(4);
      await handle.read(first, 0, 4, 0);
      size = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    if (isZip(first)) return this.advisories.importZipFile(actor, path, { url });
    if (size > MAX_JSON_DOCUMENT_BYTES)
      throw new AppError(
        SecurityErrors.advisoryDocumentInvalid,
        `A JSON document of ${size} bytes is larger than a sync parses (${MAX_JSON_DOCUMENT_BYTES}); publish a zip.`,
      );
    let body: unknown;
    try {
      body = JSON.parse(await readFile(path, 'utf8'));
    } catch {
      throw new AppError(SecurityErrors.advisoryDocumentInvalid, 'The document is neither a zip nor JSON.');
    }
    return this.advisories.import(actor, body);
  }

  private async record(
    actor: Actor,
    source: AdvisorySourceEntity,
    outcome: SyncOutcome,
    validators: { etag: string | null; lastModified: string | null },
  ): Promise<void> {
    const now = this.clock.now();
    await this.transactions.run(async (manager) => {
      await manager.query(
        `INSERT INTO advisory_sources (url, etag, last_modified, checked_at, synced_at, last_status, last_error, last_import)
         VALUES ($1, $2, $3, $4, CASE WHEN $5 = 'imported' THEN $4::timestamptz END, $5, $6, $7)
         ON CONFLICT (url) DO UPDATE SET
           etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified, checked_at = EXCLUDED.checked_at,
           synced_at = COALESCE(EXCLUDED.synced_at, advisory_sources.synced_at),
           last_status = EXCLUDED.last_status, last_error = EXCLUDED.last_error,
           last_import = COALESCE(EXCLUDED.last_import, advisory_sources.last_import)`,
        [
          source.url,
          validators.etag,
          validators.lastModified,
          now,
          outcome.status,
          outcome.error ?? null,
          outcome.imported ? JSON.stringify(outcome.imported) : null,
        ],
      );
      // A source that did not change is no change: its check is kept in the row alone.
      if (outcome.status === 'not_modified') return;
      await this.changes.record(manager, actor, {
        action: 'advisories.synced',
        targetType: 'advisory_source',
        targetId: newId(),
        after: {
          url: shownUrl(source.url),
          status: outcome.status,
          error: outcome.error ?? null,
          ...(outcome.imported && { ...outcome.imported, rejected: outcome.imported.rejectedCount }),
        },
      });
    });
  }
}

/**
 * The URL as logs, the audit log and the API show it: without credentials or a query string, where
 * a mirror's token may sit.
 */
export function shownUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

function header(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
