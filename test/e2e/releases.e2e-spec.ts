import { createOpsplaneClient, OpsplaneClient, unwrap } from '@opsplane/sdk';
import { unique } from '../support/test-app';
import { ListeningServer, startListeningServer } from './support/listening-server';
import { refusal } from './support/refusal';

/**
 * What a delivery pipeline does with @opsplane/sdk: register a build, deploy it to staging and
 * on to production through the promotion gate, retry safely, and when production breaks, roll
 * back, pin, and see what runs where.
 */
describe('release management through the SDK', () => {
  let server: ListeningServer;
  let admin: OpsplaneClient;
  let pipeline: OpsplaneClient;

  beforeAll(async () => {
    server = await startListeningServer('releases');
    admin = createOpsplaneClient({ baseUrl: server.baseUrl, token: server.adminToken });
    const key = await unwrap(
      admin.POST('/v1/api-keys', { body: { name: unique('pipeline'), role: 'operator' } }),
    );
    pipeline = createOpsplaneClient({ baseUrl: server.baseUrl, token: key.token });
  });
  afterAll(() => server.close());

  /** Request, start and finish a deployment, as a CD tool reports it. */
  async function deploy(release: string, environment: string) {
    const deployment = await unwrap(pipeline.POST('/v1/deployments', { body: { release, environment } }));
    for (const status of ['running', 'succeeded'] as const)
      await unwrap(
        pipeline.POST('/v1/deployments/{id}/status', {
          params: { path: { id: deployment.id } },
          body: { status },
        }),
      );
    return deployment;
  }

  it('promotes a build from staging to production, rolls it back and pins production', async () => {
    const service = await unwrap(
      pipeline.POST('/v1/services', {
        body: { slug: unique('payments'), name: 'Payments', ownerTeam: 'payments' },
      }),
    );
    // The file's only environments (a database of its own), so nothing sits between these two.
    const rank = 1;
    const staging = await unwrap(
      admin.POST('/v1/environments', {
        body: { slug: unique('staging'), name: 'Staging', tier: 'staging', rank },
      }),
    );
    const production = await unwrap(
      admin.POST('/v1/environments', {
        body: { slug: unique('production'), name: 'Production', tier: 'production', rank: rank + 1 },
      }),
    );
    await unwrap(
      admin.PUT('/v1/environments/{idOrSlug}/promotion-policy', {
        params: { path: { idOrSlug: staging.slug } },
        body: { enabled: false },
      }),
    );

    const register = (version: string, sha: string) =>
      unwrap(
        pipeline.POST('/v1/releases', {
          params: { header: { 'Idempotency-Key': `${service.slug}-${version}` } },
          body: { service: service.slug, version, commits: [{ sha, message: `Build ${version}` }] },
        }),
      );
    const good = await register('1.0.0', 'aaaaaaa1');
    // The CI job retried after a timeout: the same key gives back the same release.
    expect((await register('1.0.0', 'aaaaaaa1')).id).toBe(good.id);

    // Production refuses what staging has not seen, naming the gate.
    const refused = await refusal(
      unwrap(pipeline.POST('/v1/deployments', { body: { release: good.id, environment: production.slug } })),
    );
    expect(refused.code).toBe('deployment.gates_failed');
    expect(refused.problem.errors.map((error) => error.path)).toEqual(['gate.promotion']);

    await deploy(good.id, staging.slug);
    await deploy(good.id, production.slug);
    const bad = await register('1.1.0', 'bbbbbbb2');
    await deploy(bad.id, staging.slug);
    const broken = await deploy(bad.id, production.slug);

    const diff = await unwrap(
      pipeline.GET('/v1/releases/diff', { params: { query: { from: good.id, to: bad.id } } }),
    );
    expect(diff.direction).toBe('forward');
    expect(diff.commits.map((commit) => commit.sha)).toEqual(['bbbbbbb2']);

    const rollback = await unwrap(
      pipeline.POST('/v1/deployments/{id}/rollback', {
        params: { path: { id: broken.id } },
        body: { reason: 'INC-77: payments time out', pin: true },
      }),
    );
    expect(rollback).toMatchObject({ releaseId: good.id, rollbackOf: broken.id, status: 'queued' });
    for (const status of ['running', 'succeeded'] as const)
      await unwrap(
        pipeline.POST('/v1/deployments/{id}/status', {
          params: { path: { id: rollback.id } },
          body: { status },
        }),
      );

    const current = await unwrap(
      pipeline.GET('/v1/environments/{idOrSlug}/current', {
        params: { path: { idOrSlug: production.slug } },
      }),
    );
    expect(current.items).toEqual([
      expect.objectContaining({
        serviceSlug: service.slug,
        releaseVersion: '1.0.0',
        pin: expect.objectContaining({ releaseVersion: '1.0.0', reason: 'INC-77: payments time out' }),
      }),
    ]);

    // The pin holds production at 1.0.0 until someone unpins it.
    const pinned = await refusal(
      unwrap(pipeline.POST('/v1/deployments', { body: { release: bad.id, environment: production.slug } })),
    );
    expect(pinned.problem.errors.map((error) => error.path)).toEqual(['gate.pin']);
    await unwrap(
      pipeline.DELETE('/v1/environments/{idOrSlug}/pins/{service}', {
        params: { path: { idOrSlug: production.slug, service: service.slug } },
      }),
    );
    const history = await unwrap(
      pipeline.GET('/v1/deployments', {
        params: { query: { environmentId: production.id, serviceId: service.id, limit: 10 } },
      }),
    );
    expect(history.items.map((deployment) => [deployment.releaseId, deployment.isRolledBack])).toEqual([
      [good.id, false],
      [bad.id, true],
      [good.id, false],
    ]);
  });
});
