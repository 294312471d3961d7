import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createEnvironment, createRelease, createService, requestDeployment } from './fixtures';

describe('releases', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>, token = t.tokens.operator) =>
    t.http(token).post('/v1/releases').send(body);

  it('registers a release with commits, changelog and artifacts, and reads it back with an ETag', async () => {
    const service = await createService(t);
    const created = await create({
      service: service.slug,
      version: '1.4.0',
      commits: [
        {
          sha: '9FCEB02D0AE598E95DC970B74767F19372D61AF8',
          message: 'Retry card authorisations on 503',
          authoredAt: '2026-01-30T09:00:00Z',
          mergedAt: '2026-01-30T10:00:00+01:00',
        },
        { sha: 'a1b2c3d', message: 'Bump dependencies' },
      ],
      changelog: '## 1.4.0\n- retries',
      artifacts: [
        {
          name: 'image',
          url: 'https://registry.example.com/checkout:1.4.0',
          digest: 'sha256:3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a',
        },
        { name: 'sbom', url: 'https://artifacts.example.com/checkout/1.4.0/sbom.json' },
      ],
    }).expect(201);
    expect(created.body).toMatchObject({
      serviceId: service.id,
      version: '1.4.0',
      isSemver: true,
      changelog: '## 1.4.0\n- retries',
      firstDeployedAt: null,
      revision: 1,
      commits: [
        {
          sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
          message: 'Retry card authorisations on 503',
          authoredAt: '2026-01-30T09:00:00.000Z',
          mergedAt: '2026-01-30T09:00:00.000Z',
        },
        { sha: 'a1b2c3d', message: 'Bump dependencies', authoredAt: null, mergedAt: null },
      ],
      artifacts: [
        { name: 'image', digest: expect.stringMatching(/^sha256:/) },
        { name: 'sbom', digest: null },
      ],
    });
    expect(created.headers.etag).toBe('"1"');

    const read = await t.http(t.tokens.viewer).get(`/v1/releases/${created.body.id}`).expect(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.etag).toBe('"1"');
  });

  it('tells semantic versions from free-text ones', async () => {
    const service = await createService(t);
    const semver = await createRelease(t, service.id, { version: 'v2.0.0-rc.1+build.7' });
    const dated = await createRelease(t, service.id, { version: '2026.01.31-3' });
    expect((await t.http(t.tokens.viewer).get(`/v1/releases/${semver.id}`)).body.isSemver).toBe(true);
    expect((await t.http(t.tokens.viewer).get(`/v1/releases/${dated.id}`)).body.isSemver).toBe(false);
  });

  it('answers a version the service already has with 409 naming the field; other services may reuse it', async () => {
    const service = await createService(t);
    const other = await createService(t);
    await create({ service: service.id, version: '3.1.0' }).expect(201);
    const duplicate = await create({ service: service.id, version: '3.1.0' }).expect(409);
    expect(duplicate.body).toMatchObject({
      code: 'release.version_exists',
      errors: [{ path: 'version', message: expect.any(String) }],
    });
    await create({ service: other.id, version: '3.1.0' }).expect(201);
    const listed = await t
      .http(t.tokens.viewer)
      .get('/v1/releases')
      .query({ serviceId: service.id })
      .expect(200);
    expect(listed.body.items).toHaveLength(1);
  });

  it('refuses malformed commits and too many of them, naming the fields', async () => {
    const service = await createService(t);
    const bad = await create({
      service: service.id,
      version: '1.0.0',
      commits: [
        { sha: 'not-hex!', message: 'x' },
        { sha: 'abc', message: 'too short' },
      ],
    }).expect(400);
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['commits.0.sha', 'commits.1.sha']));

    const tooMany = Array.from({ length: 501 }, (_, i) => ({
      sha: i.toString(16).padStart(7, '0'),
      message: `commit ${i}`,
    }));
    const refused = await create({ service: service.id, version: '1.0.0', commits: tooMany }).expect(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain('commits');

    const atLimit = await create({ service: service.id, version: '1.0.0', commits: tooMany.slice(0, 500) });
    expect(atLimit.status).toBe(201);
    expect(atLimit.body.commits).toHaveLength(500);
    expect(atLimit.body.commits[499].message).toBe('commit 499');
  });

  it('answers an unknown service with 404 and an unknown release with 404', async () => {
    const missing = await create({ service: unique('nope'), version: '1.0.0' }).expect(404);
    expect(missing.body.code).toBe('service.not_found');
    const unknown = await t
      .http(t.tokens.viewer)
      .get('/v1/releases/0190a3c4-0000-7000-8000-000000000000')
      .expect(404);
    expect(unknown.body.code).toBe('release.not_found');
  });

  it('creates one release for a retried request with the same Idempotency-Key', async () => {
    const service = await createService(t);
    const key = unique('idem');
    const body = { service: service.id, version: '5.0.0', commits: [{ sha: 'abcdef1', message: 'm' }] };
    const first = await create(body).set('idempotency-key', key).expect(201);
    const retry = await create(body).set('idempotency-key', key).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const [{ count }] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM releases WHERE service_id = $1`, [service.id]);
    expect(count).toBe(1);
  });

  it('changes changelog and artifacts with If-Match on the revision, 412 when stale', async () => {
    const service = await createService(t);
    const release = await createRelease(t, service.id, { changelog: 'first' });
    const updated = await t
      .http(t.tokens.operator)
      .patch(`/v1/releases/${release.id}`)
      .set('if-match', '"1"')
      .send({ changelog: 'second', artifacts: [{ name: 'tarball', url: 'https://example.com/a.tgz' }] })
      .expect(200);
    expect(updated.body).toMatchObject({
      changelog: 'second',
      artifacts: [{ name: 'tarball', url: 'https://example.com/a.tgz', digest: null }],
      revision: 2,
    });
    expect(updated.headers.etag).toBe('"2"');
    const stale = await t
      .http(t.tokens.operator)
      .patch(`/v1/releases/${release.id}`)
      .set('if-match', '"1"')
      .send({ changelog: 'third' })
      .expect(412);
    expect(stale.body.code).toBe('concurrency.version_mismatch');
    const cleared = await t
      .http(t.tokens.operator)
      .patch(`/v1/releases/${release.id}`)
      .send({ changelog: null })
      .expect(200);
    expect(cleared.body).toMatchObject({ changelog: null, revision: 3 });
    const nullArtifacts = await t
      .http(t.tokens.operator)
      .patch(`/v1/releases/${release.id}`)
      .send({ artifacts: null })
      .expect(400);
    expect(nullArtifacts.body.errors.map((e: { path: string }) => e.path)).toContain('artifacts');
  });

  it('is immutable once a deployment of it has been requested', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const release = await createRelease(t, service.id);
    await requestDeployment(t, release.id, environment.slug).expect(201);
    const read = await t.http(t.tokens.viewer).get(`/v1/releases/${release.id}`).expect(200);
    expect(read.body.firstDeployedAt).not.toBeNull();
    const refused = await t
      .http(t.tokens.operator)
      .patch(`/v1/releases/${release.id}`)
      .send({ changelog: 'too late' })
      .expect(409);
    expect(refused.body.code).toBe('release.immutable');
    const after = await t.http(t.tokens.viewer).get(`/v1/releases/${release.id}`).expect(200);
    expect(after.body.changelog).toBe(read.body.changelog);
  });

  it('lists a service’s releases newest first in cursor pages that neither skip nor repeat', async () => {
    const service = await createService(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await createRelease(t, service.id, { version: `0.${i}.0` })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t
        .http(t.tokens.viewer)
        .get('/v1/releases')
        .query({ serviceId: service.id, limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('lets viewers read but not register releases', async () => {
    const service = await createService(t);
    const denied = await create({ service: service.id, version: '1.0.0' }, t.tokens.viewer).expect(403);
    expect(denied.body.code).toBe('auth.forbidden');
  });

  describe('over GraphQL', () => {
    it('creates, reads, lists and updates with expectedRevision', async () => {
      const service = await createService(t);
      const created = await t.graphql<{ createRelease: { id: string; isSemver: boolean; revision: number } }>(
        `mutation($input: CreateReleaseInput!) { createRelease(input: $input) { id isSemver revision } }`,
        {
          input: {
            service: service.slug,
            version: '7.0.0',
            commits: [{ sha: 'deadbee', message: 'Fix', authoredAt: '2026-01-01T00:00:00Z' }],
            artifacts: [{ name: 'image', url: 'https://registry.example.com/x:7' }],
          },
        },
        t.tokens.operator,
      );
      expect(created.errors).toBeUndefined();
      const id = created.data!.createRelease.id;
      expect(created.data!.createRelease).toMatchObject({ isSemver: true, revision: 1 });

      const read = await t.graphql(
        `query($id: ID!) { release(id: $id) { version serviceId commits { sha message authoredAt mergedAt } artifacts { name digest } } }`,
        { id },
        t.tokens.viewer,
      );
      expect(read.data).toEqual({
        release: {
          version: '7.0.0',
          serviceId: service.id,
          commits: [
            { sha: 'deadbee', message: 'Fix', authoredAt: '2026-01-01T00:00:00.000Z', mergedAt: null },
          ],
          artifacts: [{ name: 'image', digest: null }],
        },
      });

      const listed = await t.graphql<{ releases: { items: { id: string }[]; nextCursor: string | null } }>(
        `query($serviceId: ID) { releases(serviceId: $serviceId) { items { id } nextCursor } }`,
        { serviceId: service.id },
        t.tokens.viewer,
      );
      expect(listed.data!.releases).toEqual({ items: [{ id }], nextCursor: null });

      const stale = await t.graphql(
        `mutation($id: ID!) { updateRelease(id: $id, input: { changelog: "x" }, expectedRevision: 5) { id } }`,
        { id },
        t.tokens.operator,
      );
      expect(stale.errors?.[0]?.extensions).toMatchObject({
        code: 'concurrency.version_mismatch',
        status: 412,
      });
      const updated = await t.graphql(
        `mutation($id: ID!) { updateRelease(id: $id, input: { changelog: "notes" }, expectedRevision: 1) { changelog revision } }`,
        { id },
        t.tokens.operator,
      );
      expect(updated.data).toEqual({ updateRelease: { changelog: 'notes', revision: 2 } });

      const duplicate = await t.graphql(
        `mutation($input: CreateReleaseInput!) { createRelease(input: $input) { id } }`,
        { input: { service: service.id, version: '7.0.0' } },
        t.tokens.operator,
      );
      expect(duplicate.errors?.[0]?.extensions).toMatchObject({
        code: 'release.version_exists',
        status: 409,
      });
    });
  });
});
