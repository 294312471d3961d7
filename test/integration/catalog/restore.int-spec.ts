import { createTestApp, TestApp, unique } from '../../support/test-app';

/** Restoring an archived service or environment: an admin act, audited, If-Match like any write. */
describe('restore', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const auditActions = async (targetType: string, targetId: string) =>
    (
      await t.http(t.tokens.auditor).get('/v1/audit-events').query({ targetType, targetId }).expect(200)
    ).body.items.map((event: { action: string }) => event.action) as string[];

  it('restores an archived service over REST: admins only, If-Match checked, audited, listed again', async () => {
    const slug = unique('restored');
    const { body: created } = await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .send({ slug, name: 'Restored', ownerTeam: 'catalog-tests' })
      .expect(201);
    const notArchived = await t.http(t.tokens.admin).post(`/v1/services/${slug}/restore`).expect(409);
    expect(notArchived.body.code).toBe('service.not_archived');
    await t.http(t.tokens.operator).delete(`/v1/services/${slug}`).expect(200);

    for (const role of ['viewer', 'operator', 'auditor'] as const) {
      const denied = await t.http(t.tokens[role]).post(`/v1/services/${slug}/restore`).expect(403);
      expect(denied.body.code).toBe('auth.forbidden');
    }
    const stale = await t
      .http(t.tokens.admin)
      .post(`/v1/services/${slug}/restore`)
      .set('if-match', '"1"')
      .expect(412);
    expect(stale.body.code).toBe('concurrency.version_mismatch');

    const restored = await t
      .http(t.tokens.admin)
      .post(`/v1/services/${created.id}/restore`)
      .set('if-match', '"2"')
      .expect(200);
    expect(restored.body).toMatchObject({ id: created.id, slug, archivedAt: null, version: 3 });
    expect(restored.headers.etag).toBe('"3"');
    const listed = await t.http(t.tokens.viewer).get('/v1/services').query({ q: slug }).expect(200);
    expect(listed.body.items.map((s: { id: string }) => s.id)).toEqual([created.id]);
    expect(await auditActions('service', created.id)).toEqual(
      expect.arrayContaining(['service.created', 'service.archived', 'service.restored']),
    );
    // Changeable again.
    await t.http(t.tokens.operator).patch(`/v1/services/${slug}`).send({ name: 'Back' }).expect(200);
  });

  it('keeps an archived slug reserved, so a restore never collides with a newer one', async () => {
    const slug = unique('reserved');
    await t
      .http(t.tokens.admin)
      .post('/v1/environments')
      .send({ slug, name: 'Old', tier: 'testing', rank: 0 })
      .expect(201);
    await t.http(t.tokens.admin).delete(`/v1/environments/${slug}`).expect(200);
    const taken = await t
      .http(t.tokens.admin)
      .post('/v1/environments')
      .send({ slug, name: 'New', tier: 'testing', rank: 0 })
      .expect(409);
    expect(taken.body).toMatchObject({
      code: 'environment.slug_taken',
      errors: [{ path: 'slug', message: 'already taken' }],
    });
    await t.http(t.tokens.admin).post(`/v1/environments/${slug}/restore`).expect(200);
  });

  it('restores an archived environment over GraphQL, refusing an operator and one not archived', async () => {
    const slug = unique('gqlenv');
    const created = await t.graphql<{ createEnvironment: { id: string } }>(
      `mutation { createEnvironment(input: { slug: "${slug}", name: "GQL", tier: testing, rank: 0 }) { id } }`,
    );
    const id = created.data!.createEnvironment.id;
    const restore = (token: string, expectedVersion?: number) =>
      t.graphql<{ restoreEnvironment: { archivedAt: string | null; version: number } }>(
        `mutation($idOrSlug: String!, $expectedVersion: Int) {
           restoreEnvironment(idOrSlug: $idOrSlug, expectedVersion: $expectedVersion) { archivedAt version }
         }`,
        { idOrSlug: slug, expectedVersion },
        token,
      );

    const notArchived = await restore(t.tokens.admin);
    expect(notArchived.errors?.[0]?.extensions).toMatchObject({
      code: 'environment.not_archived',
      status: 409,
    });
    const archived = await t.graphql<{ archiveEnvironment: { version: number } }>(
      `mutation { archiveEnvironment(idOrSlug: "${slug}", expectedVersion: 1) { version } }`,
    );
    expect(archived.data?.archiveEnvironment.version).toBe(2);

    const denied = await restore(t.tokens.operator);
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'auth.forbidden', status: 403 });
    const stale = await restore(t.tokens.admin, 1);
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'concurrency.version_mismatch',
      status: 412,
    });
    const restored = await restore(t.tokens.admin, 2);
    expect(restored.data?.restoreEnvironment).toEqual({ archivedAt: null, version: 3 });
    expect(await auditActions('environment', id)).toEqual(
      expect.arrayContaining(['environment.archived', 'environment.restored']),
    );
  });
});
