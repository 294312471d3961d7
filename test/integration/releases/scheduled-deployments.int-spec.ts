import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import { createEnvironment, createRelease, createService, createWindow, reportStatus } from './fixtures';

/**
 * Scheduled deployments and the scheduler job. The job moves every due deployment in the
 * database, not just this file's: no other test file schedules deployments or sets `expiresAt`,
 * so the fixed clock can jump ahead freely here.
 */
describe('scheduled deployments', () => {
  const clock = new FixedClock(new Date('2032-01-14T10:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    // Jobs on so the enqueued scheduler job is processed here; its cron where no test run reaches.
    t = await createTestApp(
      { JOBS_ENABLED: 'true', JOBS_DEPLOYMENT_SCHEDULER_CRON: '0 0 29 2 *', JOBS_POLL_INTERVAL_MS: '500' },
      { clock },
    );
  });
  afterAll(() => t.close());

  const at = (instant: string) => clock.set(new Date(instant));
  const request = (body: Record<string, unknown>, token = t.tokens.operator) =>
    t.http(token).post('/v1/deployments').send(body);
  const get = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/deployments/${id}`).expect(200)).body as Record<string, unknown>;
  /** Enqueues the scheduler job now and waits (polling the API) until the queue has run it. */
  const runScheduler = async () => {
    const run = (
      await t
        .http(t.tokens.admin)
        .post('/v1/job-types/releases.scheduled-deployments/run')
        .send({})
        .expect(201)
    ).body as { id: string };
    for (let i = 0; i < 300; i += 1) {
      const job = (await t.http(t.tokens.auditor).get(`/v1/jobs/${run.id}`).expect(200)).body as {
        status: string;
        result: Record<string, number>;
      };
      if (job.status === 'succeeded' || job.status === 'failed')
        return { status: job.status, counts: job.result };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`scheduler job ${run.id} did not finish`);
  };

  const requireOneAdminApproval = (environment: string) =>
    t
      .http(t.tokens.admin)
      .put(`/v1/environments/${environment}/approval-rule`)
      .send({ requiredApprovals: 1, approverRole: 'admin' })
      .expect(200);

  /** A fresh rank-0 environment (promotion passes) and a release of a fresh service. */
  async function target() {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const release = await createRelease(t, service.id);
    return { service, environment, release };
  }

  it('waits in scheduled until its time, then the job queues it, once, as the system', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    const created = await request({
      release: release.id,
      environment: environment.slug,
      schedule: { at: '2032-01-14T12:00:00Z' },
    }).expect(201);
    expect(created.body).toMatchObject({
      status: 'scheduled',
      scheduledFor: '2032-01-14T12:00:00.000Z',
      expiresAt: null,
      queuedAt: null,
    });

    at('2032-01-14T11:59:00.000Z');
    await runScheduler();
    expect(await get(created.body.id)).toMatchObject({ status: 'scheduled' });
    // Not yet queued, so it cannot start.
    await reportStatus(t, created.body.id, 'running').expect(409);

    at('2032-01-14T12:00:30.000Z');
    const run = await runScheduler();
    expect(run.status).toBe('succeeded');
    expect(run.counts.queued).toBeGreaterThanOrEqual(1);
    expect(await get(created.body.id)).toMatchObject({
      status: 'queued',
      queuedAt: '2032-01-14T12:00:30.000Z',
      version: 2,
    });
    await runScheduler();
    expect(await get(created.body.id)).toMatchObject({ status: 'queued', version: 2 });

    const events = await t.app
      .get(DataSource)
      .query<{ type: string; payload: { after: { status: string } } }[]>(
        `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`,
        [created.body.id],
      );
    expect(events.map((event) => event.type)).toEqual(['deployment.requested', 'deployment.queued']);
    const audit = await t
      .http(t.tokens.auditor)
      .get('/v1/audit-events')
      .query({ targetType: 'deployment', targetId: created.body.id })
      .expect(200);
    expect(
      audit.body.items.map((event: { action: string; actorId: string }) => [event.action, event.actorId]),
    ).toEqual(expect.arrayContaining([['deployment.queued', 'system:scheduler']]));

    await reportStatus(t, created.body.id, 'running').expect(200);
  });

  it('reads "at 02:00 Europe/Berlin" in that zone, across both DST changes', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    const scheduledFor = async (localTime: string, timeZone: string) => {
      const response = await request({
        release: release.id,
        environment: environment.id,
        schedule: { localTime, timeZone },
      }).expect(201);
      await reportStatus(t, response.body.id, 'canceled').expect(200);
      return response.body.scheduledFor as string;
    };
    expect(await scheduledFor('2032-01-15T02:00', 'Europe/Berlin')).toBe('2032-01-15T01:00:00.000Z');
    expect(await scheduledFor('2032-07-15T02:00', 'Europe/Berlin')).toBe('2032-07-15T00:00:00.000Z');
    // Spring forward (2032-03-28, 02:00 CET → 03:00 CEST): 02:30 does not exist and means 03:30 CEST.
    expect(await scheduledFor('2032-03-28T02:30', 'Europe/Berlin')).toBe('2032-03-28T01:30:00.000Z');
    // Fall back (2032-10-31, 03:00 CEST → 02:00 CET): 02:30 happens twice; the first is taken.
    expect(await scheduledFor('2032-10-31T02:30', 'Europe/Berlin')).toBe('2032-10-31T00:30:00.000Z');
    // New York springs forward on 2032-03-14 and falls back on 2032-11-07.
    expect(await scheduledFor('2032-03-14T02:30', 'America/New_York')).toBe('2032-03-14T07:30:00.000Z');
    expect(await scheduledFor('2032-11-07T01:30', 'America/New_York')).toBe('2032-11-07T05:30:00.000Z');
  });

  it('schedules at the next allowed window, judges the gates at that time, and expires at its end', async () => {
    at('2032-01-14T10:00:00.000Z'); // a Wednesday, 11:00 in Berlin
    const { environment, release } = await target();
    await createWindow(t, environment.id, {
      kind: 'allow',
      schedule: '0 2 * * *',
      durationMinutes: 60,
      timeZone: 'Europe/Berlin',
    });
    // Now is outside the window: a plain request is refused, a scheduled one is judged at 02:00.
    await request({ release: release.id, environment: environment.id }).expect(409);
    const created = await request({
      release: release.id,
      environment: environment.id,
      schedule: { nextAllowedWindow: true },
    }).expect(201);
    expect(created.body).toMatchObject({
      status: 'scheduled',
      scheduledFor: '2032-01-15T01:00:00.000Z',
      expiresAt: '2032-01-15T02:00:00.000Z',
    });

    at('2032-01-15T01:00:00.000Z');
    await runScheduler();
    expect(await get(created.body.id)).toMatchObject({ status: 'queued' });
    await reportStatus(t, created.body.id, 'running').expect(200);
  });

  it('queues at once when the next allowed window is open now', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    const created = await request({
      release: release.id,
      environment: environment.id,
      schedule: { nextAllowedWindow: true },
    }).expect(201);
    expect(created.body).toMatchObject({ status: 'queued', scheduledFor: null, expiresAt: null });
  });

  it('refuses nextAllowedWindow when no window allows a start within the horizon', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    await createWindow(t, environment.id, {
      kind: 'deny',
      schedule: '0 0 * * *',
      durationMinutes: 1440,
      timeZone: 'UTC',
    });
    const refused = await request({
      release: release.id,
      environment: environment.id,
      schedule: { nextAllowedWindow: true },
    }).expect(409);
    expect(refused.body.code).toBe('deployment.no_allowed_window');
    expect(refused.body.detail).toContain('No allowed start within 31 days');
  });

  it('expires a deployment still waiting past expiresAt instead of queuing it late', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    const created = await request({
      release: release.id,
      environment: environment.id,
      schedule: { at: '2032-01-14T11:00:00Z' },
      expiresAt: '2032-01-14T11:30:00Z',
    }).expect(201);

    // The scheduler was down until after the expiry: expiry wins.
    at('2032-01-14T12:00:00.000Z');
    const run = await runScheduler();
    expect(run.counts.expired).toBeGreaterThanOrEqual(1);
    expect(await get(created.body.id)).toMatchObject({
      status: 'expired',
      finishedAt: '2032-01-14T12:00:00.000Z',
      statusReason: 'Not queued before it expired at 2032-01-14T11:30:00.000Z.',
      queuedAt: null,
    });
    const late = await reportStatus(t, created.body.id, 'running').expect(409);
    expect(late.body.code).toBe('deployment.illegal_transition');
  });

  it('expires a deployment whose approvals did not arrive in time', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    await requireOneAdminApproval(environment.id);
    const created = await request({
      release: release.id,
      environment: environment.id,
      expiresAt: '2032-01-14T18:00:00Z',
    }).expect(201);
    expect(created.body).toMatchObject({ status: 'pending_approval', expiresAt: '2032-01-14T18:00:00.000Z' });

    at('2032-01-14T18:00:00.000Z');
    await runScheduler();
    expect(await get(created.body.id)).toMatchObject({ status: 'expired' });
    const approve = await t
      .http(t.tokens.admin)
      .post(`/v1/deployments/${created.body.id}/approve`)
      .send({})
      .expect(409);
    expect(approve.body.code).toBe('deployment.illegal_transition');
  });

  it('moves a scheduled deployment to scheduled when its last approval arrives, and queues it at its time', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    await requireOneAdminApproval(environment.id);
    const created = await request({
      release: release.id,
      environment: environment.id,
      schedule: { at: '2032-01-14T20:00:00Z' },
    }).expect(201);
    expect(created.body).toMatchObject({
      status: 'pending_approval',
      scheduledFor: '2032-01-14T20:00:00.000Z',
    });

    // Not due yet: the scheduler leaves a deployment waiting for approval alone.
    at('2032-01-14T20:00:00.000Z');
    await runScheduler();
    expect(await get(created.body.id)).toMatchObject({ status: 'pending_approval' });

    at('2032-01-14T19:00:00.000Z');
    const approved = await t
      .http(t.tokens.admin)
      .post(`/v1/deployments/${created.body.id}/approve`)
      .send({})
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'scheduled', isApproved: true, queuedAt: null });

    at('2032-01-14T20:00:10.000Z');
    await runScheduler();
    expect(await get(created.body.id)).toMatchObject({
      status: 'queued',
      queuedAt: '2032-01-14T20:00:10.000Z',
    });
  });

  it('can be queued now instead of at its time, or canceled, and the job leaves a canceled one alone', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    const early = await request({
      release: release.id,
      environment: environment.id,
      schedule: { at: '2032-01-14T23:00:00Z' },
    }).expect(201);
    const queued = await t
      .http(t.tokens.operator)
      .post(`/v1/deployments/${early.body.id}/queue`)
      .send({})
      .expect(200);
    expect(queued.body).toMatchObject({ status: 'queued', queuedAt: '2032-01-14T10:00:00.000Z' });

    const dropped = await request({
      release: release.id,
      environment: environment.id,
      schedule: { at: '2032-01-14T23:00:00Z' },
    }).expect(201);
    await reportStatus(t, dropped.body.id, 'canceled').expect(200);
    at('2032-01-14T23:00:00.000Z');
    await runScheduler();
    expect(await get(dropped.body.id)).toMatchObject({ status: 'canceled' });
  });

  it('refuses a schedule that is not exactly one valid way of saying when, naming each field', async () => {
    at('2032-01-14T10:00:00.000Z');
    const { environment, release } = await target();
    const refuse = async (body: Record<string, unknown>, paths: string[]) => {
      const response = await request({ release: release.id, environment: environment.id, ...body }).expect(
        400,
      );
      expect(response.body.code).toBe('request.validation_failed');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(paths);
    };
    await refuse({ schedule: {} }, ['schedule']);
    await refuse({ schedule: { at: '2032-01-15T00:00:00Z', nextAllowedWindow: true } }, ['schedule']);
    await refuse({ schedule: { localTime: '2032-01-15T02:00' } }, ['schedule.timeZone']);
    await refuse({ schedule: { at: '2032-01-15T00:00:00Z', timeZone: 'Europe/Berlin' } }, [
      'schedule.timeZone',
    ]);
    await refuse({ schedule: { localTime: '2032-01-15T02:00', timeZone: '+02:00' } }, ['schedule.timeZone']);
    await refuse({ schedule: { localTime: '2032-01-15T02:00', timeZone: 'Europe/Atlantis' } }, [
      'schedule.timeZone',
    ]);
    await refuse({ schedule: { localTime: '2032-02-30T02:00', timeZone: 'Europe/Berlin' } }, [
      'schedule.localTime',
    ]);
    await refuse({ schedule: { localTime: 'tomorrow 2am', timeZone: 'Europe/Berlin' } }, [
      'schedule.localTime',
    ]);
    await refuse({ schedule: { at: 'soon' } }, ['schedule.at']);
    await refuse({ schedule: { at: '2032-01-14T09:00:00Z' } }, ['schedule']);
    await refuse({ schedule: { at: '2032-01-14T12:00:00Z' }, expiresAt: '2032-01-14T11:00:00Z' }, [
      'expiresAt',
    ]);
    await refuse({ expiresAt: '2032-01-14T09:00:00Z' }, ['expiresAt']);
    await refuse({ schedule: { at: '2032-01-15T00:00:00Z', every: 'day' } }, ['schedule.every']);

    const listed = await t
      .http(t.tokens.viewer)
      .get('/v1/deployments')
      .query({ environmentId: environment.id })
      .expect(200);
    expect(listed.body.items).toEqual([]);
  });

  describe('over GraphQL', () => {
    it('schedules with requestDeployment and reports bad schedules in the error extensions', async () => {
      at('2032-01-14T10:00:00.000Z');
      const { environment, release } = await target();
      const mutation = `mutation ($input: RequestDeploymentInput!) {
        requestDeployment(input: $input) { id status scheduledFor expiresAt }
      }`;
      const scheduled = await t.graphql<{ requestDeployment: Record<string, unknown> }>(
        mutation,
        {
          input: {
            release: release.id,
            environment: environment.slug,
            schedule: { localTime: '2032-01-15T02:00', timeZone: 'Europe/Berlin' },
            expiresAt: '2032-01-15T03:00:00Z',
          },
        },
        t.tokens.operator,
      );
      expect(scheduled.errors).toBeUndefined();
      expect(scheduled.data?.requestDeployment).toMatchObject({
        status: 'scheduled',
        scheduledFor: '2032-01-15T01:00:00.000Z',
        expiresAt: '2032-01-15T03:00:00.000Z',
      });

      const refused = await t.graphql(
        mutation,
        {
          input: {
            release: release.id,
            environment: environment.slug,
            schedule: { localTime: '2032-01-15T02:00' },
          },
        },
        t.tokens.operator,
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        status: 400,
        errors: [{ path: 'schedule.timeZone', message: 'is required with localTime' }],
      });
    });
  });
});
