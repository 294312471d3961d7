import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import {
  createEnvironment,
  createRelease,
  createService,
  finishedDeployment,
  reportStatus,
  requestDeployment,
  uncommonRank,
} from './fixtures';

interface Deployment {
  id: string;
  releaseId: string;
  status: string;
  rollbackOf: string | null;
  rolledBackAt: string | null;
  rollbackDeploymentId: string | null;
  isRolledBack: boolean;
  version: number;
}

describe('rollback and pins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const rollback = (
    id: string,
    body: Record<string, unknown> = { reason: 'INC-1: errors' },
    token = t.tokens.operator,
  ) => t.http(token).post(`/v1/deployments/${id}/rollback`).send(body);
  const get = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/deployments/${id}`).expect(200)).body as Deployment;
  const pin = (
    environment: string,
    service: string,
    body: Record<string, unknown>,
    token = t.tokens.operator,
  ) => t.http(token).put(`/v1/environments/${environment}/pins/${service}`).send(body);

  const deploy = (release: string, environment: string, outcome?: 'succeeded' | 'failed') =>
    finishedDeployment(t, release, environment, outcome);

  /** A service with releases v1..v3 deployed one after the other into a fresh rank-0 environment. */
  async function history() {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const [v1, v2, v3] = [
      await createRelease(t, service.id),
      await createRelease(t, service.id),
      await createRelease(t, service.id),
    ];
    const d1 = await deploy(v1.id, environment.id);
    const d2 = await deploy(v2.id, environment.id);
    const d3 = await deploy(v3.id, environment.id);
    return { service, environment, v1, v2, v3, d1, d2, d3 };
  }

  it('deploys the release that succeeded before, links both ways and records the rollback', async () => {
    const { environment, v2, d3 } = await history();
    const created = await rollback(d3.id, { reason: 'INC-7: checkout 5xx' }).expect(201);
    expect(created.body).toMatchObject({
      releaseId: v2.id,
      environmentId: environment.id,
      status: 'queued',
      rollbackOf: d3.id,
      reason: 'INC-7: checkout 5xx',
    });
    expect(await get(d3.id)).toMatchObject({
      status: 'succeeded',
      isRolledBack: true,
      rollbackDeploymentId: created.body.id,
      rolledBackAt: created.body.requestedAt,
      version: d3.version + 3,
    });

    const events = await t.app
      .get(DataSource)
      .query<{ type: string; aggregate_id: string }[]>(
        `SELECT type, aggregate_id FROM outbox_events WHERE aggregate_id = ANY($1) ORDER BY id`,
        [[d3.id, created.body.id]],
      );
    expect(events.slice(-2)).toEqual([
      { type: 'deployment.requested', aggregate_id: created.body.id },
      { type: 'deployment.rolled_back', aggregate_id: d3.id },
    ]);

    const again = await rollback(d3.id).expect(409);
    expect(again.body.code).toBe('deployment.already_rolled_back');
  });

  it('rolls back a rollback to the release before, skipping what was rolled back', async () => {
    const { environment, v1, d3 } = await history();
    const first = await rollback(d3.id).expect(201);
    await reportStatus(t, first.body.id, 'running').expect(200);
    await reportStatus(t, first.body.id, 'succeeded').expect(200);
    // Before `first` (v2) come d3 (v3, rolled back), d2 (v2, the same release) and d1 (v1).
    const second = await rollback(first.body.id).expect(201);
    expect(second.body).toMatchObject({
      releaseId: v1.id,
      environmentId: environment.id,
      rollbackOf: first.body.id,
    });
  });

  it('stops counting a rolled-back success for promotion to the next rank', async () => {
    const service = await createService(t);
    const rank = uncommonRank();
    const staging = await createEnvironment(t, rank);
    const production = await createEnvironment(t, rank + 1);
    // Staging takes anything; production wants a success in staging.
    await t
      .http(t.tokens.admin)
      .put(`/v1/environments/${staging.id}/promotion-policy`)
      .send({ enabled: false })
      .expect(200);
    const v1 = await createRelease(t, service.id);
    const v2 = await createRelease(t, service.id);
    await deploy(v1.id, staging.id);
    const bad = await deploy(v2.id, staging.id);
    await rollback(bad.id).expect(201);
    const refused = await requestDeployment(t, v2.id, production.id).expect(409);
    expect(refused.body.errors).toEqual([
      { path: 'gate.promotion', message: expect.stringContaining(staging.slug) },
    ]);
    await requestDeployment(t, v1.id, production.id).expect(201);
  });

  it('rolls back a failed deployment to the release that succeeded before it', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const v1 = await createRelease(t, service.id);
    const v2 = await createRelease(t, service.id);
    await deploy(v1.id, environment.id);
    const failed = await deploy(v2.id, environment.id, 'failed');
    const created = await rollback(failed.id).expect(201);
    expect(created.body).toMatchObject({ releaseId: v1.id, rollbackOf: failed.id });
  });

  it('refuses what cannot be rolled back with 409 saying why, and changes nothing', async () => {
    const { service, environment, d1, d2 } = await history();
    const superseded = await rollback(d2.id).expect(409);
    expect(superseded.body.code).toBe('deployment.not_rollbackable');
    expect(superseded.body.detail).toContain('roll that one back instead');

    const first = await createEnvironment(t, 0);
    const only = await deploy((await createRelease(t, service.id)).id, first.id);
    const nothing = await rollback(only.id).expect(409);
    expect(nothing.body.code).toBe('deployment.nothing_to_roll_back_to');

    const queued = await requestDeployment(t, (await createRelease(t, service.id)).id, environment.id).expect(
      201,
    );
    const notFinished = await rollback(queued.body.id).expect(409);
    expect(notFinished.body.code).toBe('deployment.not_rollbackable');
    expect(notFinished.body.detail).toContain('is queued');

    await rollback(d1.id, { reason: '   ' }).expect(400);
    await rollback('0190b2a4-0000-7000-8000-000000000000').expect(404);
    await rollback('not-a-uuid').expect(400);
    await rollback(d1.id, {}, t.tokens.operator).expect(400);
    await rollback(d1.id, { reason: 'x' }, t.tokens.viewer).expect(403);
    expect(await get(d2.id)).toMatchObject({ isRolledBack: false, version: d2.version + 2 });
  });

  it('lets exactly one of many concurrent rollbacks of a deployment through', async () => {
    const { d3 } = await history();
    const answers = await Promise.all(Array.from({ length: 10 }, () => rollback(d3.id)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    const [{ count }] = await t.app
      .get(DataSource)
      .query<{ count: string }[]>(`SELECT count(*) FROM deployments WHERE rollback_of = $1`, [d3.id]);
    expect(count).toBe('1');
  });

  it('answers a retried rollback with the same Idempotency-Key with the first answer', async () => {
    const { d3 } = await history();
    const key = unique('rollback');
    const first = await t
      .http(t.tokens.operator)
      .post(`/v1/deployments/${d3.id}/rollback`)
      .set('idempotency-key', key)
      .send({ reason: 'retry me' })
      .expect(201);
    const retried = await t
      .http(t.tokens.operator)
      .post(`/v1/deployments/${d3.id}/rollback`)
      .set('idempotency-key', key)
      .send({ reason: 'retry me' })
      .expect(201);
    expect(retried.body.id).toBe(first.body.id);
  });

  describe('pins', () => {
    it('pins what runs, refuses other releases at request and at start, and lets them through once unpinned', async () => {
      const { service, environment, v2, v3, d3 } = await history();
      const waiting = await requestDeployment(t, v2.id, environment.id).expect(201);
      const pinned = await pin(environment.slug, service.slug, {
        reason: 'INC-9: hold while we investigate',
      }).expect(200);
      expect(pinned.body).toMatchObject({
        environmentId: environment.id,
        serviceId: service.id,
        releaseId: v3.id,
        releaseVersion: v3.version,
        reason: 'INC-9: hold while we investigate',
      });

      const refused = await requestDeployment(t, v2.id, environment.id).expect(409);
      expect(refused.body.code).toBe('deployment.gates_failed');
      expect(refused.body.errors).toEqual([
        {
          path: 'gate.pin',
          message: expect.stringContaining(
            `${service.slug} is pinned in ${environment.slug} to release ${v3.version}`,
          ),
        },
      ]);
      expect(refused.body.errors[0].message).toContain(`unpin it to deploy ${v2.version}`);
      // Requested before the pin, stopped at start all the same.
      const start = await reportStatus(t, waiting.body.id, 'running').expect(409);
      expect(start.body.errors.map((error: { path: string }) => error.path)).toEqual(['gate.pin']);
      // The pinned release itself may be redeployed.
      await requestDeployment(t, v3.id, environment.id).expect(201);

      const listed = await t.http(t.tokens.viewer).get(`/v1/environments/${environment.id}/pins`).expect(200);
      expect(listed.body.items).toEqual([pinned.body]);

      const removed = await t
        .http(t.tokens.operator)
        .delete(`/v1/environments/${environment.id}/pins/${service.id}`)
        .expect(200);
      expect(removed.body).toEqual(pinned.body);
      await reportStatus(t, waiting.body.id, 'running').expect(200);
      expect(d3.id).toBeDefined();

      const notPinned = await t
        .http(t.tokens.operator)
        .delete(`/v1/environments/${environment.id}/pins/${service.id}`)
        .expect(404);
      expect(notPinned.body.code).toBe('deployment_pin.not_found');
    });

    it('pins to the release rolled back to when a rollback asks, in the same transaction', async () => {
      const { service, environment, v2, v3, d3 } = await history();
      const created = await rollback(d3.id, { reason: 'INC-11: bad migration', pin: true }).expect(201);
      const pins = await t.http(t.tokens.viewer).get(`/v1/environments/${environment.slug}/pins`).expect(200);
      expect(pins.body.items).toEqual([
        expect.objectContaining({ serviceId: service.id, releaseId: v2.id, reason: 'INC-11: bad migration' }),
      ]);
      // The rollback deploys the pinned release, so the pin lets it start; v3 stays out.
      await reportStatus(t, created.body.id, 'running').expect(200);
      await requestDeployment(t, v3.id, environment.id).expect(409);
    });

    it('refuses a blank reason, a release of another service, unknown names and the viewer', async () => {
      const { service, environment } = await history();
      const other = await createRelease(t, (await createService(t)).id);
      const blank = await pin(environment.id, service.id, { reason: ' ' }).expect(400);
      expect(blank.body.errors).toEqual([{ path: 'reason', message: 'must not be blank' }]);
      const foreign = await pin(environment.id, service.id, { reason: 'x', release: other.id }).expect(400);
      expect(foreign.body.errors).toEqual([
        { path: 'release', message: 'must be a release of the pinned service' },
      ]);
      await pin(environment.id, service.id, { reason: 'x', release: 'nope' }).expect(400);
      await pin(environment.id, service.id, { reason: 'x', until: 'later' }).expect(400);
      await pin('no-such-environment', service.id, { reason: 'x' }).expect(404);
      await pin(environment.id, 'no-such-service', { reason: 'x' }).expect(404);
      await pin(environment.id, service.id, { reason: 'x' }, t.tokens.viewer).expect(403);
      const listed = await t.http(t.tokens.viewer).get(`/v1/environments/${environment.id}/pins`).expect(200);
      expect(listed.body.items).toEqual([]);
    });
  });

  describe('over GraphQL', () => {
    it('rolls back, pins and unpins', async () => {
      const { service, environment, v2, d3 } = await history();
      const rolledBack = await t.graphql<{ rollbackDeployment: Record<string, unknown> }>(
        `mutation ($id: ID!) { rollbackDeployment(id: $id, input: { reason: "INC-12" }) {
          rollbackOf release { id } service { slug } } }`,
        { id: d3.id },
        t.tokens.operator,
      );
      expect(rolledBack.errors).toBeUndefined();
      expect(rolledBack.data?.rollbackDeployment).toEqual({
        rollbackOf: d3.id,
        release: { id: v2.id },
        service: { slug: service.slug },
      });
      const again = await t.graphql(
        `mutation ($id: ID!) { rollbackDeployment(id: $id, input: { reason: "INC-12" }) { id } }`,
        { id: d3.id },
        t.tokens.operator,
      );
      expect(again.errors?.[0]?.extensions).toMatchObject({
        code: 'deployment.already_rolled_back',
        status: 409,
      });

      const pinned = await t.graphql<{ pinService: Record<string, unknown> }>(
        `mutation ($e: String!, $s: String!) { pinService(environment: $e, service: $s, input: { reason: "hold" }) {
          serviceId releaseVersion reason } }`,
        { e: environment.slug, s: service.slug },
        t.tokens.operator,
      );
      expect(pinned.data?.pinService).toMatchObject({ serviceId: service.id, reason: 'hold' });
      const listed = await t.graphql<{ deploymentPins: { items: unknown[] } }>(
        `query ($e: String!) { deploymentPins(environment: $e) { items { serviceId } } }`,
        { e: environment.id },
        t.tokens.viewer,
      );
      expect(listed.errors).toBeUndefined();
      expect(listed.data?.deploymentPins.items).toEqual([{ serviceId: service.id }]);
      const unpinned = await t.graphql<{ unpinService: Record<string, unknown> }>(
        `mutation ($e: String!, $s: String!) { unpinService(environment: $e, service: $s) { reason } }`,
        { e: environment.slug, s: service.slug },
        t.tokens.operator,
      );
      expect(unpinned.data?.unpinService).toEqual({ reason: 'hold' });
    });
  });
});
