import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import {
  createEnvironment,
  createRelease,
  createService,
  createWindow,
  queuedDeployment,
  reportStatus,
  requestDeployment,
  requestDeploymentAs,
} from './fixtures';

/**
 * Deploy windows and the deploy-window gate. Windows bind only their own environment, and every
 * test makes its own, so the fixed clock below can sit wherever a case needs it.
 */
describe('deploy windows', () => {
  // A Wednesday; Berlin is UTC+1 until 2026-03-29.
  const clock = new FixedClock(new Date('2026-01-14T10:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.close());

  const at = (instant: string) => clock.set(new Date(instant));
  const berlinBusinessHours = {
    kind: 'allow',
    schedule: '0 9 * * 1-5',
    durationMinutes: 480,
    timeZone: 'Europe/Berlin',
    description: 'Business hours',
  };
  const always = { schedule: '0 0 * * *', durationMinutes: 1440, timeZone: 'UTC' };
  const next = (environment: string, query: Record<string, string> = {}) =>
    t
      .http(t.tokens.viewer)
      .get(`/v1/environments/${environment}/deploy-windows/next`)
      .query(query)
      .expect(200);

  it('creates, reads, lists, changes and deletes a window, auditing each change', async () => {
    at('2026-01-14T10:00:00.000Z');
    const environment = await createEnvironment(t, 0);
    const service = await createService(t);
    const created = await t
      .http(t.tokens.admin)
      .post(`/v1/environments/${environment.slug}/deploy-windows`)
      .send({ ...berlinBusinessHours, service: service.slug })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      environmentId: environment.id,
      serviceId: service.id,
      ...berlinBusinessHours,
      version: 1,
      createdAt: '2026-01-14T10:00:00.000Z',
      updatedAt: '2026-01-14T10:00:00.000Z',
    });
    expect(created.headers.etag).toBe('"1"');
    const id = created.body.id as string;
    const other = await createWindow(t, environment.id, { kind: 'deny', ...always });

    const got = await t.http(t.tokens.viewer).get(`/v1/deploy-windows/${id}`).expect(200);
    expect(got.body).toEqual(created.body);
    const firstPage = await t
      .http(t.tokens.viewer)
      .get(`/v1/environments/${environment.id}/deploy-windows`)
      .query({ limit: 1 })
      .expect(200);
    expect(firstPage.body.items.map((w: { id: string }) => w.id)).toEqual([id]);
    const secondPage = await t
      .http(t.tokens.viewer)
      .get(`/v1/environments/${environment.id}/deploy-windows`)
      .query({ limit: 1, cursor: firstPage.body.nextCursor })
      .expect(200);
    expect(secondPage.body).toEqual({ items: [expect.objectContaining({ id: other.id })], nextCursor: null });

    clock.advance(60_000);
    const changed = await t
      .http(t.tokens.admin)
      .patch(`/v1/deploy-windows/${id}`)
      .set('if-match', '"1"')
      .send({ durationMinutes: 240, service: null, description: null })
      .expect(200);
    expect(changed.body).toMatchObject({
      durationMinutes: 240,
      serviceId: null,
      description: null,
      schedule: '0 9 * * 1-5',
      version: 2,
      updatedAt: '2026-01-14T10:01:00.000Z',
    });
    const stale = await t
      .http(t.tokens.admin)
      .patch(`/v1/deploy-windows/${id}`)
      .set('if-match', '"1"')
      .send({ durationMinutes: 60 })
      .expect(412);
    expect(stale.body.code).toBe('concurrency.version_mismatch');

    const forbidden = await t.http(t.tokens.operator).delete(`/v1/deploy-windows/${id}`).expect(403);
    expect(forbidden.body.code).toBe('auth.forbidden');
    const deleted = await t.http(t.tokens.admin).delete(`/v1/deploy-windows/${id}`).expect(200);
    expect(deleted.body).toEqual(changed.body);
    const gone = await t.http(t.tokens.viewer).get(`/v1/deploy-windows/${id}`).expect(404);
    expect(gone.body.code).toBe('deploy_window.not_found');
    await t.http(t.tokens.admin).delete(`/v1/deploy-windows/${id}`).expect(404);

    const audit = await t.app
      .get(DataSource)
      .query(
        `SELECT action, before, after FROM audit_events WHERE target_type = 'deploy_window' AND target_id = $1 ORDER BY seq`,
        [id],
      );
    expect(audit.map((event: { action: string }) => event.action)).toEqual([
      'deploy_window.created',
      'deploy_window.updated',
      'deploy_window.deleted',
    ]);
    expect(audit[2]).toMatchObject({ before: { id, durationMinutes: 240 }, after: null });
  });

  it('refuses a bad schedule, time zone or duration with 400 naming each field, and changes nothing', async () => {
    const environment = await createEnvironment(t, 0);
    const create = (body: Record<string, unknown>) =>
      t
        .http(t.tokens.admin)
        .post(`/v1/environments/${environment.id}/deploy-windows`)
        .send({ kind: 'allow', ...always, ...body })
        .expect(400);

    const all = await create({ schedule: '61 * * * *', durationMinutes: 0, timeZone: '+02:00' });
    expect(all.body.code).toBe('request.validation_failed');
    expect(all.body.errors).toEqual([
      { path: 'schedule', message: expect.stringContaining('not a valid cron expression') },
      { path: 'durationMinutes', message: expect.stringContaining('1 to 10080') },
      { path: 'timeZone', message: expect.stringContaining('fixed UTC offset') },
    ]);
    expect((await create({ schedule: '@daily' })).body.errors).toEqual([
      { path: 'schedule', message: expect.stringContaining('macros') },
    ]);
    expect((await create({ schedule: '0 0 9 * * *' })).body.errors[0].path).toBe('schedule');
    expect((await create({ timeZone: 'Mars/Olympus_Mons' })).body.errors).toEqual([
      { path: 'timeZone', message: expect.stringContaining('not a known IANA time zone') },
    ]);
    expect((await create({ durationMinutes: 7 * 24 * 60 + 1 })).body.errors[0].path).toBe('durationMinutes');
    expect((await create({ kind: 'maybe' })).body.errors[0].path).toBe('kind');

    // A PATCH is judged with the fields it keeps.
    const window = await createWindow(t, environment.id, { kind: 'allow', ...always });
    const patched = await t
      .http(t.tokens.admin)
      .patch(`/v1/deploy-windows/${window.id}`)
      .send({ timeZone: 'Europe/Atlantis' })
      .expect(400);
    expect(patched.body.errors).toEqual([{ path: 'timeZone', message: expect.any(String) }]);
    const listed = await t
      .http(t.tokens.viewer)
      .get(`/v1/environments/${environment.id}/deploy-windows`)
      .expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: window.id, timeZone: 'UTC', version: 1 }),
    ]);
  });

  it('answers an unknown environment, service or window with 404 and an archived environment with 409', async () => {
    const environment = await createEnvironment(t, 0);
    const unknownEnvironment = await t
      .http(t.tokens.admin)
      .post('/v1/environments/no-such-environment/deploy-windows')
      .send({ kind: 'allow', ...always })
      .expect(404);
    expect(unknownEnvironment.body.code).toBe('environment.not_found');
    const unknownService = await t
      .http(t.tokens.admin)
      .post(`/v1/environments/${environment.id}/deploy-windows`)
      .send({ kind: 'allow', ...always, service: 'no-such-service' })
      .expect(404);
    expect(unknownService.body.code).toBe('service.not_found');
    await t
      .http(t.tokens.admin)
      .patch('/v1/deploy-windows/0190a3c4-0000-7000-8000-000000000000')
      .send({ durationMinutes: 5 })
      .expect(404);
    await t.http(t.tokens.admin).delete(`/v1/environments/${environment.id}`).expect(200);
    const archived = await t
      .http(t.tokens.admin)
      .post(`/v1/environments/${environment.id}/deploy-windows`)
      .send({ kind: 'allow', ...always })
      .expect(409);
    expect(archived.body.code).toBe('environment.archived');
  });

  describe('the gate', () => {
    it('with an allow window, lets deployments be requested and start only inside it', async () => {
      at('2026-01-14T10:00:00.000Z'); // 11:00 in Berlin
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      const window = await createWindow(t, environment.id, berlinBusinessHours);
      const inside = await queuedDeployment(t, service.id, environment.id);

      at('2026-01-14T17:00:00.000Z'); // 18:00 in Berlin, after the window closed
      const release = await createRelease(t, service.id);
      const refused = await requestDeployment(t, release.id, environment.id).expect(409);
      expect(refused.body.code).toBe('deployment.gates_failed');
      expect(refused.body.errors).toEqual([
        {
          path: 'gate.deploy-window',
          message:
            `Outside every allow window (${window.id} ("Business hours")) at 2026-01-14T17:00:00.000Z; ` +
            'the windows next allow a start at 2026-01-15T08:00:00.000Z. Deploy windows cannot be overridden.',
        },
      ]);
      const notStarted = await reportStatus(t, inside.id, 'running').expect(409);
      expect(notStarted.body.errors).toEqual([
        { path: 'gate.deploy-window', message: expect.stringContaining(window.id) },
      ]);

      at('2026-01-15T08:00:00.000Z'); // 09:00 in Berlin: the window opens
      await reportStatus(t, inside.id, 'running').expect(200);
      await requestDeployment(t, release.id, environment.id).expect(201);
    });

    it('lets a deny window beat an open allow window', async () => {
      at('2026-01-14T12:30:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      await createWindow(t, environment.id, { kind: 'allow', ...always });
      const lunch = await createWindow(t, environment.id, {
        kind: 'deny',
        schedule: '0 12 * * *',
        durationMinutes: 60,
        timeZone: 'UTC',
      });
      const release = await createRelease(t, service.id);
      const refused = await requestDeployment(t, release.id, environment.id).expect(409);
      expect(refused.body.errors).toEqual([
        {
          path: 'gate.deploy-window',
          message: expect.stringMatching(
            new RegExp(`^Inside deny window ${lunch.id} at .*next allow a start at 2026-01-14T13:00:00.000Z`),
          ),
        },
      ]);
      at('2026-01-14T13:00:00.000Z');
      const { id } = (await requestDeployment(t, release.id, environment.id).expect(201)).body;
      at('2026-01-15T12:59:00.000Z');
      expect((await reportStatus(t, id, 'running').expect(409)).body.errors[0].message).toContain(lunch.id);
    });

    it('applies a window narrowed to a service to that service only', async () => {
      at('2026-01-14T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const blocked = await createService(t);
      const free = await createService(t);
      await createWindow(t, environment.id, { kind: 'deny', ...always, service: blocked.id });

      await queuedDeployment(t, free.id, environment.id);
      const release = await createRelease(t, blocked.id);
      const refused = await requestDeployment(t, release.id, environment.id).expect(409);
      expect(refused.body.errors[0].path).toBe('gate.deploy-window');

      // The windows of one environment bind no other.
      const elsewhere = await createEnvironment(t, 0);
      await requestDeployment(t, release.id, elsewhere.id).expect(201);

      // A deny window that never closes leaves no allowed start for that service, and the environment open.
      const forBlocked = await next(environment.id, { serviceId: blocked.id });
      expect(forBlocked.body).toEqual({
        start: null,
        end: null,
        reason: expect.stringMatching(
          /^No allowed start within 31 days of 2026-01-14T10:00:00.000Z; .*inside deny window/,
        ),
      });
      expect((await next(environment.id)).body).toEqual({
        start: '2026-01-14T10:00:00.000Z',
        end: null,
        reason: 'Allowed at 2026-01-14T10:00:00.000Z: no deployment window applies.',
      });
    });

    it('does not let an admin override a window', async () => {
      at('2026-01-14T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const service = await createService(t);
      await createWindow(t, environment.id, { kind: 'deny', ...always });
      const release = await createRelease(t, service.id);
      const refused = await requestDeploymentAs(t, t.tokens.admin, {
        release: release.id,
        environment: environment.id,
        freezeOverrideReason: 'urgent',
      }).expect(409);
      expect(refused.body.errors.map((error: { path: string }) => error.path)).toEqual([
        'gate.deploy-window',
      ]);
    });
  });

  describe('next allowed start', () => {
    it('answers from now (the clock) when no `from` is given, from inside an allow window', async () => {
      at('2026-01-14T10:00:00.000Z');
      const environment = await createEnvironment(t, 0);
      const window = await createWindow(t, environment.id, berlinBusinessHours);
      expect((await next(environment.slug)).body).toEqual({
        start: '2026-01-14T10:00:00.000Z',
        end: '2026-01-14T16:00:00.000Z',
        reason: `Allowed at 2026-01-14T10:00:00.000Z: inside allow window ${window.id}, until 2026-01-14T16:00:00.000Z.`,
      });
      expect((await next(environment.slug, { from: '2026-01-16T17:00:00Z' })).body).toEqual({
        start: '2026-01-19T08:00:00.000Z', // Monday 09:00 in Berlin, after the weekend
        end: '2026-01-19T16:00:00.000Z',
        reason: expect.stringContaining(
          `Blocked at 2026-01-16T17:00:00.000Z: outside every allow window (${window.id}`,
        ),
      });
    });

    it('keeps a nightly 02:30 Europe/Berlin window across both DST changes', async () => {
      const environment = await createEnvironment(t, 0);
      const window = await createWindow(t, environment.id, {
        kind: 'allow',
        schedule: '30 2 * * *',
        durationMinutes: 60,
        timeZone: 'Europe/Berlin',
      });
      // Spring forward on 2026-03-29: 02:30 does not exist that night; the window opens at 03:30 CEST.
      const spring = await next(environment.id, { from: '2026-03-28T20:00:00Z' });
      expect(spring.body).toEqual({
        start: '2026-03-29T01:30:00.000Z',
        end: '2026-03-29T02:30:00.000Z',
        reason: `Blocked at 2026-03-28T20:00:00.000Z: outside every allow window (${window.id}). Next allowed start 2026-03-29T01:30:00.000Z.`,
      });
      // The night after, 02:30 CEST again.
      expect((await next(environment.id, { from: '2026-03-29T03:00:00Z' })).body.start).toBe(
        '2026-03-30T00:30:00.000Z',
      );
      // Fall back on 2026-10-25: 02:30 happens twice; the window opens once, at the first (CEST).
      const autumn = await next(environment.id, { from: '2026-10-24T20:00:00Z' });
      expect(autumn.body).toMatchObject({
        start: '2026-10-25T00:30:00.000Z',
        end: '2026-10-25T01:30:00.000Z',
      });
      expect((await next(environment.id, { from: '2026-10-25T01:30:00Z' })).body.start).toBe(
        '2026-10-26T01:30:00.000Z', // 02:30 CET
      );
    });

    it('keeps America/New_York windows across both DST changes', async () => {
      const environment = await createEnvironment(t, 0);
      await createWindow(t, environment.id, {
        kind: 'allow',
        schedule: '30 2 * * *',
        durationMinutes: 60,
        timeZone: 'America/New_York',
      });
      // Spring forward on 2026-03-08 (02:00 EST -> 03:00 EDT): opens at 03:30 EDT.
      expect((await next(environment.id, { from: '2026-03-07T12:00:00Z' })).body).toMatchObject({
        start: '2026-03-08T07:30:00.000Z',
        end: '2026-03-08T08:30:00.000Z',
      });
      const fallBack = await createEnvironment(t, 0);
      await createWindow(t, fallBack.id, {
        kind: 'allow',
        schedule: '30 1 * * *',
        durationMinutes: 30,
        timeZone: 'America/New_York',
      });
      // Fall back on 2026-11-01 (02:00 EDT -> 01:00 EST): 01:30 happens twice; the window opens at the first.
      expect((await next(fallBack.id, { from: '2026-10-31T12:00:00Z' })).body).toMatchObject({
        start: '2026-11-01T05:30:00.000Z',
        end: '2026-11-01T06:00:00.000Z',
      });
      expect((await next(fallBack.id, { from: '2026-11-01T06:00:00Z' })).body.start).toBe(
        '2026-11-02T06:30:00.000Z', // 01:30 EST
      );
    });

    it('refuses bad query values and answers an unknown environment or service with 404', async () => {
      const environment = await createEnvironment(t, 0);
      const bad = await t
        .http(t.tokens.viewer)
        .get(`/v1/environments/${environment.id}/deploy-windows/next`)
        .query({ from: 'tomorrow', horizonDays: 0 })
        .expect(400);
      expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
        'from',
        'horizonDays',
      ]);
      await t
        .http(t.tokens.viewer)
        .get('/v1/environments/no-such-environment/deploy-windows/next')
        .expect(404);
      const noService = await t
        .http(t.tokens.viewer)
        .get(`/v1/environments/${environment.id}/deploy-windows/next`)
        .query({ serviceId: '0190a3c4-0000-7000-8000-000000000000' })
        .expect(404);
      expect(noService.body.code).toBe('service.not_found');
    });
  });

  describe('over GraphQL', () => {
    it('creates, lists and deletes windows and answers nextDeployWindow', async () => {
      const environment = await createEnvironment(t, 0);
      const created = await t.graphql<{ createDeployWindow: { id: string; kind: string; version: number } }>(
        `mutation($environment: String!, $input: CreateDeployWindowInput!) {
           createDeployWindow(environment: $environment, input: $input) { id kind version }
         }`,
        {
          environment: environment.slug,
          input: { kind: 'allow', schedule: '30 2 * * *', durationMinutes: 60, timeZone: 'Europe/Berlin' },
        },
        t.tokens.admin,
      );
      expect(created.errors).toBeUndefined();
      expect(created.data!.createDeployWindow).toMatchObject({ kind: 'allow', version: 1 });
      const id = created.data!.createDeployWindow.id;

      const read = await t.graphql(
        `query($environment: String!, $from: DateTime) {
           deployWindows(environment: $environment) { items { id schedule timeZone } nextCursor }
           nextDeployWindow(environment: $environment, from: $from) { start end reason }
         }`,
        { environment: environment.id, from: '2026-03-28T20:00:00Z' },
        t.tokens.viewer,
      );
      expect(read.errors).toBeUndefined();
      expect(read.data).toEqual({
        deployWindows: {
          items: [{ id, schedule: '30 2 * * *', timeZone: 'Europe/Berlin' }],
          nextCursor: null,
        },
        nextDeployWindow: {
          start: '2026-03-29T01:30:00.000Z',
          end: '2026-03-29T02:30:00.000Z',
          reason: expect.stringContaining(id),
        },
      });

      const invalid = await t.graphql(
        `mutation($environment: String!) {
           createDeployWindow(environment: $environment,
             input: { kind: deny, schedule: "every day", durationMinutes: 60, timeZone: "CEST" }) { id }
         }`,
        { environment: environment.id },
        t.tokens.admin,
      );
      expect(invalid.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        status: 400,
        errors: [{ path: 'schedule' }, { path: 'timeZone' }],
      });

      const forbidden = await t.graphql(
        `mutation($id: ID!) { deleteDeployWindow(id: $id) { id } }`,
        { id },
        t.tokens.operator,
      );
      expect(forbidden.errors?.[0]?.extensions.code).toBe('auth.forbidden');
      const deleted = await t.graphql(
        `mutation($id: ID!) { deleteDeployWindow(id: $id, expectedVersion: 1) { id } }`,
        { id },
        t.tokens.admin,
      );
      expect(deleted.data).toEqual({ deleteDeployWindow: { id } });
    });
  });
});
