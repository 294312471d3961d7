import { randomUUID } from 'node:crypto';
import { newId } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createTestApp, TestApp } from '../../support/test-app';
import { createRelease, createService } from './fixtures';

interface DiffBody {
  truncated: boolean;
  releases: { id: string }[];
  commits: { releaseId: string; version: string }[];
}

/** A commit of the given sha; messages say which release first listed it, to read failures easily. */
const commit = (sha: string) => ({ sha, message: `commit ${sha}` });

describe('release diff', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const diff = (from: string, to: string, token = t.tokens.viewer) =>
    t.http(token).get('/v1/releases/diff').query({ from, to });

  /**
   * Four releases that repeat history the way CI tools send it (the last few commits each time):
   *   r1 [c1]   r2 [c2 c1]   r3 [c4 c3 c2]   r4 [c5 c3]
   */
  async function history() {
    const service = await createService(t);
    const r1 = await createRelease(t, service.id, { commits: [commit('c1c1c1c')] });
    const r2 = await createRelease(t, service.id, { commits: [commit('c2c2c2c'), commit('c1c1c1c')] });
    const r3 = await createRelease(t, service.id, {
      commits: [commit('c4c4c4c'), commit('c3c3c3c'), commit('c2c2c2c')],
    });
    const r4 = await createRelease(t, service.id, { commits: [commit('c5c5c5c'), commit('c3c3c3c')] });
    return { service, r1, r2, r3, r4 };
  }

  const summary = (release: { id: string; version: string }) => ({
    id: release.id,
    version: release.version,
    isSemver: false,
    createdAt: expect.any(String),
  });

  it('goes forward: the releases after from up to to, oldest first, and each new sha once, newest first', async () => {
    const { service, r1, r2, r3, r4 } = await history();
    // Another service's release registered in between is no part of it.
    const other = await createService(t);
    await createRelease(t, other.id, { commits: [commit('ffffff1')] });

    const { body } = await diff(r1.id, r4.id).expect(200);
    expect(body).toEqual({
      serviceId: service.id,
      from: summary(r1),
      to: summary(r4),
      direction: 'forward',
      releases: [summary(r2), summary(r3), summary(r4)],
      commits: [
        {
          sha: 'c5c5c5c',
          message: 'commit c5c5c5c',
          authoredAt: null,
          mergedAt: null,
          releaseId: r4.id,
          version: r4.version,
        },
        {
          sha: 'c4c4c4c',
          message: 'commit c4c4c4c',
          authoredAt: null,
          mergedAt: null,
          releaseId: r3.id,
          version: r3.version,
        },
        // c3 is repeated by r4 but came with r3.
        {
          sha: 'c3c3c3c',
          message: 'commit c3c3c3c',
          authoredAt: null,
          mergedAt: null,
          releaseId: r3.id,
          version: r3.version,
        },
        {
          sha: 'c2c2c2c',
          message: 'commit c2c2c2c',
          authoredAt: null,
          mergedAt: null,
          releaseId: r2.id,
          version: r2.version,
        },
      ],
      truncated: false,
    });
  });

  it('leaves out the shas the from release already lists', async () => {
    const { r3, r4 } = await history();
    const { body } = await diff(r3.id, r4.id).expect(200);
    expect(body.releases.map((release: { id: string }) => release.id)).toEqual([r4.id]);
    expect(body.commits.map((c: { sha: string }) => c.sha)).toEqual(['c5c5c5c']);
  });

  it('goes backward for a rollback: the releases that go, newest first, and the commits they take away', async () => {
    const { r1, r2, r3, r4 } = await history();
    const { body } = await diff(r4.id, r2.id).expect(200);
    expect(body).toMatchObject({
      from: { id: r4.id },
      to: { id: r2.id },
      direction: 'backward',
      releases: [summary(r4), summary(r3)],
      truncated: false,
    });
    // r2 keeps c2 and c1; c5, c4 and c3 go.
    expect(body.commits.map((c: { sha: string; version: string }) => [c.sha, c.version])).toEqual([
      ['c5c5c5c', r4.version],
      ['c4c4c4c', r3.version],
      ['c3c3c3c', r3.version],
    ]);

    // A rollback all the way is the forward diff read the other way.
    const back = (await diff(r4.id, r1.id).expect(200)).body;
    const forward = (await diff(r1.id, r4.id).expect(200)).body;
    expect(back.direction).toBe('backward');
    expect(back.releases).toEqual([...forward.releases].reverse());
    expect(back.commits).toEqual(forward.commits);
  });

  it('is empty for the same release', async () => {
    const { r2 } = await history();
    const { body } = await diff(r2.id, r2.id).expect(200);
    expect(body).toEqual({
      serviceId: r2.serviceId,
      from: summary(r2),
      to: summary(r2),
      direction: 'same',
      releases: [],
      commits: [],
      truncated: false,
    });
  });

  it('accepts ids in upper case', async () => {
    const { r1, r2 } = await history();
    const { body } = await diff(r1.id.toUpperCase(), r2.id.toUpperCase()).expect(200);
    expect(body).toMatchObject({ direction: 'forward', releases: [{ id: r2.id }] });
  });

  it('refuses releases of different services with 422, on both transports', async () => {
    const first = await history();
    const second = await history();
    const refused = await diff(first.r1.id, second.r2.id).expect(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      code: 'release.diff_across_services',
      errors: [{ path: 'to', message: 'must be a release of the same service as from' }],
    });
    expect(refused.body.detail).toContain(first.r1.version);
    expect(refused.body.detail).toContain(second.r2.version);

    const graphql = await t.graphql(
      `query($from: ID!, $to: ID!) { releaseDiff(from: $from, to: $to) { direction } }`,
      { from: first.r1.id, to: second.r2.id },
      t.tokens.viewer,
    );
    expect(graphql.data ?? null).toBeNull();
    expect(graphql.errors?.[0]?.extensions).toMatchObject({
      code: 'release.diff_across_services',
      status: 422,
    });
  });

  it('answers 404 for an unknown release on either side, on both transports', async () => {
    const { r1 } = await history();
    const unknown = randomUUID();
    const missingFrom = await diff(unknown, r1.id).expect(404);
    expect(missingFrom.body).toMatchObject({ code: 'release.not_found' });
    expect(missingFrom.body.detail).toContain(unknown);
    const missingTo = await diff(r1.id, unknown).expect(404);
    expect(missingTo.body.detail).toContain(unknown);

    const graphql = await t.graphql(
      `query($from: ID!, $to: ID!) { releaseDiff(from: $from, to: $to) { direction } }`,
      { from: r1.id, to: unknown },
      t.tokens.viewer,
    );
    expect(graphql.errors?.[0]?.extensions).toMatchObject({ code: 'release.not_found', status: 404 });
  });

  it('answers 400 naming each bad or missing id, on both transports', async () => {
    const bad = await diff('not-a-uuid', '42').expect(400);
    expect(bad.body.code).toBe('request.validation_failed');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['from', 'to']);
    const missing = await t
      .http(t.tokens.viewer)
      .get('/v1/releases/diff')
      .query({ from: randomUUID() })
      .expect(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['to']);

    const graphql = await t.graphql(
      `query($from: ID!, $to: ID!) { releaseDiff(from: $from, to: $to) { direction } }`,
      { from: 'not-a-uuid', to: randomUUID() },
      t.tokens.viewer,
    );
    expect(graphql.errors?.[0]?.extensions).toMatchObject({
      code: 'request.validation_failed',
      status: 400,
      errors: [{ path: 'from' }],
    });
  });

  it('reads the same through GraphQL', async () => {
    const { r1, r3 } = await history();
    const response = await t.graphql<{ releaseDiff: Record<string, unknown> }>(
      `query($from: ID!, $to: ID!) {
         releaseDiff(from: $from, to: $to) {
           direction truncated
           from { version } to { version }
           releases { id version isSemver }
           commits { sha version releaseId }
         }
       }`,
      { from: r3.id, to: r1.id },
      t.tokens.viewer,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.releaseDiff).toEqual({
      direction: 'backward',
      truncated: false,
      from: { version: r3.version },
      to: { version: r1.version },
      releases: [
        { id: r3.id, version: r3.version, isSemver: false },
        { id: expect.any(String), version: expect.any(String), isSemver: false },
      ],
      commits: [
        { sha: 'c4c4c4c', version: r3.version, releaseId: r3.id },
        { sha: 'c3c3c3c', version: r3.version, releaseId: r3.id },
        { sha: 'c2c2c2c', version: expect.any(String), releaseId: expect.any(String) },
      ],
    });
  });

  it('keeps at most 500 releases and 5,000 commits, nearest the newer end, and says it cut', async () => {
    const service = await createService(t);
    // 502 releases with 10 commits each, written straight to the tables: 500 through HTTP would be slow.
    const ids = Array.from({ length: 502 }, () => newId());
    const versions = ids.map((_id, index) => `bulk.${index}`);
    const db = t.app.get(DataSource);
    await db.query(
      `INSERT INTO releases (id, service_id, version, changelog, artifacts, created_by, created_at, updated_at, revision)
       SELECT id, $1, version, NULL, '[]', 'tests', now(), now(), 1
         FROM unnest($2::uuid[], $3::text[]) AS bulk(id, version)`,
      [service.id, ids, versions],
    );
    await db.query(
      `INSERT INTO release_commits (release_id, position, sha, message)
       SELECT release.id, position, md5(release.id::text || position), 'bulk'
         FROM unnest($1::uuid[]) AS release(id), generate_series(0, 9) AS position`,
      [ids],
    );

    // Two statements touch the release tables however long the span: no query per release.
    const queries = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    const measured = async (from: string, to: string) => {
      queries.mockClear();
      const response = await diff(from, to).expect(200);
      const statements = queries.mock.calls.filter(([sql]) =>
        /\b(releases|release_commits)\b/.test(sql),
      ).length;
      return { body: response.body as DiffBody, statements };
    };
    let body: DiffBody;
    let small: DiffBody;
    try {
      const long = await measured(ids[0], ids[501]);
      const short = await measured(ids[0], ids[10]);
      expect([long.statements, short.statements]).toEqual([2, 2]);
      ({ body } = long);
      ({ body: small } = short);
    } finally {
      queries.mockRestore();
    }

    expect(body.truncated).toBe(true);
    expect(body.releases).toHaveLength(500);
    // Forward, oldest first; the release right after `from` is the one left out.
    expect(body.releases[0].id).toBe(ids[2]);
    expect(body.releases[499].id).toBe(ids[501]);
    expect(body.commits).toHaveLength(5000);
    expect(body.commits[0]).toMatchObject({ releaseId: ids[501], version: 'bulk.501' });
    expect(body.commits[4999]).toMatchObject({ releaseId: ids[2], version: 'bulk.2' });

    expect(small.truncated).toBe(false);
    expect(small.releases).toHaveLength(10);
    expect(small.commits).toHaveLength(100);
  });
});
