import {
  ChangeRecorder,
  FixedClock,
  newId,
  OutboxEvent,
  OutboxRelay,
  systemActor,
  Transactions,
} from '@opsplane/core';
import { WebhookDeliveries } from '@opsplane/integrations';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { eventually, sleep } from '../../support/eventually';

const NEVER = '0 0 29 2 *';

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  retryUntil: string;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  attemptLog: {
    attempt: number;
    statusCode: number | null;
    succeeded: boolean;
    error: string | null;
    responseBody: string | null;
    nextAttemptAt: string | null;
    startedAt: string;
  }[];
}

const receiver = new WebhookReceiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

/** Records a change as a service does, in its own transaction. */
function record(app: TestApp, action: string, targetType: string, targetId: string, after: object) {
  return app.app
    .get(Transactions)
    .run((manager) =>
      app.app
        .get(ChangeRecorder)
        .record(manager, systemActor('tests', unique('req')), { action, targetType, targetId, after }),
    );
}

async function createWebhook(
  app: TestApp,
  body: object,
): Promise<{ id: string; secret: string; version: number }> {
  const response = await app.http(app.tokens.admin).post('/v1/webhooks').send(body);
  expect(response.status).toBe(201);
  return response.body as { id: string; secret: string; version: number };
}

async function deliveriesOf(app: TestApp, webhookId: string): Promise<Delivery[]> {
  const response = await app.http(app.tokens.auditor).get(`/v1/webhooks/${webhookId}/deliveries`);
  expect(response.status).toBe(200);
  return (response.body as { items: Delivery[] }).items;
}

describe('webhooks, end to end through the relay and the queue', () => {
  let app: TestApp;
  let relay: OutboxRelay;

  beforeAll(async () => {
    app = await createTestApp({
      JOBS_ENABLED: 'true',
      JOBS_POLL_INTERVAL_MS: '500',
      JOBS_OUTBOX_RELAY_CRON: NEVER, // the tests run the relay, so each step is theirs
      JOBS_HOUSEKEEPING_CRON: NEVER,
      JOBS_DEPLOYMENT_SCHEDULER_CRON: NEVER,
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      LOG_LEVEL: 'error',
    });
    relay = app.app.get(OutboxRelay);
  }, 200_000);
  afterAll(() => app?.close());

  /** Relay passes until `check` holds: a pass can rightly find nothing while an older transaction is open. */
  const relayUntil = (check: () => boolean | Promise<boolean>, what: string) =>
    eventually(async () => {
      await relay.relay();
      return check();
    }, what);

  it('delivers a committed change, signed so that the standardwebhooks verifier accepts it', async () => {
    const url = receiver.url('ok', unique('e2e'));
    const webhook = await createWebhook(app, { url, eventTypes: ['service.*'], description: 'portal' });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // Shown once: never again.
    const read = await app.http(app.tokens.admin).get(`/v1/webhooks/${webhook.id}`);
    expect(read.body).not.toHaveProperty('secret');
    expect(JSON.stringify(read.body)).not.toContain(webhook.secret.slice(6));

    const slug = unique('svc');
    const created = await app
      .http(app.tokens.operator)
      .post('/v1/services')
      .send({ slug, name: slug, ownerTeam: 'team-a' });
    expect(created.status).toBe(201);

    await relayUntil(() => receiver.to(url).length === 1, 'delivery');
    const [sent] = receiver.to(url);
    expect(sent.headers['content-type']).toBe('application/json');
    const payload = new Webhook(webhook.secret).verify(sent.body, {
      'webhook-id': sent.headers['webhook-id'] as string,
      'webhook-timestamp': sent.headers['webhook-timestamp'] as string,
      'webhook-signature': sent.headers['webhook-signature'] as string,
    }) as Record<string, unknown>;
    expect(payload).toMatchObject({
      id: sent.headers['webhook-id'],
      type: 'service.created',
      subject: { type: 'service', id: (created.body as { id: string }).id },
      data: { before: null, after: { slug } },
      requestId: created.headers['x-request-id'],
    });
    expect(typeof payload.occurredAt).toBe('string');
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(sent.body, sent.headers as never),
    ).toThrow();

    await eventually(
      async () => (await deliveriesOf(app, webhook.id))[0]?.status === 'succeeded',
      'delivery recorded',
    );
    const [delivery] = await deliveriesOf(app, webhook.id);
    expect(delivery).toMatchObject({
      eventId: payload.id,
      eventType: 'service.created',
      attempts: 1,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(delivery.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 204, succeeded: true, nextAttemptAt: null }),
    ]);
  }, 200_000);

  it('never sends a change before it commits, nor one that rolled back', async () => {
    const url = receiver.url('ok', unique('commit'));
    await createWebhook(app, { url, eventTypes: ['committest.*'] });
    const subject = newId();
    const rolledBack = newId();
    await expect(
      app.app.get(Transactions).run(async (manager) => {
        await app.app.get(ChangeRecorder).record(manager, systemActor('tests', 'rollback'), {
          action: 'committest.changed',
          targetType: 'committest',
          targetId: rolledBack,
          after: {},
        });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    let commit!: () => void;
    const committed = app.app.get(Transactions).run(async (manager) => {
      await app.app.get(ChangeRecorder).record(manager, systemActor('tests', 'slow'), {
        action: 'committest.changed',
        targetType: 'committest',
        targetId: subject,
        after: { n: 1 },
      });
      await new Promise<void>((resolve) => (commit = resolve));
    });
    await eventually(() => commit !== undefined, 'transaction open');
    for (let pass = 0; pass < 5; pass++) {
      await relay.relay();
      await sleep(100);
    }
    expect(receiver.to(url)).toEqual([]);
    commit();
    await committed;
    await relayUntil(() => receiver.to(url).length === 1, 'delivery after commit');
    const bodies = receiver.to(url).map((sent) => JSON.parse(sent.body) as { subject: { id: string } });
    expect(bodies.map((body) => body.subject.id)).toEqual([subject]);
  }, 200_000);

  it('sends only the events a webhook selects by type, service, environment and severity', async () => {
    const [serviceA, serviceB, environment] = [newId(), newId(), newId()];
    const byService = receiver.url('ok', unique('by-service'));
    const bySeverity = receiver.url('ok', unique('by-severity'));
    await createWebhook(app, {
      url: byService,
      eventTypes: ['filtertest.*'],
      serviceIds: [serviceA],
      environmentIds: [environment],
    });
    await createWebhook(app, { url: bySeverity, eventTypes: ['filtertest.triggered'], severities: ['SEV1'] });
    await record(app, 'filtertest.started', 'filtertest', newId(), {
      serviceId: serviceA,
      environmentId: environment,
    });
    await record(app, 'filtertest.started', 'filtertest', newId(), {
      serviceId: serviceB,
      environmentId: environment,
    });
    await record(app, 'filtertest.started', 'filtertest', newId(), {
      serviceId: serviceA,
      environmentId: newId(),
    });
    await record(app, 'filtertest.triggered', 'filtertest', newId(), {
      serviceIds: [serviceA],
      severity: 'SEV2',
    });
    await record(app, 'filtertest.triggered', 'filtertest', newId(), {
      serviceIds: [serviceB],
      severity: 'SEV1',
    });
    const sentinel = receiver.url('ok', unique('sentinel'));
    await createWebhook(app, { url: sentinel, eventTypes: ['filtertest.done'] });
    await record(app, 'filtertest.done', 'filtertest', newId(), {});
    await relayUntil(
      () =>
        receiver.to(sentinel).length === 1 &&
        receiver.to(byService).length >= 1 &&
        receiver.to(bySeverity).length >= 1,
      'deliveries',
    );
    await sleep(500);
    const data = (url: string) =>
      receiver
        .to(url)
        .map((sent) => (JSON.parse(sent.body) as { data: { after: Record<string, unknown> } }).data.after);
    expect(data(byService)).toEqual([{ serviceId: serviceA, environmentId: environment }]);
    expect(data(bySeverity)).toEqual([{ serviceIds: [serviceB], severity: 'SEV1' }]);
  }, 200_000);
});

describe('webhook retries, failures and administration (attempts driven by the test)', () => {
  // No process takes jobs here: the test makes each attempt itself and moves the clock to it.
  const clock = new FixedClock(new Date());
  let app: TestApp;
  let deliveries: WebhookDeliveries;
  let db: DataSource;

  beforeAll(async () => {
    app = await createTestApp(
      { OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32', OUTBOUND_TIMEOUT_MS: '500', LOG_LEVEL: 'error' },
      { clock },
    );
    deliveries = app.app.get(WebhookDeliveries);
    db = app.app.get(DataSource);
  }, 200_000);
  afterAll(() => app?.close());

  /** Records an event and fans it out as the `webhooks` subscriber does once the relay hands it over. */
  async function emit(type = 'retrytest.happened', after: object = {}): Promise<OutboxEvent> {
    const subject = newId();
    await record(app, type, 'retrytest', subject, after);
    const [row] = await db.query<Record<string, unknown>[]>(
      `SELECT id, type, aggregate_type, aggregate_id, payload, request_id, occurred_at
         FROM outbox_events WHERE aggregate_id = $1`,
      [subject],
    );
    const event: OutboxEvent = {
      id: row.id as string,
      type: row.type as string,
      aggregateType: row.aggregate_type as string,
      aggregateId: row.aggregate_id as string,
      payload: row.payload as OutboxEvent['payload'],
      requestId: row.request_id as string,
      occurredAt: row.occurred_at as Date,
    };
    await deliveries.fanOut([event]);
    return event;
  }

  /** Makes the attempt the delivery's queued job would make (at the clock's time). */
  async function attemptNow(deliveryId: string): Promise<unknown> {
    const [{ job_id: jobId }] = await db.query<{ job_id: string | null }[]>(
      `SELECT job_id FROM webhook_deliveries WHERE id = $1`,
      [deliveryId],
    );
    return deliveries.attempt([deliveryId], { jobId: jobId ?? 'none' });
  }

  async function onlyDelivery(webhookId: string): Promise<Delivery> {
    const list = await deliveriesOf(app, webhookId);
    expect(list).toHaveLength(1);
    return list[0];
  }

  it('retries a failing receiver with growing backoff and records every attempt until one succeeds', async () => {
    const url = receiver.url('flaky', unique('flaky'));
    const webhook = await createWebhook(app, { url, eventTypes: ['retrytest.*'] });
    const event = await emit();
    expect(await deliveries.fanOut([event])).toBe(0); // a repeated hand-over adds nothing
    const pending = await onlyDelivery(webhook.id);
    expect(pending).toMatchObject({ status: 'pending', attempts: 0, eventId: event.id });

    await attemptNow(pending.id);
    const first = await onlyDelivery(webhook.id);
    expect(first).toMatchObject({
      status: 'retrying',
      attempts: 1,
      lastStatusCode: 503,
      lastError: 'HTTP 503',
    });
    const firstWait = Date.parse(first.nextAttemptAt!) - clock.now().getTime();
    expect(firstWait).toBeGreaterThanOrEqual(5_000);
    expect(firstWait).toBeLessThanOrEqual(10_000);

    clock.set(new Date(first.nextAttemptAt!));
    await attemptNow(pending.id);
    const second = await onlyDelivery(webhook.id);
    const secondWait = Date.parse(second.nextAttemptAt!) - clock.now().getTime();
    expect(secondWait).toBeGreaterThanOrEqual(10_000);
    expect(secondWait).toBeLessThanOrEqual(20_000);

    clock.set(new Date(second.nextAttemptAt!));
    await attemptNow(pending.id);
    const done = await onlyDelivery(webhook.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    expect(done.deliveredAt).toBe(clock.now().toISOString());
    expect(done.attemptLog.map((a) => [a.attempt, a.statusCode, a.succeeded, a.responseBody])).toEqual([
      [1, 503, false, 'not yet'],
      [2, 503, false, 'not yet'],
      [3, 200, true, 'thanks'],
    ]);
    expect(done.attemptLog[0].nextAttemptAt).toBe(first.nextAttemptAt);
    // Every attempt carries the same webhook-id: receivers drop duplicates by it.
    expect(new Set(receiver.to(url).map((sent) => sent.headers['webhook-id']))).toEqual(new Set([event.id]));
  }, 60_000);

  it('records timeouts, closed connections and redirects as failed attempts with their cause', async () => {
    const cases = [
      ['slow', /^timeout: no complete response within 500 ms$/],
      ['close', /^connection_reset: /],
      ['redirect', /^HTTP 302 \(redirects are not followed\)$/],
    ] as const;
    for (const [behaviour, error] of cases) {
      const webhook = await createWebhook(app, {
        url: receiver.url(behaviour, unique(behaviour)),
        eventTypes: ['failtest.happened'],
      });
      await emit('failtest.happened');
      const delivery = await onlyDelivery(webhook.id);
      await attemptNow(delivery.id);
      const failed = await onlyDelivery(webhook.id);
      expect(failed.status).toBe('retrying');
      expect(failed.lastError).toMatch(error);
      expect(failed.attemptLog[0].error).toMatch(error);
      // Not attempted again for this test's later events.
      await app.http(app.tokens.admin).delete(`/v1/webhooks/${webhook.id}`).expect(200);
    }
  }, 60_000);

  it('disables a webhook that failed for a whole retry period, saying why, and cancels what was pending', async () => {
    const url = receiver.url('fail', unique('dead'));
    const webhook = await createWebhook(app, { url, eventTypes: ['deadtest.*'] });
    await emit('deadtest.first');
    const [delivery] = await deliveriesOf(app, webhook.id);
    let attempts = 0;
    for (;;) {
      await attemptNow(delivery.id);
      attempts += 1;
      const current = (await deliveriesOf(app, webhook.id)).find((d) => d.id === delivery.id)!;
      if (current.status !== 'retrying') break;
      expect(attempts).toBeLessThan(40);
      clock.set(new Date(current.nextAttemptAt!));
      // A later event, still pending when the webhook is disabled.
      if (attempts === 20) await emit('deadtest.second');
    }
    const failed = (await deliveriesOf(app, webhook.id)).find((d) => d.id === delivery.id)!;
    expect(failed.status).toBe('failed');
    // The last attempt is at the very end of the period (24 h by default).
    expect(failed.attemptLog.at(-1)!.startedAt).toBe(failed.retryUntil);
    expect(Date.parse(failed.retryUntil) - Date.parse(failed.attemptLog[0].startedAt)).toBe(86_400_000);
    // 22 with the longest waits (every jitter at its top); the jitter can halve them, hence more.
    expect(attempts).toBeGreaterThanOrEqual(22);
    expect(attempts).toBeLessThanOrEqual(34);

    const disabled = await app.http(app.tokens.admin).get(`/v1/webhooks/${webhook.id}`);
    expect(disabled.body).toMatchObject({ enabled: false });
    expect((disabled.body as { disabledReason: string }).disabledReason).toMatch(
      /^No delivery succeeded from .* \(a whole retry period, 86400 s\); the last attempt: HTTP 500\.$/,
    );
    const later = (await deliveriesOf(app, webhook.id)).find((d) => d.eventType === 'deadtest.second')!;
    expect(later).toMatchObject({ status: 'cancelled', attempts: 0, nextAttemptAt: null });
    const [audited] = await db.query<{ actor_id: string }[]>(
      `SELECT actor_id FROM audit_events WHERE action = 'webhook.disabled' AND target_id = $1`,
      [webhook.id],
    );
    expect(audited.actor_id).toBe('system:webhooks');

    // Enabled again by an admin, it takes new events; a redelivery sends the failed one again.
    const enabled = await app
      .http(app.tokens.admin)
      .patch(`/v1/webhooks/${webhook.id}`)
      .send({ enabled: true, url: receiver.url('ok', unique('revived')) });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
    const redelivered = await app
      .http(app.tokens.admin)
      .post(`/v1/webhooks/${webhook.id}/deliveries/${delivery.id}/redeliver`);
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toMatchObject({ status: 'pending', attempts });
    await attemptNow(delivery.id);
    const revived = (await deliveriesOf(app, webhook.id)).find((d) => d.id === delivery.id)!;
    expect(revived).toMatchObject({ status: 'succeeded', attempts: attempts + 1, lastStatusCode: 204 });
  }, 120_000);

  it('lets a scheduled retry that a redelivery replaced do nothing', async () => {
    const webhook = await createWebhook(app, {
      url: receiver.url('fail', unique('stale')),
      eventTypes: ['staletest.*'],
    });
    await emit('staletest.happened');
    const [delivery] = await deliveriesOf(app, webhook.id);
    await attemptNow(delivery.id);
    const [{ job_id: scheduledJob }] = await db.query<{ job_id: string }[]>(
      `SELECT job_id FROM webhook_deliveries WHERE id = $1`,
      [delivery.id],
    );
    await app
      .http(app.tokens.admin)
      .post(`/v1/webhooks/${webhook.id}/deliveries/${delivery.id}/redeliver`)
      .expect(202);
    expect(await deliveries.attempt([delivery.id], { jobId: scheduledJob })).toEqual({ attempted: 0 });
    expect((await deliveriesOf(app, webhook.id))[0]).toMatchObject({ status: 'pending', attempts: 1 });
  }, 60_000);

  it('rotates the secret: both sign during the overlap, then only the new one', async () => {
    const url = receiver.url('ok', unique('rotate'));
    const webhook = await createWebhook(app, { url, eventTypes: ['rotatetest.*'] });
    clock.set(new Date());
    const rotated = await app
      .http(app.tokens.admin)
      .post(`/v1/webhooks/${webhook.id}/rotate-secret`)
      .send({ overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const newSecret = (rotated.body as { secret: string }).secret;
    expect(newSecret).not.toBe(webhook.secret);
    expect(rotated.body).toMatchObject({
      previousSecretExpiresAt: new Date(clock.now().getTime() + 3_600_000).toISOString(),
    });

    await emit('rotatetest.during');
    const [during] = await deliveriesOf(app, webhook.id);
    await attemptNow(during.id);
    const sent = receiver.to(url)[0];
    expect((sent.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    for (const secret of [webhook.secret, newSecret])
      expect(() => new Webhook(secret).verify(sent.body, sent.headers as never)).not.toThrow();

    clock.advance(3_600_000);
    await emit('rotatetest.after');
    const after = (await deliveriesOf(app, webhook.id)).find((d) => d.eventType === 'rotatetest.after')!;
    await attemptNow(after.id);
    const last = receiver.to(url)[1];
    expect((last.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    // The receiver checks timestamps against its own clock: compare signatures instead.
    const signedAt = new Date(Number(last.headers['webhook-timestamp']) * 1000);
    expect(last.headers['webhook-signature']).toBe(
      new Webhook(newSecret).sign(last.headers['webhook-id'] as string, signedAt, last.body),
    );
  }, 60_000);

  it('refuses URLs it must not call and event types it cannot match, naming the field', async () => {
    const refused = async (body: object, path: string, code: string) => {
      const response = await app.http(app.tokens.admin).post('/v1/webhooks').send(body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code });
      expect((response.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
    };
    const types = { eventTypes: ['deployment.*'] };
    await refused(
      { ...types, url: 'http://169.254.169.254/latest/meta-data/' },
      'url',
      'outbound.url_refused',
    );
    await refused({ ...types, url: 'http://10.0.0.7/hook' }, 'url', 'outbound.url_refused');
    await refused({ ...types, url: 'http://user:secret@127.0.0.1:9/hook' }, 'url', 'outbound.url_refused');
    await refused({ ...types, url: 'ftp://127.0.0.1/hook' }, 'url', 'request.validation_failed');
    await refused(
      { url: receiver.url('ok', 'x'), eventTypes: [] },
      'eventTypes',
      'request.validation_failed',
    );
    await refused(
      { url: receiver.url('ok', 'x'), eventTypes: ['Deployment started'] },
      'eventTypes',
      'request.validation_failed',
    );
    await refused(
      { url: receiver.url('ok', 'x'), ...types, severities: ['urgent'] },
      'severities',
      'request.validation_failed',
    );

    const viewer = await app.http(app.tokens.viewer).get('/v1/webhooks');
    expect(viewer.status).toBe(403);
    const operator = await app
      .http(app.tokens.operator)
      .post('/v1/webhooks')
      .send({ url: receiver.url('ok', 'x'), ...types });
    expect(operator.status).toBe(403);
  });

  it('works through GraphQL the same way: secret once, deliveries, errors with codes', async () => {
    const url = receiver.url('ok', unique('graphql'));
    const created = await app.graphql<{ createWebhook: { id: string; secret: string; enabled: boolean } }>(
      `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id secret enabled eventTypes } }`,
      { input: { url, eventTypes: ['gqltest.*'] } },
    );
    expect(created.errors).toBeUndefined();
    const { id, secret } = created.data!.createWebhook;
    expect(secret).toMatch(/^whsec_/);
    await emit('gqltest.happened');
    const [delivery] = await deliveriesOf(app, id);
    await attemptNow(delivery.id);
    const read = await app.graphql<{
      webhook: { url: string };
      webhookDeliveries: { items: { status: string; attemptLog: { statusCode: number }[] }[] };
    }>(
      `query($id: ID!) { webhook(id: $id) { url } webhookDeliveries(webhookId: $id, status: succeeded) { items { status attemptLog { statusCode } } } }`,
      { id },
      app.tokens.auditor,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.webhookDeliveries.items).toEqual([
      { status: 'succeeded', attemptLog: [{ statusCode: 204 }] },
    ]);

    const refused = await app.graphql(
      `mutation { createWebhook(input: { url: "http://169.254.169.254/", eventTypes: ["*"] }) { id } }`,
    );
    expect(refused.errors?.[0].extensions.code).toBe('outbound.url_refused');
    const forbidden = await app.graphql(`query { webhooks { items { id } } }`, {}, app.tokens.viewer);
    expect(forbidden.errors?.[0].extensions.code).toBe('auth.forbidden');
  });
});
