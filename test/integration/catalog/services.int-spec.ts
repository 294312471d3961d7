import { createTestApp, TestApp, unique } from '../../support/test-app';

describe('services', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('registers a service with defaults, links and owner, readable by slug', async () => {
    const slug = unique('checkout');
    const created = await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .send({
        slug,
        name: 'Checkout API',
        ownerTeam: 'payments',
        repositoryUrl: 'https://git.example.com/payments/checkout',
        links: [{ title: 'Runbook', url: 'https://wiki.example.com/runbook' }],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      slug,
      criticality: 'medium',
      version: 1,
      links: [{ title: 'Runbook', url: 'https://wiki.example.com/runbook' }],
    });
    const read = await t.http(t.tokens.viewer).get(`/v1/services/${slug}`).expect(200);
    expect(read.body).toEqual(created.body);
    const cleared = await t
      .http(t.tokens.operator)
      .patch(`/v1/services/${slug}`)
      .send({ repositoryUrl: null })
      .expect(200);
    expect(cleared.body).toMatchObject({ repositoryUrl: null, version: 2 });
  });

  it('lists alphabetically by slug with filters by owner team and criticality', async () => {
    const team = unique('team');
    for (const [slug, criticality] of [
      ['zeta', 'low'],
      ['alpha', 'critical'],
      ['mid', 'critical'],
    ] as const) {
      await t
        .http(t.tokens.operator)
        .post('/v1/services')
        .send({ slug: `${team}-${slug}`, name: slug, ownerTeam: team, criticality })
        .expect(201);
    }
    const all = await t.http(t.tokens.viewer).get('/v1/services').query({ ownerTeam: team }).expect(200);
    expect(all.body.items.map((s: { name: string }) => s.name)).toEqual(['alpha', 'mid', 'zeta']);
    const critical = await t
      .http(t.tokens.viewer)
      .get('/v1/services')
      .query({ ownerTeam: team, criticality: 'critical', limit: 1 })
      .expect(200);
    expect(critical.body.items.map((s: { name: string }) => s.name)).toEqual(['alpha']);
    const next = await t
      .http(t.tokens.viewer)
      .get('/v1/services')
      .query({ ownerTeam: team, criticality: 'critical', limit: 1, cursor: critical.body.nextCursor })
      .expect(200);
    expect(next.body.items.map((s: { name: string }) => s.name)).toEqual(['mid']);
    expect(next.body.nextCursor).toBeNull();
  });

  it('searches by name with LIKE wildcards taken literally', async () => {
    const team = unique('team');
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .send({ slug: unique('p'), name: `${team} 100% uptime`, ownerTeam: team })
      .expect(201);
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .send({ slug: unique('q'), name: `${team} 100 uptime`, ownerTeam: team })
      .expect(201);
    const found = await t
      .http(t.tokens.viewer)
      .get('/v1/services')
      .query({ q: '100%', ownerTeam: team })
      .expect(200);
    expect(found.body.items.map((s: { name: string }) => s.name)).toEqual([`${team} 100% uptime`]);
  });

  it('does the same over GraphQL, where a viewer may read but not write', async () => {
    const slug = unique('gqlsvc');
    const created = await t.graphql<{ createService: { id: string; criticality: string } }>(
      `mutation($input: CreateServiceInput!) { createService(input: $input) { id criticality } }`,
      {
        input: {
          slug,
          name: 'GraphQL service',
          ownerTeam: 'platform',
          criticality: 'high',
          links: [{ title: 'Docs', url: 'https://docs.example.com' }],
        },
      },
      t.tokens.operator,
    );
    expect(created.data?.createService.criticality).toBe('high');
    const read = await t.graphql(
      `{ service(idOrSlug: "${slug}") { slug links { title url } } }`,
      {},
      t.tokens.viewer,
    );
    expect(read.data).toEqual({
      service: { slug, links: [{ title: 'Docs', url: 'https://docs.example.com' }] },
    });
    const denied = await t.graphql(
      `mutation { updateService(idOrSlug: "${slug}", input: { name: "x" }) { id } }`,
      {},
      t.tokens.viewer,
    );
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'auth.forbidden', status: 403 });
    const updated = await t.graphql<{ updateService: { name: string; version: number } }>(
      `mutation { updateService(idOrSlug: "${slug}", input: { name: "Renamed" }, expectedVersion: 1) { name version } }`,
      {},
      t.tokens.operator,
    );
    expect(updated.data?.updateService).toEqual({ name: 'Renamed', version: 2 });
  });
});
