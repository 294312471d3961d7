import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import {
  createEnvironment,
  createFreeze,
  createRelease,
  createService,
  queuedDeployment,
  reportStatus,
  reportStatusAs,
  requestDeployment,
  requestDeploymentAs,
} from './fixtures';

/**
 * Freeze periods and the freeze gate. A freeze without an environment binds every environment
 * of every test file running alongside, so each one here is scoped to this test's environment,
 * or to this test's service (for the "all environments" rule), which no other test deploys.
 */
describe('freeze periods', () => {
  // A Wednesday.
  const clock = new FixedClock(new Date('2026-01-14T10:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.close());

  const at = (instant: string) => clock.set(new Date(instant));
  const db = () => t.app.get(DataSource);
  const auditOf = (targetType: string, id: string) =>
    db().query(
      `SELECT action, actor_id AS "actorId", reason, before, after FROM audit_events
        WHERE target_type = $1 AND target_id = $2 ORDER BY seq`,
      [targetType, id],
    );
  const weekendFreeze = { schedule: '0 0 * * 6', durationMinutes: 2 * 24 * 60, timeZone: 'Europe/Berlin' };

  it('creates, reads, lists, changes and deletes a freeze, auditing each change', async () => {
    at('2026-01-14T10:00:00.000Z');
    const environment = await createEnvironment(t, 0);
    const created = await t
      .http(t.tokens.admin)
      .post('/v1/freeze-periods')
      .send({
        environment: environment.slug,
        reason: 'Year-end freeze',
        startsAt: '2026-12-20T00:00:00Z',
        endsAt: '2027-01-04T00:00:00Z',
      })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      environmentId: environment.id,
      serviceId: null,
      reason: 'Year-end freeze',
      startsAt: '2026-12-20T00:00:00.000Z',
      endsAt: '2027-01-04T00:00:00.000Z',
      schedule: null,
      durationMinutes: null,
      timeZone: null,
      createdBy: expect.any(String),
      version: 1,
      createdAt: '2026-01-14T10:00:00.000Z',
      updatedAt: '2026-01-14T10:00:00.000Z',
    });
    const id = created.body.id as string;
    expect((await t.http(t.tokens.viewer).get(`/v1/freeze-periods/${id}`).expect(200)).body).toEqual(
      created.body,
    );

    // Switching shape: the new fields, and null for the old ones.
    const recurring = await t
      .http(t.tokens.admin)
      .patch(`/v1/freeze-periods/${id}`)
      .set('if-match', '"1"')
      .send({ ...weekendFreeze, startsAt: null, endsAt: null, reason: 'No weekend deploys' })
      .expect(200);
    expect(recurring.body).toMatchObject({
      ...weekendFreeze,
      startsAt: null,
      endsAt: null,
      reason: 'No weekend deploys',
      version: 2,
    });
    await t
      .http(t.tokens.admin)
      .patch(`/v1/freeze-periods/${id}`)
      .set('if-match', '"1"')
      .send({})
      .expect(412);
    await t.http(t.tokens.operator).delete(`/v1/freeze-periods/${id}`).expect(403);
    const deleted = await t.http(t.tokens.admin).delete(`/v1/freeze-periods/${id}`).expect(200);
    expect(deleted.body).toEqual(recurring.body);
    const gone = await t.http(t.tokens.viewer).get(`/v1/freeze-periods/${id}`).expect(404);
    expect(gone.body.code).toBe('freeze_period.not_found');

    const audit = await auditOf('freeze_period', id);
    expect(audit.map((event: { action: string }) => event.action)).toEqual([
      'freeze_period.created',
      'freeze_period.updated',
      'freeze_period.deleted',
    ]);
    expect(audit[0]).toMatchObject({ actorId: created.body.createdBy, reason: 'Year-end freeze' });
    expect(audit[2].before).toMatchObject({ id, schedule: '0 0 * * 6' });
  });

  it('lists the freezes that apply to an environment, and those in force at an instant', async () => {
    const environment = await createEnvironment(t, 0);
    const service = await createService(t);
    const other = await createEnvironment(t, 0);
    const weekends = await createFreeze(t, {
      environment: environment.id,
      reason: 'weekends',
      ...weekendFreeze,
    });
    const january = await createFreeze(t, {
      environment: environment.id,
      reason: 'January',
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2026-02-01T00:00:00Z',
    });
    const forService = await createFreeze(t, {
      environment: environment.id,
      service: service.id,
      reason: 'service migration',
      startsAt: '2026-01-17T00:00:00Z',
      endsAt: '2026-01-18T00:00:00Z',
    });
    await createFreeze(t, {
      environment: other.id,
      reason: 'elsewhere',
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2026-02-01T00:00:00Z',
    });
    const list = async (query: Record<string, string>) =>
      (await t.http(t.tokens.viewer).get('/v1/freeze-periods').query(query).expect(200)).body.items.map(
        (freeze: { id: string }) => freeze.id,
      );
    // Newest first; freezes for every environment would be listed too (none exist here).
    expect(await list({ environmentId: environment.id })).toEqual([forService.id, january.id, weekends.id]);
    // A Wednesday: January only. A Saturday: all three.
    expect(await list({ environmentId: environment.id, activeAt: '2026-01-14T10:00:00Z' })).toEqual([
      january.id,
    ]);
    expect(await list({ environmentId: environment.id, activeAt: '2026-01-17T10:00:00Z' })).toEqual([
      forService.id,
      january.id,
      weekends.id,
    ]);
    // A service sees its own freezes and those for every service.
    expect(
      await list({ environmentId: environment.id, serviceId: service.id, activeAt: '2026-02-07T10:00:00Z' }),
    ).toEqual([weekends.id]);
    const invalid = await t
      .http(t.tokens.viewer)
      .get('/v1/freeze-periods')
      .query({ activeAt: 'now', environmentId: 'prod' })
      .expect(400);
    expect(invalid.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'activeAt',
      'environmentId',
    ]);
  });

  it('refuses a freeze that is not exactly one valid shape, with 400 naming the fields', async () => {
    const environment = await createEnvironment(t, 0);
    const create = async (body: Record<string, unknown>) =>
      (
        await t
          .http(t.tokens.admin)
          .post('/v1/freeze-periods')
          .send({ environment: environment.id, reason: 'shape test', ...body })
          .expect(400)
      ).body;

    const neither = await create({});
    expect(neither.code).toBe('request.validation_failed');
    expect(neither.errors).toEqual([{ path: 'startsAt', message: expect.stringContaining('is required') }]);
    expect(
      (await create({ startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-02-02T00:00:00Z', ...weekendFreeze }))
        .errors,
    ).toEqual([
      { path: 'schedule', message: expect.stringContaining('either one-off or recurring') },
      { path: 'durationMinutes', message: expect.stringContaining('either one-off or recurring') },
      { path: 'timeZone', message: expect.stringContaining('either one-off or recurring') },
    ]);
    expect(
      (await create({ startsAt: '2026-02-02T00:00:00Z', endsAt: '2026-02-02T00:00:00Z' })).errors,
    ).toEqual([{ path: 'endsAt', message: 'must be after startsAt' }]);
    expect((await create({ startsAt: '2026-02-02T00:00:00Z' })).errors).toEqual([
      { path: 'endsAt', message: 'is required with startsAt' },
    ]);
    expect((await create({ schedule: '0 0 * * 6', timeZone: 'GMT+1' })).errors).toEqual([
      { path: 'durationMinutes', message: expect.stringContaining('whole number') },
      { path: 'timeZone', message: expect.stringContaining('fixed UTC offset') },
    ]);
    expect((await create({ ...weekendFreeze, schedule: '0 0 * *' })).errors).toEqual([
      { path: 'schedule', message: expect.stringContaining('five fields') },
    ]);
    const noReason = await t
      .http(t.tokens.admin)
      .post('/v1/freeze-periods')
      .send({ environment: environment.id, ...weekendFreeze })
      .expect(400);
    expect(new Set(noReason.body.errors.map((error: { path: string }) => error.path))).toEqual(
      new Set(['reason']),
    );

    // A PATCH is judged by the shape it leaves: adding a schedule to a one-off freeze is refused.
    const freeze = await createFreeze(t, {
      environment: environment.id,
      reason: 'one-off',
      startsAt: '2026-02-01T00:00:00Z',
      endsAt: '2026-02-02T00:00:00Z',
    });
    const patched = await t
      .http(t.tokens.admin)
      .patch(`/v1/freeze-periods/${freeze.id}`)
      .send({ schedule: '0 0 * * 6' })
      .expect(400);
    expect(patched.body.errors).toEqual([{ path: 'schedule', message: expect.any(String) }]);
    await t
      .http(t.tokens.admin)
      .patch(`/v1/freeze-periods/${freeze.id}`)
      .send({ endsAt: '2026-01-01T00:00:00Z' })
      .expect(400);
    expect(
      (await t.http(t.tokens.viewer).get(`/v1/freeze-periods/${freeze.id}`).expect(200)).body.version,
    ).toBe(1);
  });

  describe('the gate', () => {
    it('blocks requests and starts during a one-off freeze, naming it and when deployments may resume', async () => {
      at('2026-01-14T09:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const queued = await queuedDeployment(t, service.id, environment.id);
      const freeze = await createFreeze(t, {
        environment: environment.id,
        reason: 'Database migration',
        startsAt: '2026-01-14T10:00:00Z',
        endsAt: '2026-01-14T12:00:00Z',
      });

      at('2026-01-14T11:00:00.000Z');
      const release = await createRelease(t, service.id);
      const refused = await requestDeployment(t, release.id, environment.id).expect(409);
      expect(refused.body.code).toBe('deployment.gates_failed');
      expect(refused.body.errors).toEqual([
        {
          path: 'gate.freeze',
          message:
            `Frozen at 2026-01-14T11:00:00.000Z by freeze ${freeze.id} ("Database migration") until ` +
            '2026-01-14T12:00:00.000Z; deployments may start again at 2026-01-14T12:00:00.000Z. ' +
            'An admin may override with freezeOverrideReason.',
        },
      ]);
      const notStarted = await reportStatus(t, queued.id, 'running').expect(409);
      expect(notStarted.body.errors).toEqual([
        { path: 'gate.freeze', message: expect.stringContaining(freeze.id) },
      ]);
      const unchanged = await t.http(t.tokens.viewer).get(`/v1/deployments/${queued.id}`).expect(200);
      expect(unchanged.body).toMatchObject({ status: 'queued', version: 1 });

      at('2026-01-14T12:00:00.000Z');
      await reportStatus(t, queued.id, 'running').expect(200);
      await requestDeployment(t, release.id, environment.id).expect(201);
    });

    it('blocks during each period of a recurring freeze, in its time zone', async () => {
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const freeze = await createFreeze(t, {
        environment: environment.id,
        reason: 'weekend',
        ...weekendFreeze,
      });
      const release = await createRelease(t, service.id);
      at('2026-01-16T23:30:00.000Z'); // Saturday 00:30 in Berlin
      const refused = await requestDeployment(t, release.id, environment.id).expect(409);
      expect(refused.body.errors[0].message).toContain(
        `freeze ${freeze.id} ("weekend") until 2026-01-18T23:00:00.000Z`,
      );
      at('2026-01-18T23:00:00.000Z'); // Monday 00:00 in Berlin
      await requestDeployment(t, release.id, environment.id).expect(201);

      // The next endpoint moves past the freeze too.
      at('2026-01-24T12:00:00.000Z');
      const next = await t
        .http(t.tokens.viewer)
        .get(`/v1/environments/${environment.id}/deploy-windows/next`)
        .expect(200);
      expect(next.body).toEqual({
        start: '2026-01-25T23:00:00.000Z',
        end: '2026-01-30T23:00:00.000Z',
        reason: expect.stringContaining(`frozen by freeze ${freeze.id} ("weekend")`),
      });
    });

    it('applies a freeze for every service to each, and a service freeze to that service only', async () => {
      at('2026-01-14T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const frozen = await createService(t);
      const free = await createService(t);
      await createFreeze(t, {
        environment: environment.id,
        service: frozen.id,
        reason: 'frozen service',
        startsAt: '2026-01-14T00:00:00Z',
        endsAt: '2026-01-15T00:00:00Z',
      });
      await queuedDeployment(t, free.id, environment.id);
      const release = await createRelease(t, frozen.id);
      await requestDeployment(t, release.id, environment.id).expect(409);

      await createFreeze(t, {
        environment: environment.id,
        reason: 'everything',
        startsAt: '2026-01-14T00:00:00Z',
        endsAt: '2026-01-15T00:00:00Z',
      });
      const other = await createRelease(t, free.id);
      await requestDeployment(t, other.id, environment.id).expect(409);
    });

    it('applies a freeze without an environment to every environment', async () => {
      // For this test's own service only, so it binds no later test in this file.
      at('2026-05-04T12:00:00.000Z');
      const service = await createService(t);
      const first = await createEnvironment(t, 0);
      const second = await createEnvironment(t, 0);
      const freeze = await createFreeze(t, {
        service: service.id,
        reason: 'global',
        startsAt: '2026-05-04T00:00:00Z',
        endsAt: '2026-05-05T00:00:00Z',
      });
      try {
        expect(freeze).toMatchObject({ environmentId: null });
        const release = await createRelease(t, service.id);
        for (const environment of [first, second]) {
          const refused = await requestDeployment(t, release.id, environment.id).expect(409);
          expect(refused.body.errors[0].message).toContain(freeze.id);
        }
        const listed = await t
          .http(t.tokens.viewer)
          .get('/v1/freeze-periods')
          .query({ environmentId: first.id, serviceId: service.id })
          .expect(200);
        expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([freeze.id]);
        at('2026-05-05T00:00:00.000Z');
        await requestDeployment(t, release.id, second.id).expect(201);
      } finally {
        await t.http(t.tokens.admin).delete(`/v1/freeze-periods/${freeze.id}`).expect(200);
      }
    });
  });

  describe('override', () => {
    const freezeNow = async (environment: string, reason = 'Quarter close') =>
      createFreeze(t, {
        environment,
        reason,
        startsAt: '2026-03-01T00:00:00Z',
        endsAt: '2026-03-08T00:00:00Z',
      });

    it('lets an admin request through a freeze with a reason, recorded on the deployment and in the audit log', async () => {
      at('2026-03-02T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      await freezeNow(environment.id);
      const release = await createRelease(t, service.id);
      const requested = await requestDeploymentAs(t, t.tokens.admin, {
        release: release.id,
        environment: environment.id,
        freezeOverrideReason: '  Hotfix for INC-7  ',
      }).expect(201);
      const adminId = requested.body.requestedBy as string;
      expect(requested.body).toMatchObject({
        status: 'queued',
        freezeOverrideReason: 'Hotfix for INC-7',
        freezeOverriddenBy: adminId,
      });
      const [event] = await auditOf('deployment', requested.body.id);
      expect(event).toMatchObject({
        action: 'deployment.requested',
        actorId: adminId,
        after: { freezeOverrideReason: 'Hotfix for INC-7', freezeOverriddenBy: adminId },
      });

      // The pipeline (an operator key) may start it while the freeze that was overridden lasts.
      clock.advance(60_000);
      const started = await reportStatus(t, requested.body.id, 'running').expect(200);
      expect(started.body).toMatchObject({ status: 'running', freezeOverrideReason: 'Hotfix for INC-7' });
    });

    it('needs a new override to start during a freeze that began after the request', async () => {
      at('2026-02-27T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const early = await createFreeze(t, {
        environment: environment.id,
        reason: 'early',
        startsAt: '2026-02-27T00:00:00Z',
        endsAt: '2026-02-28T00:00:00Z',
      });
      const release = await createRelease(t, service.id);
      const requested = await requestDeploymentAs(t, t.tokens.admin, {
        release: release.id,
        environment: environment.id,
        freezeOverrideReason: 'early hotfix',
      }).expect(201);
      expect(requested.body.freezeOverrideReason).toBe('early hotfix');
      const later = await freezeNow(environment.id, 'Quarter close');

      at('2026-03-02T10:00:00.000Z');
      const refused = await reportStatus(t, requested.body.id, 'running').expect(409);
      expect(refused.body.errors).toEqual([
        { path: 'gate.freeze', message: expect.stringContaining(later.id) },
      ]);
      expect(refused.body.errors[0].message).not.toContain(early.id);

      const started = await reportStatusAs(t, t.tokens.admin, requested.body.id, {
        status: 'running',
        freezeOverrideReason: 'still needed: INC-7 is open',
      }).expect(200);
      expect(started.body).toMatchObject({
        status: 'running',
        freezeOverrideReason: 'still needed: INC-7 is open',
        freezeOverriddenBy: requested.body.requestedBy,
      });
      const audit = await auditOf('deployment', requested.body.id);
      expect(audit.map((event: { action: string }) => event.action)).toEqual([
        'deployment.requested',
        'deployment.started',
      ]);
      expect(audit[1]).toMatchObject({
        before: { freezeOverrideReason: 'early hotfix' },
        after: { status: 'running', freezeOverrideReason: 'still needed: INC-7 is open' },
      });
    });

    it('refuses an override from an operator with 403, whether or not a freeze is in force', async () => {
      at('2026-03-02T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const queued = await queuedDeployment(t, service.id, environment.id);
      await freezeNow(environment.id);
      const release = await createRelease(t, service.id);
      const request = await requestDeploymentAs(t, t.tokens.operator, {
        release: release.id,
        environment: environment.id,
        freezeOverrideReason: 'please',
      }).expect(403);
      expect(request.body).toMatchObject({
        code: 'deployment.override_forbidden',
        errors: [{ path: 'freezeOverrideReason', message: 'admins only' }],
      });
      const start = await reportStatusAs(t, t.tokens.operator, queued.id, {
        status: 'running',
        freezeOverrideReason: 'please',
      }).expect(403);
      expect(start.body.code).toBe('deployment.override_forbidden');

      const unfrozen = await createEnvironment(t, 0);
      await requestDeploymentAs(t, t.tokens.operator, {
        release: release.id,
        environment: unfrozen.id,
        freezeOverrideReason: 'just in case',
      }).expect(403);
      expect(
        (await t.http(t.tokens.viewer).get(`/v1/deployments/${queued.id}`).expect(200)).body.status,
      ).toBe('queued');
    });

    it('refuses a blank override reason and one sent with any status but running', async () => {
      at('2026-03-02T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const queued = await queuedDeployment(t, service.id, environment.id);
      await freezeNow(environment.id);
      const release = await createRelease(t, service.id);
      const blank = await requestDeploymentAs(t, t.tokens.admin, {
        release: release.id,
        environment: environment.id,
        freezeOverrideReason: '   ',
      }).expect(400);
      expect(blank.body).toMatchObject({
        code: 'deployment.reason_required',
        errors: [{ path: 'freezeOverrideReason' }],
      });
      const canceled = await reportStatusAs(t, t.tokens.admin, queued.id, {
        status: 'canceled',
        freezeOverrideReason: 'why not',
      }).expect(400);
      expect(canceled.body.errors).toEqual([
        { path: 'freezeOverrideReason', message: 'only allowed with status running' },
      ]);
    });

    it('records nothing when an admin sends an override but no freeze is in force', async () => {
      at('2026-03-02T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      const requested = await requestDeploymentAs(t, t.tokens.admin, {
        release: release.id,
        environment: environment.id,
        freezeOverrideReason: 'habit',
      }).expect(201);
      expect(requested.body).toMatchObject({ freezeOverrideReason: null, freezeOverriddenBy: null });
    });
  });

  describe('over GraphQL', () => {
    it('creates and lists freezes and overrides one with requestDeployment', async () => {
      at('2026-04-01T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const created = await t.graphql<{ createFreezePeriod: { id: string; environmentId: string } }>(
        `mutation($input: CreateFreezePeriodInput!) { createFreezePeriod(input: $input) { id environmentId } }`,
        {
          input: {
            environment: environment.slug,
            reason: 'Easter',
            startsAt: '2026-04-01T00:00:00Z',
            endsAt: '2026-04-07T00:00:00Z',
          },
        },
        t.tokens.admin,
      );
      expect(created.errors).toBeUndefined();
      const id = created.data!.createFreezePeriod.id;
      expect(created.data!.createFreezePeriod.environmentId).toBe(environment.id);

      const listed = await t.graphql(
        `query($environmentId: ID, $activeAt: DateTime) {
           freezePeriods(environmentId: $environmentId, activeAt: $activeAt) { items { id reason } nextCursor }
         }`,
        { environmentId: environment.id, activeAt: '2026-04-02T00:00:00Z' },
        t.tokens.viewer,
      );
      expect(listed.data).toEqual({ freezePeriods: { items: [{ id, reason: 'Easter' }], nextCursor: null } });

      const invalid = await t.graphql(
        `mutation { createFreezePeriod(input: { reason: "no shape" }) { id } }`,
        {},
        t.tokens.admin,
      );
      expect(invalid.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        errors: [{ path: 'startsAt' }],
      });

      const release = await createRelease(t, service.id);
      const mutation = `mutation($input: RequestDeploymentInput!) {
        requestDeployment(input: $input) { status freezeOverrideReason }
      }`;
      const refused = await t.graphql(
        mutation,
        { input: { release: release.id, environment: environment.id } },
        t.tokens.operator,
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'deployment.gates_failed',
        errors: [{ path: 'gate.freeze', message: expect.stringContaining('Easter') }],
      });
      const overridden = await t.graphql(
        mutation,
        { input: { release: release.id, environment: environment.id, freezeOverrideReason: 'Security fix' } },
        t.tokens.admin,
      );
      expect(overridden.data).toEqual({
        requestDeployment: { status: 'queued', freezeOverrideReason: 'Security fix' },
      });
    });
  });
});
