import { createTestApp, TestApp, unique } from '../../support/test-app';

describe('environments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>, token = t.tokens.admin) =>
    t.http(token).post('/v1/environments').send(body);

  it('creates an environment and reads it back by id and by slug, with an ETag', async () => {
    const slug = unique('prod');
    const created = await create({
      slug,
      name: 'Production EU',
      tier: 'production',
      rank: 3,
      facts: { tls: { minVersion: '1.2' } },
    }).expect(201);
    expect(created.body).toMatchObject({
      slug,
      name: 'Production EU',
      tier: 'production',
      rank: 3,
      isProtected: true,
      endpointUrls: [],
      version: 1,
      archivedAt: null,
    });
    expect(created.headers.etag).toBe('"1"');

    const byId = await t.http(t.tokens.viewer).get(`/v1/environments/${created.body.id}`).expect(200);
    const bySlug = await t.http(t.tokens.viewer).get(`/v1/environments/${slug}`).expect(200);
    expect(byId.body).toEqual(created.body);
    expect(bySlug.body).toEqual(created.body);
    expect(byId.headers.etag).toBe('"1"');
  });

  it('keeps the id when the slug is renamed, and frees nothing else', async () => {
    const slug = unique('stage');
    const { body } = await create({ slug, name: 'Staging', tier: 'staging', rank: 2 }).expect(201);
    const renamed = unique('staging');
    const updated = await t
      .http(t.tokens.admin)
      .patch(`/v1/environments/${body.id}`)
      .set('if-match', '"1"')
      .send({ slug: renamed })
      .expect(200);
    expect(updated.body).toMatchObject({ id: body.id, slug: renamed, version: 2 });
    await t.http(t.tokens.viewer).get(`/v1/environments/${slug}`).expect(404);
    await t.http(t.tokens.viewer).get(`/v1/environments/${renamed}`).expect(200);
  });

  it('refuses a stale If-Match with 412 and leaves the environment unchanged', async () => {
    const { body } = await create({ slug: unique('qa'), name: 'QA', tier: 'testing', rank: 1 }).expect(201);
    await t
      .http(t.tokens.admin)
      .patch(`/v1/environments/${body.id}`)
      .set('if-match', '"1"')
      .send({ name: 'QA 2' })
      .expect(200);
    const stale = await t
      .http(t.tokens.admin)
      .patch(`/v1/environments/${body.id}`)
      .set('if-match', '"1"')
      .send({ name: 'QA 3' })
      .expect(412);
    expect(stale.body.code).toBe('concurrency.version_mismatch');
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    const current = await t.http(t.tokens.viewer).get(`/v1/environments/${body.id}`).expect(200);
    expect(current.body).toMatchObject({ name: 'QA 2', version: 2 });
  });

  it('replaces facts as a whole on update', async () => {
    const { body } = await create({
      slug: unique('facts'),
      name: 'Facts',
      tier: 'other',
      rank: 9,
      facts: { backups: { enabled: true }, tls: '1.2' },
    }).expect(201);
    const updated = await t
      .http(t.tokens.admin)
      .patch(`/v1/environments/${body.id}`)
      .send({ facts: { backups: { enabled: false } } })
      .expect(200);
    expect(updated.body.facts).toEqual({ backups: { enabled: false } });
  });

  it('archives: hidden from lists unless asked, still readable, no longer changeable', async () => {
    const slug = unique('old');
    const { body } = await create({ slug, name: 'Old', tier: 'development', rank: 0 }).expect(201);
    const archived = await t
      .http(t.tokens.admin)
      .delete(`/v1/environments/${body.id}`)
      .set('if-match', '"1"')
      .expect(200);
    expect(archived.body.archivedAt).not.toBeNull();
    const listed = await t.http(t.tokens.viewer).get('/v1/environments').query({ q: slug }).expect(200);
    expect(listed.body.items).toEqual([]);
    const withArchived = await t
      .http(t.tokens.viewer)
      .get('/v1/environments')
      .query({ q: slug, includeArchived: true })
      .expect(200);
    expect(withArchived.body.items.map((e: { id: string }) => e.id)).toEqual([body.id]);
    const change = await t
      .http(t.tokens.admin)
      .patch(`/v1/environments/${body.id}`)
      .send({ name: 'New' })
      .expect(409);
    expect(change.body.code).toBe('environment.archived');
  });

  it('lists in promotion order with typed filters and cursor pages that neither skip nor repeat', async () => {
    const team = unique('pg');
    const ranks = [5, 1, 3, 1, 2, 4, 0];
    for (const [i, rank] of ranks.entries()) {
      await create({
        slug: `${team}-${i}`,
        name: `Env ${i}`,
        tier: i % 2 ? 'staging' : 'development',
        rank,
      }).expect(201);
    }
    const seen: { slug: string; rank: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await t
        .http(t.tokens.viewer)
        .get('/v1/environments')
        .query({ q: team, limit: 3, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(ranks.length);
    expect(new Set(seen.map((e) => e.slug)).size).toBe(ranks.length);
    expect(seen.map((e) => e.rank)).toEqual([...ranks].sort((a, b) => a - b));

    const staging = await t
      .http(t.tokens.viewer)
      .get('/v1/environments')
      .query({ q: team, tier: 'staging' })
      .expect(200);
    expect(staging.body.items).toHaveLength(3);
    expect(staging.body.items.every((e: { tier: string }) => e.tier === 'staging')).toBe(true);
  });

  it('answers a duplicate slug with 409 naming the field, and creates nothing', async () => {
    const slug = unique('dup');
    await create({ slug, name: 'One', tier: 'testing', rank: 1 }).expect(201);
    const second = await create({ slug, name: 'Two', tier: 'testing', rank: 1 }).expect(409);
    expect(second.body).toMatchObject({ code: 'environment.slug_taken', errors: [{ path: 'slug' }] });
    const listed = await t.http(t.tokens.viewer).get('/v1/environments').query({ q: slug }).expect(200);
    expect(listed.body.items.map((e: { name: string }) => e.name)).toEqual(['One']);
  });

  describe('over GraphQL', () => {
    it('creates, reads, updates with expectedVersion and archives', async () => {
      const slug = unique('gql');
      const created = await t.graphql<{
        createEnvironment: { id: string; version: number; isProtected: boolean };
      }>(
        `mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { id version isProtected } }`,
        {
          input: {
            slug,
            name: 'GraphQL env',
            tier: 'staging',
            rank: 2,
            facts: { backups: { retentionDays: 30 } },
          },
        },
      );
      expect(created.errors).toBeUndefined();
      const id = created.data!.createEnvironment.id;
      expect(created.data!.createEnvironment).toMatchObject({ version: 1, isProtected: false });

      const read = await t.graphql(
        `query($key: String!) { environment(idOrSlug: $key) { id slug facts } }`,
        { key: slug },
        t.tokens.viewer,
      );
      expect(read.data).toEqual({ environment: { id, slug, facts: { backups: { retentionDays: 30 } } } });

      const stale = await t.graphql(
        `mutation { updateEnvironment(idOrSlug: "${id}", input: { name: "x" }, expectedVersion: 7) { id } }`,
      );
      expect(stale.errors?.[0]?.extensions).toMatchObject({
        code: 'concurrency.version_mismatch',
        status: 412,
      });

      const updated = await t.graphql<{ updateEnvironment: { name: string; version: number } }>(
        `mutation { updateEnvironment(idOrSlug: "${id}", input: { name: "Renamed" }, expectedVersion: 1) { name version } }`,
      );
      expect(updated.data!.updateEnvironment).toEqual({ name: 'Renamed', version: 2 });

      const archived = await t.graphql<{ archiveEnvironment: { archivedAt: string | null } }>(
        `mutation { archiveEnvironment(idOrSlug: "${slug}") { archivedAt } }`,
      );
      expect(archived.data!.archiveEnvironment.archivedAt).not.toBeNull();
    });

    it('pages with the same cursor type as REST', async () => {
      const team = unique('gqlpage');
      for (let i = 0; i < 3; i += 1)
        await create({ slug: `${team}-${i}`, name: `E${i}`, tier: 'testing', rank: i }).expect(201);
      const first = await t.graphql<{ environments: { items: { slug: string }[]; nextCursor: string } }>(
        `query($q: String, $cursor: String) { environments(q: $q, limit: 2, cursor: $cursor) { items { slug } nextCursor } }`,
        { q: team, cursor: null },
        t.tokens.viewer,
      );
      expect(first.data!.environments.items.map((e) => e.slug)).toEqual([`${team}-0`, `${team}-1`]);
      const rest = await t
        .http(t.tokens.viewer)
        .get('/v1/environments')
        .query({ q: team, limit: 2, cursor: first.data!.environments.nextCursor })
        .expect(200);
      expect(rest.body.items.map((e: { slug: string }) => e.slug)).toEqual([`${team}-2`]);
      expect(rest.body.nextCursor).toBeNull();
    });
  });
});
