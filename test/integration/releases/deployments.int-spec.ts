import { FixedClock } from '@opsplane/core';
import { DeploymentGateContext, DeploymentGates, ReleasesService } from '@opsplane/releases';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import {
  createEnvironment,
  createRelease,
  createService,
  queuedDeployment,
  reportStatus,
  requestDeployment,
  uncommonRank,
} from './fixtures';

describe('deployments', () => {
  const clock = new FixedClock(new Date('2031-03-01T10:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.close());

  const get = (id: string) => t.http(t.tokens.viewer).get(`/v1/deployments/${id}`).expect(200);

  it('queues a deployment that passes its gates and stamps each step up to success', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const release = await createRelease(t, service.slug);
    const requestedAt = clock.now();

    const requested = await requestDeployment(t, release.id, environment.slug, 'Fixes INC-42').expect(201);
    expect(requested.body).toMatchObject({
      releaseId: release.id,
      serviceId: service.id,
      environmentId: environment.id,
      status: 'queued',
      reason: 'Fixes INC-42',
      statusReason: null,
      requestedAt: requestedAt.toISOString(),
      queuedAt: requestedAt.toISOString(),
      startedAt: null,
      finishedAt: null,
      version: 1,
    });
    expect(requested.headers.etag).toBe('"1"');
    const id = requested.body.id as string;
    const release1 = await t.http(t.tokens.viewer).get(`/v1/releases/${release.id}`).expect(200);
    expect(release1.body.firstDeployedAt).toBe(requestedAt.toISOString());

    clock.advance(60_000);
    const startedAt = clock.now();
    const running = await reportStatus(t, id, 'running', 'pipeline 812').expect(200);
    expect(running.body).toMatchObject({
      status: 'running',
      statusReason: 'pipeline 812',
      startedAt: startedAt.toISOString(),
      finishedAt: null,
      version: 2,
    });

    clock.advance(300_000);
    const finishedAt = clock.now();
    const succeeded = await t
      .http(t.tokens.operator)
      .post(`/v1/deployments/${id}/status`)
      .set('if-match', '"2"')
      .send({ status: 'succeeded' })
      .expect(200);
    expect(succeeded.body).toMatchObject({
      status: 'succeeded',
      statusReason: null,
      requestedAt: requestedAt.toISOString(),
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      version: 3,
    });
    expect((await get(id)).body).toEqual(succeeded.body);
  });

  it('writes an audit and an outbox event for each transition, in order', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const { id } = await queuedDeployment(t, service.id, environment.id);
    await reportStatus(t, id, 'running').expect(200);
    await reportStatus(t, id, 'failed', 'health checks red').expect(200);
    const db = t.app.get(DataSource);
    const outbox = await db.query(
      `SELECT type, payload FROM outbox_events WHERE aggregate_type = 'deployment' AND aggregate_id = $1 ORDER BY id`,
      [id],
    );
    expect(outbox.map((event: { type: string }) => event.type)).toEqual([
      'deployment.requested',
      'deployment.started',
      'deployment.failed',
    ]);
    expect(outbox[2].payload).toMatchObject({
      before: { status: 'running' },
      after: { status: 'failed', statusReason: 'health checks red' },
    });
    const audit = await db.query(
      `SELECT action, reason FROM audit_events WHERE target_type = 'deployment' AND target_id = $1 ORDER BY seq`,
      [id],
    );
    expect(audit).toEqual([
      { action: 'deployment.requested', reason: null },
      { action: 'deployment.started', reason: null },
      { action: 'deployment.failed', reason: 'health checks red' },
    ]);
  });

  it('refuses an illegal transition with 409 listing the allowed next statuses, and changes nothing', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const { id } = await queuedDeployment(t, service.id, environment.id);

    const skipped = await reportStatus(t, id, 'succeeded').expect(409);
    expect(skipped.body.code).toBe('deployment.illegal_transition');
    expect(skipped.body.detail).toContain('running, canceled');
    expect(skipped.body.errors).toEqual([
      { path: 'status', message: 'allowed next statuses: running, canceled' },
    ]);
    expect((await get(id)).body).toMatchObject({ status: 'queued', version: 1 });

    await reportStatus(t, id, 'canceled', 'superseded').expect(200);
    const afterFinish = await reportStatus(t, id, 'running').expect(409);
    expect(afterFinish.body.errors[0].message).toBe('allowed next statuses: none (canceled is final)');
    expect((await get(id)).body).toMatchObject({ status: 'canceled', statusReason: 'superseded' });
  });

  it('needs a reason to mark a deployment failed', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const { id } = await queuedDeployment(t, service.id, environment.id);
    await reportStatus(t, id, 'running').expect(200);
    const missing = await reportStatus(t, id, 'failed').expect(400);
    expect(missing.body).toMatchObject({ code: 'deployment.reason_required', errors: [{ path: 'reason' }] });
    const blank = await reportStatus(t, id, 'failed', '   ').expect(400);
    expect(blank.body.code).toBe('deployment.reason_required');
    expect((await get(id)).body.status).toBe('running');
    const failed = await reportStatus(t, id, 'failed', 'migration timed out').expect(200);
    expect(failed.body).toMatchObject({ status: 'failed', statusReason: 'migration timed out' });
  });

  it('refuses a stale If-Match with 412', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const { id } = await queuedDeployment(t, service.id, environment.id);
    const stale = await t
      .http(t.tokens.operator)
      .post(`/v1/deployments/${id}/status`)
      .set('if-match', '"7"')
      .send({ status: 'running' })
      .expect(412);
    expect(stale.body.code).toBe('concurrency.version_mismatch');
    expect((await get(id)).body.status).toBe('queued');
  });

  it('refuses to start a second deployment of a service in an environment while one runs', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const first = await queuedDeployment(t, service.id, environment.id);
    const second = await queuedDeployment(t, service.id, environment.id);
    await reportStatus(t, first.id, 'running').expect(200);
    const refused = await reportStatus(t, second.id, 'running').expect(409);
    expect(refused.body.code).toBe('deployment.already_running');
    expect(refused.body.detail).toContain(first.id);
    // Another service in the same environment is not held up.
    const other = await createService(t);
    const third = await queuedDeployment(t, other.id, environment.id);
    await reportStatus(t, third.id, 'running').expect(200);
    // Once the first finishes, the second may start.
    await reportStatus(t, first.id, 'succeeded').expect(200);
    await reportStatus(t, second.id, 'running').expect(200);
  });

  it('answers an unknown release, environment or deployment with 404', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const release = await createRelease(t, service.id);
    const noRelease = await requestDeployment(
      t,
      '0190a3c4-0000-7000-8000-000000000000',
      environment.id,
    ).expect(404);
    expect(noRelease.body.code).toBe('release.not_found');
    const noEnvironment = await requestDeployment(t, release.id, 'no-such-environment').expect(404);
    expect(noEnvironment.body.code).toBe('environment.not_found');
    const noDeployment = await reportStatus(t, '0190a3c4-0000-7000-8000-000000000000', 'running').expect(404);
    expect(noDeployment.body.code).toBe('deployment.not_found');
  });

  it('creates one deployment for a retried request with the same Idempotency-Key', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const release = await createRelease(t, service.id);
    const send = () =>
      t
        .http(t.tokens.operator)
        .post('/v1/deployments')
        .set('idempotency-key', `ci-run-${release.id}`)
        .send({ release: release.id, environment: environment.id });
    const first = await send().expect(201);
    const retry = await send().expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const listed = await t
      .http(t.tokens.viewer)
      .get('/v1/deployments')
      .query({ releaseId: release.id })
      .expect(200);
    expect(listed.body.items).toHaveLength(1);
  });

  describe('promotion', () => {
    it('refuses a release that has not succeeded in the rank below, naming the gate and the environment', async () => {
      const rank = uncommonRank();
      const below = await createEnvironment(t, rank - 1, 'stage');
      const target = await createEnvironment(t, rank, 'prod');
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      const refused = await requestDeployment(t, release.id, target.id).expect(409);
      expect(refused.body.code).toBe('deployment.gates_failed');
      expect(refused.body.errors).toEqual([
        {
          path: 'gate.promotion',
          message: expect.stringContaining(
            `must first succeed in an environment of rank ${rank - 1} (${below.slug})`,
          ),
        },
      ]);
      expect(refused.body.detail).toContain('promotion');
      const none = await t
        .http(t.tokens.viewer)
        .get('/v1/deployments')
        .query({ releaseId: release.id })
        .expect(200);
      expect(none.body.items).toEqual([]);
      const unchanged = await t.http(t.tokens.viewer).get(`/v1/releases/${release.id}`).expect(200);
      expect(unchanged.body.firstDeployedAt).toBeNull();
    });

    it('accepts it once it succeeded in an environment of the rank below, and not for a failure there', async () => {
      // Rank 0 always accepts; rank 1's rank below is 0 whatever other tests created.
      const first = await createEnvironment(t, 0);
      const second = await createEnvironment(t, 1);
      const service = await createService(t);
      const release = await createRelease(t, service.id);

      const failed = (await requestDeployment(t, release.id, first.id).expect(201)).body;
      await reportStatus(t, failed.id, 'running').expect(200);
      await reportStatus(t, failed.id, 'failed', 'smoke tests').expect(200);
      const refused = await requestDeployment(t, release.id, second.id).expect(409);
      expect(refused.body.errors[0]).toMatchObject({
        path: 'gate.promotion',
        message: expect.stringContaining('rank 0'),
      });

      const succeeded = (await requestDeployment(t, release.id, first.id).expect(201)).body;
      await reportStatus(t, succeeded.id, 'running').expect(200);
      await reportStatus(t, succeeded.id, 'succeeded').expect(200);
      await requestDeployment(t, release.id, second.id).expect(201);
    });
  });

  describe('pluggable gates', () => {
    const failing = (name: string, phases: DeploymentGateContext['phase'][]) => ({
      name,
      evaluate: (context: DeploymentGateContext) =>
        Promise.resolve(
          phases.includes(context.phase)
            ? {
                passed: false,
                reason: `${name} refuses ${context.environment.slug} at ${context.now.toISOString()}`,
              }
            : { passed: true, reason: 'fine' },
        ),
    });

    it('lists every failing gate at once', async () => {
      const remove = t.app.get(DeploymentGates).register(failing('test-freeze', ['request', 'start']));
      try {
        const rank = uncommonRank();
        await createEnvironment(t, rank - 1);
        const target = await createEnvironment(t, rank);
        const service = await createService(t);
        const release = await createRelease(t, service.id);
        const refused = await requestDeployment(t, release.id, target.id).expect(409);
        expect(refused.body.code).toBe('deployment.gates_failed');
        expect(refused.body.errors).toEqual([
          { path: 'gate.promotion', message: expect.stringContaining(`rank ${rank - 1}`) },
          {
            path: 'gate.test-freeze',
            message: `test-freeze refuses ${target.slug} at ${clock.now().toISOString()}`,
          },
        ]);
      } finally {
        remove();
      }
    });

    it('runs the gates again when a deployment starts, and leaves it queued when one refuses', async () => {
      const service = await createService(t);
      const environment = await createEnvironment(t, 0);
      const { id } = await queuedDeployment(t, service.id, environment.id);
      const remove = t.app.get(DeploymentGates).register(failing('test-start-only', ['start']));
      try {
        const refused = await reportStatus(t, id, 'running').expect(409);
        expect(refused.body.code).toBe('deployment.gates_failed');
        expect(refused.body.errors).toEqual([{ path: 'gate.test-start-only', message: expect.any(String) }]);
        expect((await get(id)).body).toMatchObject({ status: 'queued', startedAt: null, version: 1 });
        // Finishing needs no gate: a deployment that runs may always report its outcome.
        await reportStatus(t, id, 'canceled').expect(200);
      } finally {
        remove();
      }
    });
  });

  describe('a cursor is bound to the filters it was handed out for', () => {
    const refusedCursor = {
      path: 'cursor',
      message: 'cursor belongs to other filters; start again without it',
    };

    it('REST: resumes with the same filters at another limit, and refuses other filters with a 400', async () => {
      const service = await createService(t);
      const environment = await createEnvironment(t, 0);
      const elsewhere = await createEnvironment(t, 0);
      const made: { id: string }[] = [];
      for (let i = 0; i < 4; i += 1) {
        made.push(await queuedDeployment(t, service.id, environment.id));
        clock.advance(60_000);
      }
      await queuedDeployment(t, service.id, elsewhere.id);
      const newestFirst = made.map((d) => d.id).reverse();
      const list = (query: Record<string, unknown>) =>
        t.http(t.tokens.viewer).get('/v1/deployments').query(query);

      const first = await list({ environmentId: environment.id, limit: 1 }).expect(200);
      expect(first.body.items.map((d: { id: string }) => d.id)).toEqual(newestFirst.slice(0, 1));
      const cursor = first.body.nextCursor as string;

      const rest = await list({ environmentId: environment.id, limit: 3, cursor }).expect(200);
      expect(rest.body.items.map((d: { id: string }) => d.id)).toEqual(newestFirst.slice(1));

      for (const query of [
        { environmentId: elsewhere.id, limit: 1, cursor },
        { environmentId: environment.id, status: 'queued', limit: 1, cursor },
        { limit: 1, cursor },
      ]) {
        const refused = await list(query).expect(400);
        expect(refused.body).toMatchObject({ code: 'pagination.invalid_cursor', errors: [refusedCursor] });
      }
    });

    it('GraphQL: the same binding, with the same error in extensions', async () => {
      const service = await createService(t);
      const environment = await createEnvironment(t, 0);
      const elsewhere = await createEnvironment(t, 0);
      for (let i = 0; i < 3; i += 1) await queuedDeployment(t, service.id, environment.id);
      const page = (variables: Record<string, unknown>) =>
        t.graphql<{ deployments: { items: { id: string }[]; nextCursor: string | null } }>(
          `query($environmentId: ID, $limit: Int, $cursor: String) {
            deployments(environmentId: $environmentId, limit: $limit, cursor: $cursor) { items { id } nextCursor }
          }`,
          variables,
          t.tokens.viewer,
        );
      const first = await page({ environmentId: environment.id, limit: 1, cursor: null });
      const cursor = first.data!.deployments.nextCursor;
      expect(cursor).toEqual(expect.any(String));

      const next = await page({ environmentId: environment.id, limit: 5, cursor });
      expect(next.errors).toBeUndefined();
      expect(next.data!.deployments.items).toHaveLength(2);
      expect(next.data!.deployments.nextCursor).toBeNull();

      const refused = await page({ environmentId: elsewhere.id, limit: 1, cursor });
      expect(refused.data).toBeNull();
      expect(refused.errors![0].extensions).toMatchObject({
        code: 'pagination.invalid_cursor',
        status: 400,
        errors: [refusedCursor],
      });
    });
  });

  it('filters by environment, service, release, status and time, newest first in cursor pages', async () => {
    const service = await createService(t);
    const other = await createService(t);
    const environment = await createEnvironment(t, 0);
    const elsewhere = await createEnvironment(t, 0);
    clock.set(new Date('2031-04-01T00:00:00.000Z'));
    const made: { id: string; releaseId: string }[] = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(await queuedDeployment(t, service.id, environment.id));
      clock.advance(3_600_000);
    }
    const otherService = await queuedDeployment(t, other.id, environment.id);
    const otherEnvironment = await queuedDeployment(t, service.id, elsewhere.id);
    await reportStatus(t, made[1].id, 'canceled').expect(200);

    const list = (query: Record<string, unknown>) =>
      t.http(t.tokens.viewer).get('/v1/deployments').query(query).expect(200);
    const ids = async (query: Record<string, unknown>) =>
      (await list(query)).body.items.map((d: { id: string }) => d.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ environmentId: environment.id, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((d: { id: string }) => d.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([otherService.id, ...made.map((d) => d.id).reverse()]);

    expect(await ids({ environmentId: environment.id, serviceId: other.id })).toEqual([otherService.id]);
    expect(await ids({ serviceId: service.id, environmentId: elsewhere.id })).toEqual([otherEnvironment.id]);
    expect(await ids({ releaseId: made[3].releaseId })).toEqual([made[3].id]);
    expect(await ids({ environmentId: environment.id, status: 'canceled' })).toEqual([made[1].id]);
    expect(
      await ids({
        environmentId: environment.id,
        serviceId: service.id,
        from: '2031-04-01T01:00:00Z',
        to: '2031-04-01T03:00:00Z',
      }),
    ).toEqual([made[2].id, made[1].id]);

    const invalid = await t
      .http(t.tokens.viewer)
      .get('/v1/deployments')
      .query({ status: 'done' })
      .expect(400);
    expect(invalid.body.errors[0].path).toBe('status');
  });

  describe('over GraphQL', () => {
    it('requests, reports status and reads deployments with their release and its commits', async () => {
      const service = await createService(t);
      const environment = await createEnvironment(t, 0);
      const releases = [
        await createRelease(t, service.id, { commits: [{ sha: 'aaaaaaa', message: 'one' }] }),
        await createRelease(t, service.id, { commits: [{ sha: 'bbbbbbb', message: 'two' }] }),
      ];
      const ids: string[] = [];
      for (const release of releases) {
        const requested = await t.graphql<{ requestDeployment: { id: string; status: string } }>(
          `mutation($input: RequestDeploymentInput!) { requestDeployment(input: $input) { id status } }`,
          { input: { release: release.id, environment: environment.slug, reason: 'graphql' } },
          t.tokens.operator,
        );
        expect(requested.errors).toBeUndefined();
        expect(requested.data!.requestDeployment.status).toBe('queued');
        ids.push(requested.data!.requestDeployment.id);
      }

      const started = await t.graphql<{ reportDeploymentStatus: { status: string; version: number } }>(
        `mutation($id: ID!) { reportDeploymentStatus(id: $id, input: { status: running }, expectedVersion: 1) { status version } }`,
        { id: ids[0] },
        t.tokens.operator,
      );
      expect(started.data).toEqual({ reportDeploymentStatus: { status: 'running', version: 2 } });

      const illegal = await t.graphql(
        `mutation($id: ID!) { reportDeploymentStatus(id: $id, input: { status: succeeded }) { status } }`,
        { id: ids[1] },
        t.tokens.operator,
      );
      expect(illegal.errors?.[0]?.extensions).toMatchObject({
        code: 'deployment.illegal_transition',
        status: 409,
        errors: [{ path: 'status', message: 'allowed next statuses: running, canceled' }],
      });

      // One batched release lookup for the whole page, not one per deployment, and one for their commits.
      const findMany = jest.spyOn(t.app.get(ReleasesService), 'findManyWithoutCommits');
      const commitsOf = jest.spyOn(t.app.get(ReleasesService), 'commitsOfMany');
      const listed = await t.graphql<{
        deployments: {
          items: { id: string; status: string; release: { version: string; commits: { sha: string }[] } }[];
        };
      }>(
        `query($environmentId: ID) { deployments(environmentId: $environmentId) { items { id status release { version commits { sha } } } nextCursor } }`,
        { environmentId: environment.id },
        t.tokens.viewer,
      );
      expect(listed.errors).toBeUndefined();
      expect(findMany).toHaveBeenCalledTimes(1);
      expect([...findMany.mock.calls[0][0]].sort()).toEqual(releases.map((r) => r.id).sort());
      expect(commitsOf).toHaveBeenCalledTimes(1);
      findMany.mockRestore();
      commitsOf.mockRestore();
      expect(listed.data!.deployments.items).toEqual([
        {
          id: ids[1],
          status: 'queued',
          release: { version: releases[1].version, commits: [{ sha: 'bbbbbbb' }] },
        },
        {
          id: ids[0],
          status: 'running',
          release: { version: releases[0].version, commits: [{ sha: 'aaaaaaa' }] },
        },
      ]);

      const one = await t.graphql(
        `query($id: ID!) { deployment(id: $id) { id releaseId } }`,
        { id: ids[0] },
        t.tokens.viewer,
      );
      expect(one.data).toEqual({ deployment: { id: ids[0], releaseId: releases[0].id } });
    });

    it('reports every failing gate in the error extensions', async () => {
      const rank = uncommonRank();
      await createEnvironment(t, rank - 1);
      const target = await createEnvironment(t, rank);
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      const refused = await t.graphql(
        `mutation($input: RequestDeploymentInput!) { requestDeployment(input: $input) { id } }`,
        { input: { release: release.id, environment: target.id } },
        t.tokens.operator,
      );
      expect(refused.data?.requestDeployment ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'deployment.gates_failed',
        status: 409,
        errors: [{ path: 'gate.promotion', message: expect.stringContaining(`rank ${rank - 1}`) }],
      });
    });
  });
});
