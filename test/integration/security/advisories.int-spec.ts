import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildZip } from '../../../libs/security/src/advisories/zip/zip-writer.testing';
import { createTestApp, TestApp } from '../../support/test-app';

const OSV = join(__dirname, '../../fixtures/security/osv');
const read = (file: string) => JSON.parse(readFileSync(join(OSV, file), 'utf8')) as Record<string, unknown>;
/** The eight GitHub advisories of the fixtures (test/fixtures/security/SOURCES.md). */
const GHSA = readdirSync(OSV)
  .filter((file) => file.startsWith('GHSA-'))
  .map(read);

describe('the advisory database', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Small enough to test the zip limit with a few KB.
    t = await createTestApp({ SECURITY_ADVISORY_ZIP_MAX_BYTES: '65536' });
  });
  afterAll(() => t.close());

  const importing = (body: unknown) =>
    t
      .http(t.tokens.admin)
      .post('/v1/advisories/import')
      .send(body as object);

  it('imports an array of OSV records, and importing them again changes nothing', async () => {
    const first = await importing(GHSA).expect(200);
    expect(first.body).toEqual({
      received: 8,
      added: 8,
      updated: 0,
      unchanged: 0,
      withdrawn: 0,
      rejected: [],
      rejectedCount: 0,
    });
    const again = await importing(GHSA).expect(200);
    expect(again.body).toMatchObject({ added: 0, updated: 0, unchanged: 8 });

    const lodash = (await t.http(t.tokens.viewer).get('/v1/advisories/GHSA-35jh-r3h4-6jhm').expect(200)).body;
    expect(lodash).toMatchObject({
      osvId: 'GHSA-35jh-r3h4-6jhm',
      aliases: ['CVE-2021-23337'],
      severity: 'high',
      summary: 'Command Injection in lodash',
    });
    expect(lodash.packages).toEqual(
      expect.arrayContaining([
        { ecosystem: 'npm', name: 'lodash' },
        { ecosystem: 'npm', name: 'lodash-es' },
        { ecosystem: 'npm', name: 'lodash.template' },
      ]),
    );
    expect(lodash.record.affected).toHaveLength(
      (read('GHSA-35jh-r3h4-6jhm.json').affected as unknown[]).length,
    );
    // An alias finds it too.
    await t.http(t.tokens.viewer).get('/v1/advisories/CVE-2021-23337').expect(200);
    const missing = await t.http(t.tokens.viewer).get('/v1/advisories/CVE-1999-0001').expect(404);
    expect(missing.body.code).toBe('advisory.not_found');
    // Longer than a path segment may be (the documented maxLength): refused before any handler.
    await t
      .http(t.tokens.viewer)
      .get(`/v1/advisories/${'X'.repeat(101)}`)
      .expect(414);
  });

  it('replaces a record only with a newer one, and removes a withdrawn one', async () => {
    const semver = read('GHSA-c2qf-rxjj-qqgw.json');
    const older = await importing({ ...semver, modified: '2001-01-01T00:00:00Z', summary: 'stale' }).expect(
      200,
    );
    expect(older.body).toMatchObject({ received: 1, unchanged: 1, updated: 0 });
    const newer = await importing({
      ...semver,
      modified: '2099-01-01T00:00:00Z',
      summary: 'Newer text',
    }).expect(200);
    expect(newer.body).toMatchObject({ updated: 1 });
    expect(
      (await t.http(t.tokens.viewer).get('/v1/advisories/GHSA-c2qf-rxjj-qqgw').expect(200)).body.summary,
    ).toBe('Newer text');

    const ws = read('GHSA-6fc8-4gx4-v693.json');
    const withdrawn = await importing({
      ...ws,
      modified: '2099-01-01T00:00:00Z',
      withdrawn: '2099-01-01T00:00:00Z',
    }).expect(200);
    expect(withdrawn.body).toMatchObject({ withdrawn: 1, added: 0, updated: 0 });
    await t.http(t.tokens.viewer).get('/v1/advisories/GHSA-6fc8-4gx4-v693').expect(404);
    const byPackage = (
      await t.http(t.tokens.viewer).get('/v1/advisories').query({ ecosystem: 'npm', package: 'ws' })
    ).body;
    expect(byPackage.items).toEqual([]);
  });

  it('skips records that fail the OSV schema, naming them, and imports the rest', async () => {
    const json5 = read('GHSA-9c47-m6qq-7p4h.json');
    const response = await importing([
      { ...json5, id: 'OSV-TEST-0001', modified: '2099-02-01T00:00:00Z' },
      { id: 'OSV-TEST-BROKEN', modified: 'yesterday' },
      { summary: 'no id at all' },
    ]).expect(200);
    expect(response.body).toMatchObject({ received: 3, added: 1 });
    expect(response.body.rejected).toEqual([
      { index: 1, entry: null, osvId: 'OSV-TEST-BROKEN', reason: expect.stringContaining('/modified') },
      { index: 2, entry: null, osvId: null, reason: expect.stringContaining('/id') },
    ]);
    await t.http(t.tokens.viewer).get('/v1/advisories/OSV-TEST-0001').expect(200);
    await t.http(t.tokens.viewer).get('/v1/advisories/OSV-TEST-BROKEN').expect(404);
  });

  it('refuses a body that is no record at all, and anyone but an admin', async () => {
    for (const body of [[], [1, 2], 'text']) {
      const refused = await t
        .http(t.tokens.admin)
        .post('/v1/advisories/import')
        .set('content-type', 'application/json')
        .send(JSON.stringify(body))
        .expect(400);
      expect(refused.body.errors).toEqual([
        { path: 'body', message: 'must be an OSV record or a non-empty array of them' },
      ]);
    }
    await t.http(t.tokens.operator).post('/v1/advisories/import').send(GHSA).expect(403);
  });

  it('lists by package, by alias, newest change first, page by page, and through GraphQL', async () => {
    const npm = (await t.http(t.tokens.viewer).get('/v1/advisories').query({ ecosystem: 'npm', limit: 3 }))
      .body;
    expect(npm.items).toHaveLength(3);
    const modified = npm.items.map((item: { modified: string }) => item.modified);
    expect(modified).toEqual([...modified].sort().reverse());
    const next = (
      await t
        .http(t.tokens.viewer)
        .get('/v1/advisories')
        .query({ ecosystem: 'npm', limit: 3, cursor: npm.nextCursor })
    ).body;
    expect(next.items.map((item: { id: string }) => item.id)).not.toContain(npm.items[0].id);
    const nuget = (await t.http(t.tokens.viewer).get('/v1/advisories').query({ ecosystem: 'NuGet' })).body;
    expect(nuget.items.map((item: { osvId: string }) => item.osvId)).toEqual(['GHSA-8hfj-j24r-96c4']);
    const alias = (await t.http(t.tokens.viewer).get('/v1/advisories').query({ id: 'CVE-2022-24785' })).body;
    expect(alias.items.map((item: { osvId: string }) => item.osvId)).toEqual(['GHSA-8hfj-j24r-96c4']);

    const response = await t.graphql<{
      advisory: { osvId: string; severity: string; packages: { name: string }[] };
    }>(`query { advisory(id: "CVE-2022-24785") { osvId severity packages { name } } }`, {}, t.tokens.viewer);
    expect(response.data?.advisory).toEqual({
      osvId: 'GHSA-8hfj-j24r-96c4',
      severity: 'high',
      packages: [{ name: 'Moment.js' }, { name: 'moment' }],
    });
  });

  it('imports a zip of OSV records as OSV publishes them, naming entries that are not records', async () => {
    const records = GHSA.map((record) => ({
      ...record,
      id: `${record.id as string}-zip`.replace('GHSA-', 'OSV-'),
      aliases: [],
    }));
    const zip = buildZip([
      ...records.map((record) => ({ name: `${record.id}.json`, data: JSON.stringify(record) })),
      { name: 'docs/', data: '' },
      { name: 'README.md', data: 'not a record' },
      { name: 'BROKEN-1.json', data: '{"id": ' },
    ]);
    const sending = (body: Buffer) =>
      t.http(t.tokens.admin).post('/v1/advisories/import').set('content-type', 'application/zip').send(body);
    const first = await sending(zip).expect(200);
    expect(first.body).toMatchObject({ received: 9, added: 8, rejectedCount: 1 });
    expect(first.body.rejected).toEqual([
      { index: 8, entry: 'BROKEN-1.json', osvId: null, reason: expect.stringContaining('not_json') },
    ]);
    await t.http(t.tokens.viewer).get(`/v1/advisories/${records[0].id}`).expect(200);
    const again = await sending(zip).expect(200);
    expect(again.body).toMatchObject({ added: 0, updated: 0, unchanged: 8 });

    // Not a zip; larger than SECURITY_ADVISORY_ZIP_MAX_BYTES (64 KiB here): refused, nothing imported.
    const notZip = await sending(Buffer.from('{"id":"x"}')).expect(400);
    expect(notZip.body.code).toBe('advisory.invalid_zip');
    const big = buildZip(
      Array.from({ length: 40 }, (_, i) => ({
        name: `OSV-BIG-${i}.json`,
        data: JSON.stringify({ ...records[0], id: `OSV-BIG-${i}`, details: randomText(4000) }),
        method: 0,
      })),
    );
    expect(big.length).toBeGreaterThan(65_536);
    const tooLarge = await sending(big).expect(413);
    expect(tooLarge.body.code).toBe('request.too_large');
    await t.http(t.tokens.viewer).get('/v1/advisories/OSV-BIG-0').expect(404);
  });
});

function randomText(length: number): string {
  return Array.from({ length }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
}
