import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { AlertSource, alertmanagerFiring, createAlertSource } from './fixtures';

describe('alert source management', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const create = (kind = 'alertmanager') => createAlertSource(t, kind);
  const deliver = (source: AlertSource, secret = source.secret) =>
    t
      .http()
      .post(source.ingestPath)
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${secret}`)
      .send(alertmanagerFiring(unique('Alert')));
  const alertCount = async (sourceId: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM alerts WHERE source_id = $1`, [sourceId]))[0].n as number;
  const audit = async (sourceId: string) =>
    db.query(`SELECT action, before, after FROM audit_events WHERE target_id = $1 ORDER BY occurred_at, id`, [
      sourceId,
    ]) as Promise<{ action: string; before: unknown; after: unknown }[]>;

  it('rotates the secret: the new one is shown once and works, the old one is refused', async () => {
    const source = await create();
    const rotated = await t
      .http(t.tokens.admin)
      .post(`/v1/alert-sources/${source.id}/rotate-secret`)
      .set('if-match', '"1"')
      .expect(200);
    expect(rotated.body).toMatchObject({ id: source.id, version: 2, secret: expect.stringMatching(/^opa_/) });
    expect(rotated.body.secret).not.toBe(source.secret);
    expect((await deliver(source).expect(401)).body.code).toBe('alert_source.bad_credentials');
    await deliver(source, rotated.body.secret).expect(200);
    expect(await alertCount(source.id)).toBe(1);
    const read = await t.http(t.tokens.viewer).get(`/v1/alert-sources/${source.id}`).expect(200);
    expect(read.body).not.toHaveProperty('secret');
    const events = await audit(source.id);
    expect(events.map((event) => event.action)).toEqual([
      'alert_source.created',
      'alert_source.secret_rotated',
    ]);
    const outbox = await db.query(`SELECT payload FROM outbox_events WHERE aggregate_id = $1`, [source.id]);
    for (const secret of [source.secret, rotated.body.secret]) {
      expect(JSON.stringify(events)).not.toContain(secret);
      expect(JSON.stringify(outbox)).not.toContain(secret);
    }
    // A stale version is refused.
    await t
      .http(t.tokens.admin)
      .post(`/v1/alert-sources/${source.id}/rotate-secret`)
      .set('if-match', '"1"')
      .expect(412);
  });

  it('rotating a PagerDuty source changes its routing key on /v2/enqueue', async () => {
    const source = await create('pagerduty');
    const rotated = (
      await t.http(t.tokens.admin).post(`/v1/alert-sources/${source.id}/rotate-secret`).expect(200)
    ).body;
    const event = (routingKey: string) =>
      t
        .http()
        .post('/v2/enqueue')
        .send({
          routing_key: routingKey,
          event_action: 'trigger',
          payload: { summary: 'Disk full', source: 'db-1', severity: 'warning' },
        });
    expect((await event(source.secret).expect(400)).body.errors).toEqual(['Invalid routing key']);
    await event(rotated.secret).expect(202);
  });

  it('updates the name, severity mapping and resolve policy, with If-Match, audited', async () => {
    const source = await create();
    const updated = await t
      .http(t.tokens.admin)
      .patch(`/v1/alert-sources/${source.id}`)
      .set('if-match', '"1"')
      .send({ name: ' Alertmanager (eu) ', severityMap: { critical: 'SEV2' }, resolveIncidentTo: 'resolved' })
      .expect(200);
    expect(updated.body).toMatchObject({
      name: 'Alertmanager (eu)',
      severityMap: { critical: 'SEV2' },
      resolveIncidentTo: 'resolved',
      severityLabel: 'severity',
      version: 2,
    });
    // The new mapping applies to the next delivery.
    const [incidentId] = (await deliver(source).expect(200)).body.incidentIds;
    const incident = await t.http(t.tokens.viewer).get(`/v1/incidents/${incidentId}`).expect(200);
    expect(incident.body.severity).toBe('SEV2');

    const reset = await t
      .http(t.tokens.admin)
      .patch(`/v1/alert-sources/${source.id}`)
      .send({ severityMap: null, resolveIncidentTo: null })
      .expect(200);
    expect(reset.body).toMatchObject({ severityMap: {}, resolveIncidentTo: 'mitigated', version: 3 });

    await t
      .http(t.tokens.admin)
      .patch(`/v1/alert-sources/${source.id}`)
      .set('if-match', '"2"')
      .send({ name: 'x' })
      .expect(412);
    const invalid = await t
      .http(t.tokens.admin)
      .patch(`/v1/alert-sources/${source.id}`)
      .send({ name: ' ', severityMap: { critical: 'P1' }, resolveIncidentTo: 'closed' })
      .expect(400);
    expect(invalid.body.errors.map((error: { path: string }) => error.path)).toEqual(['resolveIncidentTo']);
    const blank = await t
      .http(t.tokens.admin)
      .patch(`/v1/alert-sources/${source.id}`)
      .send({ name: ' ', severityMap: { critical: 'P1' } })
      .expect(400);
    expect(blank.body.errors.map((error: { path: string }) => error.path)).toEqual([
      'name',
      'severityMap.critical',
    ]);
    await t
      .http(t.tokens.admin)
      .patch('/v1/alert-sources/00000000-0000-4000-8000-000000000000')
      .send({ name: 'x' })
      .expect(404);
    const events = await audit(source.id);
    expect(events.map((event) => event.action)).toEqual([
      'alert_source.created',
      'alert_source.updated',
      'alert_source.updated',
    ]);
    expect(events[1]).toMatchObject({
      before: { name: expect.stringMatching(/^alertmanager/), resolveIncidentTo: 'mitigated' },
      after: { name: 'Alertmanager (eu)', resolveIncidentTo: 'resolved' },
    });
  });

  it('disables a source: its deliveries get 404 and store nothing, until enabled again', async () => {
    const source = await create();
    const pagerduty = await create('pagerduty');
    const disabled = await t
      .http(t.tokens.admin)
      .post(`/v1/alert-sources/${source.id}/disable`)
      .set('if-match', '"1"')
      .expect(200);
    expect(disabled.body).toMatchObject({ disabledAt: expect.any(String), version: 2 });
    expect((await deliver(source).expect(404)).body.code).toBe('alert_source.not_found');
    expect(await alertCount(source.id)).toBe(0);
    await t.http(t.tokens.admin).post(`/v1/alert-sources/${source.id}/disable`).expect(409);

    await t.http(t.tokens.admin).post(`/v1/alert-sources/${pagerduty.id}/disable`).expect(200);
    const event = {
      routing_key: pagerduty.secret,
      event_action: 'trigger',
      payload: { summary: 'x', source: 'y', severity: 'info' },
    };
    expect((await t.http().post('/v2/enqueue').send(event).expect(400)).body.errors).toEqual([
      'Invalid routing key',
    ]);
    await t.http().post(pagerduty.ingestPath).send(event).expect(404);
    expect(await alertCount(pagerduty.id)).toBe(0);

    const enabled = await t
      .http(t.tokens.admin)
      .post(`/v1/alert-sources/${source.id}/enable`)
      .set('if-match', '"2"')
      .expect(200);
    expect(enabled.body).toMatchObject({ disabledAt: null, version: 3 });
    await deliver(source).expect(200);
    expect(await alertCount(source.id)).toBe(1);
    expect((await audit(source.id)).map((row) => row.action)).toEqual([
      'alert_source.created',
      'alert_source.disabled',
      'alert_source.enabled',
    ]);
  });

  it('lets only admins manage sources', async () => {
    const source = await create();
    for (const token of [t.tokens.operator, t.tokens.viewer]) {
      await t.http(token).patch(`/v1/alert-sources/${source.id}`).send({ name: 'x' }).expect(403);
      await t.http(token).post(`/v1/alert-sources/${source.id}/rotate-secret`).expect(403);
      await t.http(token).post(`/v1/alert-sources/${source.id}/disable`).expect(403);
    }
    const answer = await t.graphql(
      `mutation($id: ID!) { disableAlertSource(id: $id) { id } }`,
      { id: source.id },
      t.tokens.operator,
    );
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'auth.forbidden' });
  });

  it('does the same over GraphQL, with expectedVersion and the same errors', async () => {
    const source = await create();
    const updated = await t.graphql<{ updateAlertSource: { name: string; version: number } }>(
      `mutation($id: ID!, $input: UpdateAlertSourceInput!) {
         updateAlertSource(id: $id, input: $input, expectedVersion: 1) { name version }
       }`,
      { id: source.id, input: { name: 'Grafana (eu)', defaultSeverity: 'SEV2' } },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateAlertSource).toEqual({ name: 'Grafana (eu)', version: 2 });
    const rotated = await t.graphql<{ rotateAlertSourceSecret: { secret: string; version: number } }>(
      `mutation($id: ID!) { rotateAlertSourceSecret(id: $id, expectedVersion: 2) { secret version } }`,
      { id: source.id },
    );
    expect(rotated.errors).toBeUndefined();
    await deliver(source, rotated.data!.rotateAlertSourceSecret.secret).expect(200);
    const disabled = await t.graphql<{ disableAlertSource: { disabledAt: string | null } }>(
      `mutation($id: ID!) { disableAlertSource(id: $id) { disabledAt } }`,
      { id: source.id },
    );
    expect(disabled.data!.disableAlertSource.disabledAt).toEqual(expect.any(String));
    const stale = await t.graphql(
      `mutation($id: ID!) { enableAlertSource(id: $id, expectedVersion: 1) { id } }`,
      { id: source.id },
    );
    expect(stale.errors?.[0].extensions).toMatchObject({ status: 412 });
    const bad = await t.graphql(
      `mutation($id: ID!) { updateAlertSource(id: $id, input: { severityMap: { critical: "P1" } }) { id } }`,
      { id: source.id },
    );
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: 'severityMap.critical', message: 'must be one of SEV1, SEV2, SEV3, SEV4, SEV5' }],
    });
    const missing = await t.graphql(
      `mutation { disableAlertSource(id: "00000000-0000-4000-8000-000000000000") { id } }`,
    );
    expect(missing.errors?.[0].extensions).toMatchObject({ status: 404 });
    const notAnId = await t.graphql(`mutation { disableAlertSource(id: "nope") { id } }`);
    expect(notAnId.errors?.[0].extensions).toMatchObject({ status: 400 });
  });
});
