import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import {
  createEnvironment,
  createRelease,
  createService,
  finishedDeployment,
  reportStatus,
  requestDeployment,
} from './fixtures';

describe('what runs where', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const deploy = (release: string, environment: string, outcome?: 'succeeded' | 'failed') =>
    finishedDeployment(t, release, environment, outcome);
  const current = (environment: string, query: Record<string, unknown> = {}) =>
    t.http(t.tokens.viewer).get(`/v1/environments/${environment}/current`).query(query).expect(200);

  it('lists per service the last succeeded deployment and its release, by service slug', async () => {
    const environment = await createEnvironment(t, 0);
    const prefix = unique('cur');
    const services = [];
    for (const suffix of ['b', 'a', 'c']) {
      const response = await t
        .http(t.tokens.operator)
        .post('/v1/services')
        .send({ slug: `${prefix}-${suffix}`, name: suffix, ownerTeam: 'releases-tests' })
        .expect(201);
      services.push(response.body as { id: string; slug: string });
    }
    const [b, a] = services;
    const a1 = await createRelease(t, a.id);
    const a2 = await createRelease(t, a.id);
    const b1 = await createRelease(t, b.id);
    await deploy(a1.id, environment.id);
    const a2Deployment = await deploy(a2.id, environment.id);
    const b1Deployment = await deploy(b1.id, environment.id);
    // A failure and a deployment still queued do not change what runs.
    await deploy((await createRelease(t, b.id)).id, environment.id, 'failed');
    await requestDeployment(t, (await createRelease(t, a.id)).id, environment.id).expect(201);

    const listed = await current(environment.slug);
    expect(listed.body.nextCursor).toBeNull();
    expect(
      listed.body.items.map((item: Record<string, unknown>) => [
        item.serviceSlug,
        item.releaseVersion,
        (item.deployment as { id: string }).id,
      ]),
    ).toEqual([
      [a.slug, a2.version, a2Deployment.id],
      [b.slug, b1.version, b1Deployment.id],
    ]);
    expect(listed.body.items[0]).toMatchObject({
      serviceId: a.id,
      releaseId: a2.id,
      pin: null,
      deployment: { status: 'succeeded', environmentId: environment.id },
    });

    const firstPage = await current(environment.id, { limit: 1 });
    expect(firstPage.body.items).toHaveLength(1);
    const secondPage = await current(environment.id, { limit: 1, cursor: firstPage.body.nextCursor });
    expect(secondPage.body.items.map((item: { serviceSlug: string }) => item.serviceSlug)).toEqual([b.slug]);
    expect(secondPage.body.nextCursor).toBeNull();

    await t
      .http(t.tokens.operator)
      .put(`/v1/environments/${environment.id}/pins/${a.slug}`)
      .send({ reason: 'hold' })
      .expect(200);
    const pinned = await current(environment.id, { limit: 1 });
    expect(pinned.body.items[0].pin).toMatchObject({
      releaseId: a2.id,
      releaseVersion: a2.version,
      reason: 'hold',
    });
  });

  it('shows a rollback that succeeded as what runs', async () => {
    const environment = await createEnvironment(t, 0);
    const service = await createService(t);
    const v1 = await createRelease(t, service.id);
    const v2 = await createRelease(t, service.id);
    await deploy(v1.id, environment.id);
    const bad = await deploy(v2.id, environment.id);
    const rollback = await t
      .http(t.tokens.operator)
      .post(`/v1/deployments/${bad.id}/rollback`)
      .send({ reason: 'v2 breaks checkout' })
      .expect(201);
    expect((await current(environment.id)).body.items[0].releaseId).toBe(v2.id);
    await reportStatus(t, rollback.body.id, 'running').expect(200);
    await reportStatus(t, rollback.body.id, 'succeeded').expect(200);
    expect((await current(environment.id)).body.items[0]).toMatchObject({
      releaseId: v1.id,
      deployment: { id: rollback.body.id, rollbackOf: bad.id },
    });
  });

  it('answers an unknown environment with 404, a bad cursor with 400 and no token with 401', async () => {
    await t.http(t.tokens.viewer).get('/v1/environments/no-such-environment/current').expect(404);
    const environment = await createEnvironment(t, 0);
    const bad = await t
      .http(t.tokens.viewer)
      .get(`/v1/environments/${environment.id}/current`)
      .query({ cursor: 'garbage' })
      .expect(400);
    expect(bad.body.code).toBe('pagination.invalid_cursor');
    await t.http().get(`/v1/environments/${environment.id}/current`).expect(401);
  });

  describe('over GraphQL', () => {
    /** A family of environments found by one search term, each with `services` current deployments. */
    async function environmentsWithDeployments(term: string, count: number, services: number) {
      const deployed = [];
      for (const service of await Promise.all(Array.from({ length: services }, () => createService(t)))) {
        const release = await createRelease(t, service.id, {
          commits: [{ sha: 'a1b2c3d4e5f6', message: `Change of ${service.slug}` }],
        });
        deployed.push({ service, release });
      }
      for (let i = 0; i < count; i++) {
        const environment = await t
          .http(t.tokens.admin)
          .post('/v1/environments')
          .send({ slug: `${term}-${i}`, name: `${term} ${i}`, tier: 'testing', rank: 0 })
          .expect(201);
        for (const { release } of deployed) await deploy(release.id, environment.body.id);
      }
      return deployed;
    }

    const nested = `query ($q: String!) {
      environments(q: $q, limit: 50) {
        items { slug currentDeployments { status release { version service { slug } commits { sha message } } } }
      }
    }`;

    /** Runs `nested` and counts the SQL statements the server sent for it. */
    async function countStatements(term: string) {
      const dataSource = t.app.get(DataSource);
      // Warm the key cache so the count holds only what the query itself costs.
      await t.graphql('{ __typename }', {}, t.tokens.viewer);
      const spy = jest.spyOn(dataSource.logger, 'logQuery');
      try {
        const response = await t.graphql<{
          environments: { items: { currentDeployments: { release: { service: { slug: string } } }[] }[] };
        }>(nested, { q: term }, t.tokens.viewer);
        expect(response.errors).toBeUndefined();
        // The key's last-used stamp is written in the background, whenever it falls due; not the query's cost.
        const statements = spy.mock.calls.filter(([sql]) => !String(sql).includes('api_keys'));
        return { statements: statements.length, environments: response.data!.environments.items };
      } finally {
        spy.mockRestore();
      }
    }

    it('reads environments with their current deployments, releases, services and commits in a constant number of statements', async () => {
      const few = unique('fewenv');
      const many = unique('manyenv');
      const deployed = await environmentsWithDeployments(few, 2, 3);
      await environmentsWithDeployments(many, 6, 3);

      const small = await countStatements(few);
      const large = await countStatements(many);
      expect(small.environments).toHaveLength(2);
      expect(large.environments).toHaveLength(6);
      expect(small.environments[0].currentDeployments).toHaveLength(3);
      expect(small.environments[0]).toMatchObject({
        currentDeployments: expect.arrayContaining([
          {
            status: 'succeeded',
            release: {
              version: deployed[0].release.version,
              service: { slug: deployed[0].service.slug },
              commits: [{ sha: 'a1b2c3d4e5f6', message: `Change of ${deployed[0].service.slug}` }],
            },
          },
        ]),
      });
      // environments, current deployments, releases, commits, services: one each.
      expect(large.statements).toBe(small.statements);
      expect(large.statements).toBeLessThanOrEqual(5);
    });

    it('reads only the columns a selection asks for, without mixing two selections of the field', async () => {
      const term = unique('partial');
      const [{ service, release }] = await environmentsWithDeployments(term, 1, 1);
      const response = await t.graphql<{
        environments: { items: Record<string, Record<string, unknown>[]>[] };
      }>(
        `query ($q: String!) {
          environments(q: $q) { items {
            bare: currentDeployments { id }
            full: currentDeployments { ...Timing isApproved isRolledBack service { slug } release { version } }
          } }
        }
        fragment Timing on Deployment { status requestedAt finishedAt }`,
        { q: term },
        t.tokens.viewer,
      );
      expect(response.errors).toBeUndefined();
      const [environment] = response.data!.environments.items;
      expect(environment.bare).toEqual([{ id: expect.any(String) }]);
      expect(environment.full).toEqual([
        {
          status: 'succeeded',
          requestedAt: expect.any(String),
          finishedAt: expect.any(String),
          isApproved: false,
          isRolledBack: false,
          service: { slug: service.slug },
          release: { version: release.version },
        },
      ]);
    });

    it('pages currentDeployments of one environment like REST', async () => {
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      await deploy(release.id, environment.id);
      const response = await t.graphql<{
        currentDeployments: { items: unknown[]; nextCursor: string | null };
      }>(
        `query ($e: String!) { currentDeployments(environment: $e, limit: 5) {
          items { serviceSlug releaseVersion deployment { status } pin { reason } } nextCursor } }`,
        { e: environment.slug },
        t.tokens.viewer,
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.currentDeployments).toEqual({
        items: [
          {
            serviceSlug: service.slug,
            releaseVersion: release.version,
            deployment: { status: 'succeeded' },
            pin: null,
          },
        ],
        nextCursor: null,
      });
    });
  });
});
