import {
  createOpsplaneClient,
  OpsplaneClient,
  OpsplaneError,
  ProblemDetails,
  Schema,
  unwrap,
} from '@opsplane/sdk';
import { unique } from '../support/test-app';
import { ListeningServer, startListeningServer } from './support/listening-server';

/**
 * What a platform team's script does with @opsplane/sdk against a running Opsplane: register a
 * service and its environments, page through them, change one safely under concurrency, archive
 * it, and hand a narrower key to a pipeline, then take it away again.
 */
describe('catalog through the SDK', () => {
  let server: ListeningServer;
  let admin: OpsplaneClient;

  beforeAll(async () => {
    server = await startListeningServer('catalog');
    admin = createOpsplaneClient({ baseUrl: server.baseUrl, token: server.adminToken });
  });
  afterAll(() => server.close());

  const createEnvironment = (input: Schema<'CreateEnvironmentInput'>) =>
    unwrap(admin.POST('/v1/environments', { body: input }));

  it('registers a service with defaults filled in and reads it back by slug', async () => {
    const slug = unique('checkout');
    const service = await unwrap(
      admin.POST('/v1/services', {
        body: {
          slug,
          name: 'Checkout API',
          ownerTeam: 'payments',
          links: [{ title: 'Runbook', url: 'https://wiki.example.com/checkout' }],
        },
      }),
    );
    expect(service).toMatchObject({
      slug,
      name: 'Checkout API',
      ownerTeam: 'payments',
      criticality: 'medium',
      repositoryUrl: null,
      links: [{ title: 'Runbook', url: 'https://wiki.example.com/checkout' }],
      version: 1,
      archivedAt: null,
    });

    const read = await unwrap(admin.GET('/v1/services/{idOrSlug}', { params: { path: { idOrSlug: slug } } }));
    expect(read).toEqual(service);
  });

  it('pages through environments in promotion order with cursors that neither skip nor repeat', async () => {
    const prefix = unique('fleet');
    const ranks = [4, 0, 3, 1, 2];
    const created = [];
    for (const [i, rank] of ranks.entries()) {
      created.push(
        await createEnvironment({ slug: `${prefix}-${i}`, name: `Fleet ${i}`, tier: 'staging', rank }),
      );
    }

    const seen: Schema<'Environment'>[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await unwrap(
        admin.GET('/v1/environments', { params: { query: { q: prefix, limit: 2, cursor } } }),
      );
      pageSizes.push(page.items.length);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen.map((environment) => environment.rank)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(seen.map((environment) => environment.id))).toEqual(
      new Set(created.map((environment) => environment.id)),
    );
  });

  it('updates with the ETag it read, refuses a stale ETag with a typed 412, and archives', async () => {
    const slug = unique('prod');
    await createEnvironment({
      slug,
      name: 'Production',
      tier: 'production',
      rank: 9,
      facts: { tls: { minVersion: '1.2' } },
    });

    const read = await admin.GET('/v1/environments/{idOrSlug}', { params: { path: { idOrSlug: slug } } });
    const firstEtag = read.response.headers.get('etag');
    expect(firstEtag).toBe('"1"');
    expect(read.data).toMatchObject({ slug, isProtected: true, version: 1 });

    const updated = await admin.PATCH('/v1/environments/{idOrSlug}', {
      params: { path: { idOrSlug: slug }, header: { 'If-Match': firstEtag! } },
      body: { name: 'Production (EU)', endpointUrls: ['https://eu.example.com'] },
    });
    expect(updated.data).toMatchObject({
      slug,
      name: 'Production (EU)',
      endpointUrls: ['https://eu.example.com'],
      version: 2,
    });
    const secondEtag = updated.response.headers.get('etag');
    expect(secondEtag).toBe('"2"');

    // A second writer still holding the first ETag must not overwrite the change above.
    const stale = await admin.PATCH('/v1/environments/{idOrSlug}', {
      params: { path: { idOrSlug: slug }, header: { 'If-Match': firstEtag! } },
      body: { name: 'Lost update' },
    });
    // Compile-time check as much as a run-time one: the SDK types the error body as problem details.
    const problem: ProblemDetails | undefined = stale.error;
    expect(stale.response.status).toBe(412);
    expect(stale.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem).toMatchObject({
      status: 412,
      code: 'concurrency.version_mismatch',
      requestId: stale.response.headers.get('x-request-id'),
    });

    const thrown = await unwrap(
      admin.PATCH('/v1/environments/{idOrSlug}', {
        params: { path: { idOrSlug: slug }, header: { 'If-Match': firstEtag! } },
        body: { name: 'Lost update' },
      }),
    ).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(OpsplaneError);
    expect(thrown).toMatchObject({
      status: 412,
      code: 'concurrency.version_mismatch',
      problem: { title: expect.any(String), detail: expect.any(String) },
    });

    const current = await unwrap(
      admin.GET('/v1/environments/{idOrSlug}', { params: { path: { idOrSlug: slug } } }),
    );
    expect(current).toMatchObject({ name: 'Production (EU)', version: 2 });

    const archived = await unwrap(
      admin.DELETE('/v1/environments/{idOrSlug}', {
        params: { path: { idOrSlug: slug }, header: { 'If-Match': secondEtag! } },
      }),
    );
    expect(archived.archivedAt).not.toBeNull();
    const listed = await unwrap(admin.GET('/v1/environments', { params: { query: { q: slug } } }));
    expect(listed.items).toEqual([]);
    const withArchived = await unwrap(
      admin.GET('/v1/environments', { params: { query: { q: slug, includeArchived: true } } }),
    );
    expect(withArchived.items.map((environment) => environment.id)).toEqual([archived.id]);
  });

  it('creates a service once when a create is retried with the same Idempotency-Key', async () => {
    const slug = unique('billing');
    const idempotencyKey = unique('retry');
    const create = () =>
      unwrap(
        admin.POST('/v1/services', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: { slug, name: 'Billing', ownerTeam: 'payments' },
        }),
      );
    const first = await create();
    const retried = await create();
    expect(retried).toEqual(first);
    const listed = await unwrap(admin.GET('/v1/services', { params: { query: { q: slug } } }));
    expect(listed.items.map((service) => service.id)).toEqual([first.id]);
  });

  it('hands an operator key to a pipeline: it works within its role, and stops working once revoked', async () => {
    const created = await unwrap(
      admin.POST('/v1/api-keys', { body: { name: unique('pipeline'), role: 'operator' } }),
    );
    expect(created.apiKey).toMatchObject({ role: 'operator', isActive: true, revokedAt: null });
    expect(created.token.startsWith(created.apiKey.tokenPrefix)).toBe(true);
    const pipeline = createOpsplaneClient({ baseUrl: server.baseUrl, token: created.token });

    // Operators register services...
    const slug = unique('worker');
    const service = await unwrap(
      pipeline.POST('/v1/services', {
        body: { slug, name: 'Worker', ownerTeam: 'platform', criticality: 'high' },
      }),
    );
    expect(service).toMatchObject({ slug, criticality: 'high' });
    // ...but environments are configuration, which is for admins.
    const forbidden = await pipeline.POST('/v1/environments', {
      body: { slug: unique('nope'), name: 'Nope', tier: 'testing', rank: 1 },
    });
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.error?.code).toBe('auth.forbidden');

    const revoked = await unwrap(
      admin.POST('/v1/api-keys/{id}/revoke', { params: { path: { id: created.apiKey.id } } }),
    );
    expect(revoked).toMatchObject({ id: created.apiKey.id, isActive: false, revokedAt: expect.any(String) });

    const refused = await unwrap(
      pipeline.GET('/v1/services/{idOrSlug}', { params: { path: { idOrSlug: slug } } }),
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpsplaneError);
    expect(refused).toMatchObject({ status: 401, code: 'auth.unauthenticated' });
    // The admin still sees what the revoked key created.
    expect(
      await unwrap(admin.GET('/v1/services/{idOrSlug}', { params: { path: { idOrSlug: slug } } })),
    ).toEqual(service);
  });
});
