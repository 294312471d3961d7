import { createTestApp, TestApp } from '../../support/test-app';

describe('operating Opsplane', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness (with a database check) without a token', async () => {
    expect((await t.http().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http().get('/health/ready').expect(200)).body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('exposes Prometheus metrics: request durations by route and status, the database pool, the process', async () => {
    await t.http(t.tokens.viewer).get('/v1/environments').expect(200);
    await t.http().get('/v1/environments').expect(401);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(
      /opsplane_http_request_duration_seconds_count\{method="GET",route="\/v1\/environments",status_code="200"\} \d+/,
    );
    expect(metrics.text).toMatch(
      /opsplane_http_request_duration_seconds_count\{method="GET",route="\/v1\/environments",status_code="401"\} \d+/,
    );
    expect(metrics.text).toMatch(/opsplane_db_pool_connections\{state="total"\} \d+/);
    expect(metrics.text).toContain('opsplane_process_resident_memory_bytes');
  });

  it('echoes a sane x-request-id and mints one otherwise', async () => {
    const given = await t.http().get('/health/live').set('x-request-id', 'trace-123').expect(200);
    expect(given.headers['x-request-id']).toBe('trace-123');
    const minted = await t.http().get('/health/live').set('x-request-id', 'bad id with spaces').expect(200);
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves interactive REST docs, the OpenAPI document and a GraphQL IDE from installed packages only', async () => {
    const docs = await t.http().get('/docs').redirects(1).expect(200);
    expect(docs.text).toContain('swagger-ui');
    expectNoRemoteAssets(docs.text);
    const init = await t.http().get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('listEnvironments'); // the document is embedded

    const openapi = await t.http().get('/openapi.json').expect(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(openapi.body.paths['/v1/environments'].get.operationId).toBe('listEnvironments');
    expect(openapi.body.components.schemas.ProblemDetails).toBeDefined();

    const ide = await t.http().get('/graphql').set('accept', 'text/html').expect(200);
    expect(ide.text).toContain('<base href="/graphql-ide/">');
    expectNoRemoteAssets(ide.text);
    const script = /<script[^>]+src="([^"]+)"/.exec(ide.text)?.[1];
    expect(script).toBeDefined();
    await t.http().get(`/graphql-ide/${script}`).expect(200);
  });
});

/** Scripts and stylesheets must come from this server: the docs have to work without internet access. */
function expectNoRemoteAssets(html: string): void {
  const assets = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  expect(assets.filter((url) => /^(https?:)?\/\//.test(url))).toEqual([]);
}
