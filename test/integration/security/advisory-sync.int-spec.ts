import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemActor } from '@opsplane/core';
import { AdvisorySyncService } from '@opsplane/security';
import { buildZip } from '../../../libs/security/src/advisories/zip/zip-writer.testing';
import { createTestApp, TestApp } from '../../support/test-app';

const OSV = join(__dirname, '../../fixtures/security/osv');
const GHSA = readdirSync(OSV)
  .filter((file) => file.startsWith('GHSA-'))
  .map((file) => JSON.parse(readFileSync(join(OSV, file), 'utf8')) as { id: string; modified: string });

/** An OSV-export-like server: a zip with an ETag and Last-Modified, 304 when the client has it. */
class ExportServer {
  readonly requests: { url: string; ifNoneMatch?: string; ifModifiedSince?: string }[] = [];
  zip = buildZip(GHSA.map((record) => ({ name: `${record.id}.json`, data: JSON.stringify(record) })));
  etag = '"v1"';
  readonly lastModified = 'Tue, 01 Dec 2026 00:00:00 GMT';
  private server?: Server;

  async start(): Promise<number> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      this.requests.push({
        url: request.url ?? '',
        ifNoneMatch: request.headers['if-none-match'],
        ifModifiedSince: request.headers['if-modified-since'],
      });
      if (request.url === '/npm/all.zip') {
        if (request.headers['if-none-match'] === this.etag) return response.writeHead(304).end();
        response.writeHead(200, {
          'content-type': 'application/zip',
          etag: this.etag,
          'last-modified': this.lastModified,
        });
        return response.end(this.zip);
      }
      if (request.url?.startsWith('/records.json?')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(JSON.stringify([{ ...GHSA[0], id: 'OSV-2026-SYNC-1', aliases: [] }]));
      }
      if (request.url === '/garbage') return response.writeHead(200).end('<html>nope</html>');
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('advisory sync from URLs', () => {
  const exports = new ExportServer();
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    base = `http://127.0.0.1:${await exports.start()}`;
    t = await createTestApp({
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      LOG_LEVEL: 'error',
      // Its default (tests default to never; no job runs here anyway: JOBS_ENABLED is off).
      SECURITY_ADVISORY_SYNC_CRON: '15 */6 * * *',
      SECURITY_ADVISORY_SYNC_URLS: [
        `${base}/npm/all.zip`,
        `${base}/records.json?token=abc`,
        `${base}/missing.zip`,
        `${base}/garbage`,
        'http://169.254.169.254/latest/meta-data',
      ].join(','),
    });
  });
  afterAll(async () => {
    await t.close();
    await exports.close();
  });

  const sync = () => t.app.get(AdvisorySyncService).syncAll(systemActor('advisory-sync', 'test'));
  const sources = async () =>
    (await t.http(t.tokens.viewer).get('/v1/advisories/sources').expect(200)).body.items as {
      url: string;
      lastStatus: string;
      lastError: string | null;
      etag: string | null;
      lastImport: { added: number; updated: number; unchanged: number } | null;
    }[];

  it('imports each source, asks again with its validators, and imports only a change', async () => {
    const first = await sync();
    expect(first.map((outcome) => outcome.status)).toEqual([
      'imported',
      'imported',
      'failed',
      'failed',
      'failed',
    ]);
    expect(first[0].imported).toMatchObject({ added: 8 });
    expect(first[1].imported).toMatchObject({ added: 1 });
    await t.http(t.tokens.viewer).get('/v1/advisories/GHSA-c2qf-rxjj-qqgw').expect(200);
    await t.http(t.tokens.viewer).get('/v1/advisories/OSV-2026-SYNC-1').expect(200);
    expect(first[2].error).toMatch(/HTTP 404/);
    expect(first[3].error).toMatch(/neither a zip nor JSON/);
    // Metadata addresses are refused as every outbound request's are, allow-list or not.
    expect(first[4].error).toMatch(/^refused_by_policy/);

    const listed = await sources();
    expect(listed[0]).toMatchObject({ lastStatus: 'imported', etag: '"v1"', lastImport: { added: 8 } });
    // A query string (where a mirror's token may be) is not shown.
    expect(listed[1].url).toBe(`${base}/records.json?…`);
    expect(listed[4]).toMatchObject({
      lastStatus: 'failed',
      lastError: expect.stringMatching(/refused_by_policy/),
    });

    // Unchanged: a 304, nothing imported, the last import kept.
    const zipRequests = () => exports.requests.filter((request) => request.url === '/npm/all.zip');
    const second = await sync();
    expect(second[0].status).toBe('not_modified');
    expect(zipRequests().at(-1)).toMatchObject({
      ifNoneMatch: '"v1"',
      ifModifiedSince: 'Tue, 01 Dec 2026 00:00:00 GMT',
    });
    expect((await sources())[0]).toMatchObject({ lastStatus: 'not_modified', lastImport: { added: 8 } });

    // Changed: a newer record, a new ETag.
    exports.zip = buildZip(
      GHSA.map((record, i) => ({
        name: `${record.id}.json`,
        data: JSON.stringify(i === 0 ? { ...record, modified: '2099-01-01T00:00:00Z' } : record),
      })),
    );
    exports.etag = '"v2"';
    const third = await sync();
    expect(third[0]).toMatchObject({ status: 'imported', imported: { added: 0, updated: 1, unchanged: 7 } });
    expect((await sources())[0]).toMatchObject({ etag: '"v2"' });

    // Each import is recorded, with its source.
    const audit = (
      await t
        .http(t.tokens.auditor)
        .get('/v1/audit-events')
        .query({ action: 'advisories.synced', limit: 50 })
        .expect(200)
    ).body.items as { after: { url: string; status: string } }[];
    expect(
      audit.filter((event) => event.after.url === `${base}/npm/all.zip`).map((event) => event.after.status),
    ).toEqual(['imported', 'imported']);
  });

  it('is a scheduled job type', async () => {
    const types = (await t.http(t.tokens.auditor).get('/v1/job-types').expect(200)).body.items as {
      type: string;
      schedule: string | null;
    }[];
    expect(types.find((type) => type.type === 'security.advisory_sync')).toMatchObject({
      schedule: '15 */6 * * *',
    });
  });
});
