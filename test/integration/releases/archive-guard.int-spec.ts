import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import {
  createEnvironment,
  createRelease,
  createService,
  queuedDeployment,
  reportStatus,
  requestDeployment,
} from './fixtures';

/** Archiving a service or environment that still has deployments (the releases' archive guard). */
describe('archive guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const deployment = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/deployments/${id}`).expect(200)).body as {
      status: string;
      statusReason: string | null;
    };
  const auditOf = async (targetType: string, targetId: string) =>
    (await t.http(t.tokens.auditor).get('/v1/audit-events').query({ targetType, targetId }).expect(200)).body
      .items as { action: string; actorId: string }[];

  /** An environment with one deployment in each active status: running, queued, scheduled, pending approval. */
  async function busyEnvironment() {
    const environment = await createEnvironment(t, 0);
    const running = await queuedDeployment(t, (await createService(t)).id, environment.id);
    await reportStatus(t, running.id, 'running').expect(200);
    const queued = await queuedDeployment(t, (await createService(t)).id, environment.id);
    const scheduledRelease = await createRelease(t, (await createService(t)).id);
    const scheduled = await t
      .http(t.tokens.operator)
      .post('/v1/deployments')
      .send({
        release: scheduledRelease.id,
        environment: environment.id,
        schedule: { at: new Date(Date.now() + 86_400_000).toISOString() },
      })
      .expect(201);
    await t
      .http(t.tokens.admin)
      .put(`/v1/environments/${environment.id}/approval-rule`)
      .send({ requiredApprovals: 1, approverRole: 'admin' })
      .expect(200);
    const pending = await queuedDeployment(t, (await createService(t)).id, environment.id);
    const statuses = {
      [running.id]: 'running',
      [queued.id]: 'queued',
      [scheduled.body.id as string]: 'scheduled',
      [pending.id]: 'pending_approval',
    };
    for (const [id, status] of Object.entries(statuses)) expect((await deployment(id)).status).toBe(status);
    return {
      environment,
      running,
      notStarted: [queued.id, scheduled.body.id as string, pending.id],
      statuses,
    };
  }

  it('refuses to archive an environment with active deployments, listing each; cancelDeployments cancels the ones not started, never a running one', async () => {
    const { environment, running, notStarted, statuses } = await busyEnvironment();

    const refused = await t.http(t.tokens.admin).delete(`/v1/environments/${environment.id}`).expect(409);
    expect(refused.body.code).toBe('catalog.archive_blocked');
    expect(refused.body.errors).toHaveLength(4);
    for (const [id, status] of Object.entries(statuses)) {
      expect(refused.body.errors).toContainEqual({
        path: `deployments.${id}`,
        message: expect.stringContaining(status) as string,
      });
      expect(refused.body.detail).toContain(id);
    }

    // Asked to cancel, the running one still refuses it, and nothing was canceled.
    const stillRunning = await t
      .http(t.tokens.admin)
      .delete(`/v1/environments/${environment.id}`)
      .query({ cancelDeployments: true })
      .expect(409);
    expect(stillRunning.body.code).toBe('catalog.archive_blocked');
    expect(stillRunning.body.errors).toEqual([
      { path: `deployments.${running.id}`, message: 'running; its pipeline must report it finished first' },
    ]);
    for (const [id, status] of Object.entries(statuses)) expect((await deployment(id)).status).toBe(status);
    const current = await t.http(t.tokens.viewer).get(`/v1/environments/${environment.id}`).expect(200);
    expect(current.body).toMatchObject({ archivedAt: null, version: 1 });

    await reportStatus(t, running.id, 'succeeded').expect(200);
    const archived = await t
      .http(t.tokens.admin)
      .delete(`/v1/environments/${environment.id}`)
      .query({ cancelDeployments: 'true' })
      .set('if-match', current.headers.etag as string)
      .expect(200);
    expect(archived.body.archivedAt).not.toBeNull();
    expect((await deployment(running.id)).status).toBe('succeeded');
    for (const id of notStarted) {
      expect(await deployment(id)).toMatchObject({
        status: 'canceled',
        statusReason: `Environment ${environment.slug} was archived.`,
      });
      const audit = await auditOf('deployment', id);
      const adminKey = audit.find((event) => event.action === 'deployment.canceled');
      expect(adminKey).toBeDefined();
    }
    const outbox = await t.app
      .get(DataSource)
      .query<{ type: string }[]>(
        `SELECT type FROM outbox_events WHERE aggregate_id = ANY($1) AND type = 'deployment.canceled'`,
        [notStarted],
      );
    expect(outbox).toHaveLength(3);
    expect((await auditOf('environment', environment.id)).map((event) => event.action)).toContain(
      'environment.archived',
    );

    // And nothing can be deployed there any more.
    const release = await createRelease(t, (await createService(t)).id);
    const refusedDeployment = await requestDeployment(t, release.id, environment.id).expect(409);
    expect(refusedDeployment.body.code).toBe('environment.archived');
  });

  it('does the same for a service over GraphQL, with cancelDeployments as an argument', async () => {
    const service = await createService(t);
    const queued = await queuedDeployment(t, service.id, (await createEnvironment(t, 0)).id);
    const archive = (cancel: boolean | null) =>
      t.graphql<{ archiveService: { archivedAt: string | null } }>(
        `mutation($idOrSlug: String!, $cancel: Boolean) {
           archiveService(idOrSlug: $idOrSlug, cancelDeployments: $cancel) { archivedAt }
         }`,
        { idOrSlug: service.slug, cancel },
        t.tokens.operator,
      );

    for (const cancel of [null, false]) {
      const refused = await archive(cancel);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'catalog.archive_blocked',
        status: 409,
        errors: [{ path: `deployments.${queued.id}`, message: 'queued; cancelDeployments=true cancels it' }],
      });
    }
    expect((await deployment(queued.id)).status).toBe('queued');

    const archived = await archive(true);
    expect(archived.errors).toBeUndefined();
    expect(archived.data?.archiveService.archivedAt).not.toBeNull();
    expect(await deployment(queued.id)).toMatchObject({
      status: 'canceled',
      statusReason: `Service ${service.slug} was archived.`,
    });
    const canceled = (await auditOf('deployment', queued.id)).find(
      (event) => event.action === 'deployment.canceled',
    );
    expect(canceled).toBeDefined();
  });

  it('archives one without active deployments as before, finished ones do not count', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const done = await queuedDeployment(t, service.id, environment.id);
    await reportStatus(t, done.id, 'running').expect(200);
    await reportStatus(t, done.id, 'failed', 'smoke tests failed').expect(200);
    await t.http(t.tokens.operator).delete(`/v1/services/${service.id}`).expect(200);
    await t.http(t.tokens.admin).delete(`/v1/environments/${environment.id}`).expect(200);
  });

  it('never leaves an active deployment in an archived environment when a request races the archive', async () => {
    const service = await createService(t);
    for (let round = 0; round < 6; round++) {
      const environment = await createEnvironment(t, 0);
      const releases = await Promise.all([createRelease(t, service.id), createRelease(t, service.id)]);
      const [archive, ...requests] = await Promise.all([
        t
          .http(t.tokens.admin)
          .delete(`/v1/environments/${environment.id}`)
          .query({ cancelDeployments: round % 2 === 0 }),
        ...releases.map((release) => requestDeployment(t, release.id, environment.id)),
      ]);
      expect([200, 409]).toContain(archive.status);
      for (const response of requests) expect([201, 409]).toContain(response.status);
      const active = await t.app.get(DataSource).query<{ id: string }[]>(
        `SELECT d.id FROM deployments d JOIN environments e ON e.id = d.environment_id
           WHERE e.id = $1 AND e.archived_at IS NOT NULL
             AND d.status IN ('pending_approval', 'scheduled', 'queued', 'running')`,
        [environment.id],
      );
      expect(active).toEqual([]);
    }
  });
});
