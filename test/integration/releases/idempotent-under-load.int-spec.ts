import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createEnvironment, createService } from './fixtures';

/**
 * An idempotent POST holds one pooled connection for its whole transaction. Everything it calls
 * must read through that transaction; a read through the pool needs a second connection, and
 * with more concurrent requests than connections they all wait forever.
 */
describe('idempotent creates under a small connection pool', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_MAX: '2' });
  });
  afterAll(() => t.close());

  it('serves more concurrent idempotent requests than there are connections', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const releases = await Promise.all(
      Array.from({ length: 8 }, () =>
        t
          .http(t.tokens.operator)
          .post('/v1/releases')
          .set('idempotency-key', unique('key'))
          .send({ service: service.slug, version: unique('v') }),
      ),
    );
    expect(releases.map((response) => response.status)).toEqual(Array(8).fill(201));

    const deployments = await Promise.all(
      releases.map((release) =>
        t
          .http(t.tokens.operator)
          .post('/v1/deployments')
          .set('idempotency-key', unique('key'))
          .send({ release: release.body.id, environment: environment.slug }),
      ),
    );
    expect(deployments.map((response) => response.status)).toEqual(Array(8).fill(201));
  }, 30_000);
});
