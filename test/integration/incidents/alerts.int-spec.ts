import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { alertmanagerFiring, createEnvironment, createService } from './fixtures';

const FIXTURES = join(__dirname, '../../fixtures/alerts');
const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');

interface Source {
  id: string;
  secret: string;
  ingestPath: string;
}

interface Entry {
  kind: string;
  occurredAt: string;
  toStatus: string | null;
  actor: { kind: string; id: string };
  data: Record<string, unknown>;
}

describe('alert ingestion', () => {
  const clock = new FixedClock(new Date('2026-11-27T06:16:00.000Z'));
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  async function createSource(kind: string, body: Record<string, unknown> = {}): Promise<Source> {
    const response = await t
      .http(t.tokens.admin)
      .post('/v1/alert-sources')
      .send({ name: unique(kind), kind, ...body })
      .expect(201);
    return response.body;
  }
  /** POSTs raw bytes the way Alertmanager does, with the source's Bearer token unless told otherwise. */
  const send = (source: Source, body: string, headers: Record<string, string> = {}) => {
    const call = t.http().post(source.ingestPath).set('content-type', 'application/json');
    for (const [name, value] of Object.entries({ authorization: `Bearer ${source.secret}`, ...headers }))
      if (value) void call.set(name, value);
    return call.send(body);
  };
  const incident = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/incidents/${id}`).expect(200)).body;
  const timeline = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/incidents/${id}/timeline`).query({ limit: 200 }).expect(200)).body
      .items as Entry[];
  const alerts = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/incidents/${id}/alerts`).expect(200)).body.items as {
      status: string;
      severity: string;
      endsAt: string | null;
    }[];
  const counts = async (sourceId: string) =>
    (
      await db.query(
        `SELECT (SELECT count(*)::int FROM alerts WHERE source_id = $1) AS alerts,
                (SELECT count(*)::int FROM outbox_events) AS events,
                (SELECT count(*)::int FROM incident_timeline_entries) AS entries`,
        [sourceId],
      )
    )[0] as { alerts: number; events: number; entries: number };

  /** The real Alertmanager captures, labelled with this test's own service and environment slugs. */
  async function amAccept(folder = 'am-accept', last = '03-resolved-HighLatency.json') {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const relabel = (text: string) =>
      text
        .replaceAll('"service":"checkout"', `"service":"${service.slug}"`)
        .replaceAll('"environment":"production"', `"environment":"${environment.slug}"`);
    const [first, second, third] = ['01-firing-HighLatency.json', '02-firing-DiskFull.json', last].map(
      (file) => relabel(fixture(join('alertmanager-0.25-real', folder, file))),
    );
    return { service, environment, first, second, third };
  }

  describe('Alertmanager (version "4")', () => {
    it('replays a real Alertmanager: a firing group opens an incident, duplicates change nothing, resolution mitigates it', async () => {
      const source = await createSource('alertmanager');
      const { service, environment, first, second, third } = await amAccept();

      // When Alertmanager delivered each body (the capture's index).
      clock.set(new Date('2026-11-27T06:15:08.563Z'));
      const opened = await send(source, first).expect(200);
      expect(opened.body).toEqual({ changed: 2, incidentIds: [expect.any(String)] });
      const [incidentId] = opened.body.incidentIds as string[];
      expect(await incident(incidentId)).toMatchObject({
        title: 'HighLatency',
        severity: 'SEV1',
        status: 'triggered',
        serviceIds: [service.id],
        environmentIds: [environment.id],
        detectedAt: '2026-11-27T06:15:07.536Z',
        declaredBy: `integration:${source.id}`,
      });
      const entries = await timeline(incidentId);
      expect(entries.map((entry) => [entry.kind, entry.actor.kind])).toEqual([
        ['alert_fired', 'integration'],
        ['alert_fired', 'integration'],
        ['status_change', 'integration'],
      ]);
      expect(entries[0].data).toMatchObject({ dedupKey: '3e2e9d61b4ef33f0|2026-11-27T06:15:07.536Z' });

      // Alertmanager HA pairs deliver every notification from each peer.
      const before = await counts(source.id);
      expect((await send(source, first).expect(200)).body).toEqual({ changed: 0, incidentIds: [incidentId] });
      expect(await counts(source.id)).toEqual(before);

      const disk = await send(source, second).expect(200);
      expect(disk.body.incidentIds).not.toContain(incidentId);
      expect(await incident(disk.body.incidentIds[0])).toMatchObject({
        title: 'DiskFull: disk 95% full on db-1',
        severity: 'SEV3',
        serviceIds: [],
      });

      clock.set(new Date('2026-11-27T06:15:12.040Z'));
      const resolved = await send(source, third).expect(200);
      expect(resolved.body).toEqual({ changed: 2, incidentIds: [incidentId] });
      expect(await incident(incidentId)).toMatchObject({ status: 'mitigated' });
      expect((await alerts(incidentId)).map((alert) => [alert.status, alert.endsAt])).toEqual([
        ['resolved', '2026-11-27T06:15:10.000Z'],
        ['resolved', '2026-11-27T06:15:10.000Z'],
      ]);
      const after = await timeline(incidentId);
      expect(after.slice(3).map((entry) => [entry.kind, entry.toStatus, entry.actor.kind])).toEqual([
        ['alert_resolved', null, 'integration'],
        ['alert_resolved', null, 'integration'],
        ['status_change', 'mitigated', 'system'],
      ]);

      // A retried old firing body after the resolution (Alertmanager retries 5xx without end) is stale.
      const settled = await counts(source.id);
      await send(source, first).expect(200);
      await send(source, third).expect(200);
      expect(await counts(source.id)).toEqual(settled);
      expect(await incident(incidentId)).toMatchObject({ status: 'mitigated', version: 2 });
    });

    it('keeps the incident open while part of the group still fires', async () => {
      const source = await createSource('alertmanager');
      const { first, third } = await amAccept('am-partial-resolve', '03-firing-HighLatency.json');
      const [incidentId] = (await send(source, first).expect(200)).body.incidentIds;
      const partial = await send(source, third).expect(200);
      expect(partial.body.changed).toBe(1);
      expect(await incident(incidentId)).toMatchObject({ status: 'triggered' });
      expect((await alerts(incidentId)).map((alert) => alert.status).sort()).toEqual(['firing', 'resolved']);
    });

    it('tolerates truncated deliveries and, configured so, resolves the incident when its alerts resolve', async () => {
      const source = await createSource('alertmanager', { resolveIncidentTo: 'resolved' });
      const { first, third } = await amAccept('am-max-alerts');
      const [incidentId] = (await send(source, first).expect(200)).body.incidentIds;
      const [group] = await db.query(
        `SELECT truncated_alerts AS "truncated" FROM alert_groups WHERE source_id = $1`,
        [source.id],
      );
      expect(group).toEqual({ truncated: 1 });
      await send(source, third).expect(200);
      expect(await incident(incidentId)).toMatchObject({ status: 'resolved' });
    });

    it('applies concurrent duplicate deliveries once', async () => {
      const source = await createSource('alertmanager');
      const { first } = await amAccept();
      const answers = await Promise.all(Array.from({ length: 5 }, () => send(source, first)));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.map((answer) => answer.body.changed).sort()).toEqual([0, 0, 0, 0, 2]);
      expect(new Set(answers.map((answer) => answer.body.incidentIds[0])).size).toBe(1);
      expect((await counts(source.id)).alerts).toBe(2);
      expect(await alerts(answers[0].body.incidentIds[0])).toHaveLength(2);
    });

    it('tolerates unknown fields, hand-edited and malformed payloads (Zulip’s, GitLab’s documented example)', async () => {
      const source = await createSource('alertmanager', { severityMap: { high: 'SEV2' } });
      const zulip = await send(source, fixture('zulip_fixture_alertmanager_alert_firing.json')).expect(200);
      expect(await incident(zulip.body.incidentIds[0])).toMatchObject({
        title: 'High CPU Temperature: High CPU core temperature',
        severity: 'SEV1',
      });
      // Resolved, but with the zero endsAt of a firing alert (hand-edited upstream): first seen resolved.
      const single = await send(
        source,
        fixture('zulip_fixture_alertmanager_single_alert_resolved.json'),
      ).expect(200);
      expect(single.body).toMatchObject({ changed: 1 });

      // Modelled on GitLab's documented example: groupKey null, malformed startsAt, endsAt null, no
      // fingerprint, objects nested in annotations; plus fields nobody knows and a NUL character.
      const gitlab = JSON.stringify({
        version: '4',
        groupKey: null,
        status: 'firing',
        receiver: 'team\\"x\\"',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: '',
        somethingNew: { nested: true },
        alerts: [
          {
            startsAt: '2022-010-30T11:22:40Z',
            generatorURL: 'http://host?g0.expr=up',
            endsAt: null,
            status: 'firing',
            labels: { gitlab_environment_name: 'production', severity: 'high' },
            annotations: { title: 'Example title\u0000', foo: { bar: { baz: 42 } } },
          },
        ],
      });
      const malformed = await send(source, gitlab).expect(200);
      expect(await incident(malformed.body.incidentIds[0])).toMatchObject({
        title: 'Example title',
        severity: 'SEV2',
      });
      expect((await send(source, gitlab).expect(200)).body.changed).toBe(0);
    });

    it('dates the incident and its timeline no later than arrival when the sender clock runs ahead', async () => {
      const source = await createSource('alertmanager');
      clock.set(new Date('2026-11-27T06:00:00.000Z'));
      const ahead = alertmanagerFiring(unique('SkewedClock')).replace(
        '"startsAt":"2026-11-27T06:00:00Z"',
        '"startsAt":"2026-11-27T06:04:30Z"',
      );
      const opened = await send(source, ahead).expect(200);
      const [incidentId] = opened.body.incidentIds as string[];
      expect((await incident(incidentId)).detectedAt).toBe('2026-11-27T06:00:00.000Z');
      const entries = await timeline(incidentId);
      expect(entries.map((entry) => [entry.kind, entry.occurredAt]).sort()).toEqual([
        ['alert_fired', '2026-11-27T06:00:00.000Z'],
        ['status_change', '2026-11-27T06:00:00.000Z'],
      ]);
      // The alert itself keeps the sender's time: it is part of what identifies it on a repeat.
      const [row] = (await db.query(`SELECT starts_at FROM alerts WHERE source_id = $1`, [source.id])) as {
        starts_at: Date;
      }[];
      expect(row.starts_at.toISOString()).toBe('2026-11-27T06:04:30.000Z');
      expect((await send(source, ahead).expect(200)).body.changed).toBe(0);
    });
  });

  describe('Grafana (version "1")', () => {
    it('opens an incident from a Grafana 11 notification and stores an alert first seen resolved', async () => {
      const source = await createSource('grafana');
      const firing = await send(source, fixture('zulip_fixture_grafana_alert_values_v11_firing.json')).expect(
        200,
      );
      expect(await incident(firing.body.incidentIds[0])).toMatchObject({
        title: 'Memory (copy): High memory usage',
      });
      const resolved = await send(source, fixture('zulip_fixture_grafana_alert-9-resolved.json')).expect(200);
      expect(resolved.body).toEqual({ changed: 1, incidentIds: [] });
      const wrongVersion = await send(source, fixture('zulip_fixture_alertmanager_alert_firing.json')).expect(
        400,
      );
      expect(wrongVersion.body).toMatchObject({
        code: 'alert.unsupported_version',
        errors: [{ path: 'version' }],
      });
    });

    it('accepts Grafana’s HMAC signature with its timestamp', async () => {
      const source = await createSource('grafana');
      const body = fixture('zulip_fixture_grafana_alert_values_v11_firing.json');
      const timestamp = '1732689000';
      clock.set(new Date(Number(timestamp) * 1000 + 1000));
      const signature = createHmac('sha256', source.secret).update(`${timestamp}:${body}`).digest('hex');
      await send(source, body, {
        authorization: '',
        'x-grafana-alerting-signature': signature,
        'x-grafana-alerting-signature-timestamp': timestamp,
      }).expect(200);
      await send(source, body, {
        authorization: '',
        'x-grafana-alerting-signature': signature,
        'x-grafana-alerting-signature-timestamp': '1732689001',
      }).expect(401);
    });

    it('refuses a correctly signed delivery whose timestamp is outside the tolerance, storing nothing', async () => {
      const source = await createSource('grafana');
      const body = fixture('zulip_fixture_grafana_alert_values_v11_firing.json');
      const signed = (timestamp: string) => ({
        authorization: '',
        'x-grafana-alerting-signature': createHmac('sha256', source.secret)
          .update(`${timestamp}:${body}`)
          .digest('hex'),
        'x-grafana-alerting-signature-timestamp': timestamp,
      });
      const now = 1_800_000_000;
      clock.set(new Date(now * 1000));
      const before = await counts(source.id);
      // Default tolerance 300 s: a captured delivery replayed 301 s later, or one stamped 301 s ahead.
      for (const timestamp of [now - 301, now + 301].map(String)) {
        const refused = await send(source, body, signed(timestamp)).expect(401);
        expect(refused.body).toMatchObject({ code: 'alert_source.bad_credentials' });
        expect(refused.body.detail).toMatch(/more than 300 s away/);
      }
      await send(source, body, signed('not-a-time')).expect(401);
      expect(await counts(source.id)).toEqual(before);
      // Right at the edge, either way, is still fresh.
      await send(source, body, signed(String(now + 300))).expect(200);
      await send(source, body, signed(String(now - 300))).expect(200);
      expect((await counts(source.id)).alerts).toBe(before.alerts + 1);
    });
  });

  describe('PagerDuty Events API v2', () => {
    const event = (source: Source, fields: Record<string, unknown>) =>
      t
        .http()
        .post(source.ingestPath)
        .send({ routing_key: source.secret, ...fields });
    // Written to PagerDuty's documented schema (its examples carry no licence to copy).
    const trigger = (dedupKey?: string) => ({
      event_action: 'trigger',
      ...(dedupKey ? { dedup_key: dedupKey } : {}),
      payload: {
        summary: 'Replication lag above 30 s on db-2',
        source: 'db-2.example.com',
        severity: 'critical',
        timestamp: '2026-11-27T06:10:00.000+0000',
        custom_details: { lag: '34s' },
      },
      client: 'Sample Monitoring Service',
    });

    it('triggers, repeats, acknowledges and resolves by dedup_key, answering like PagerDuty', async () => {
      const source = await createSource('pagerduty', { resolveIncidentTo: 'resolved' });
      const dedupKey = unique('db-2/replication');
      const triggered = await event(source, trigger(dedupKey)).expect(202);
      expect(triggered.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
      await event(source, trigger(dedupKey)).expect(202);
      const [row] = await db.query(`SELECT incident_id AS "incidentId" FROM alerts WHERE source_id = $1`, [
        source.id,
      ]);
      expect(await incident(row.incidentId)).toMatchObject({
        title: 'Replication lag above 30 s on db-2',
        severity: 'SEV1',
        detectedAt: '2026-11-27T06:10:00.000Z',
      });
      await event(source, { event_action: 'acknowledge', dedup_key: dedupKey }).expect(202);
      expect(await incident(row.incidentId)).toMatchObject({
        status: 'acknowledged',
        acknowledgedAt: clock.now().toISOString(),
      });
      await event(source, { event_action: 'resolve', dedup_key: dedupKey }).expect(202);
      expect(await incident(row.incidentId)).toMatchObject({ status: 'resolved' });
      await event(source, { event_action: 'resolve', dedup_key: 'never-seen' }).expect(202);

      // A new trigger for a resolved dedup_key is a new occurrence, as in PagerDuty.
      await event(source, trigger(dedupKey)).expect(202);
      const [again] = await db.query(
        `SELECT incident_id AS "incidentId", status FROM alerts WHERE source_id = $1`,
        [source.id],
      );
      expect(again.status).toBe('firing');
      expect(again.incidentId).not.toBe(row.incidentId);

      const generated = await event(source, trigger()).expect(202);
      expect(generated.body.dedup_key).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('refuses a wrong routing key with 401 and an incomplete event with 400, storing nothing', async () => {
      const source = await createSource('pagerduty');
      const before = await counts(source.id);
      const wrong = await t
        .http()
        .post(source.ingestPath)
        .send({ ...trigger('x'), routing_key: 'not-the-key' })
        .expect(401);
      expect(wrong.body.code).toBe('alert_source.bad_credentials');
      const incomplete = await event(source, { event_action: 'trigger', payload: { summary: 'x' } }).expect(
        400,
      );
      expect(incomplete.body.errors.map((error: { path: string }) => error.path)).toEqual([
        'payload.source',
        'payload.severity',
      ]);
      await event(source, { event_action: 'explode' }).expect(400);
      expect(await counts(source.id)).toEqual(before);
    });
  });

  describe('PagerDuty drop-in: POST /v2/enqueue', () => {
    const enqueue = (body: unknown) =>
      t
        .http()
        .post('/v2/enqueue')
        .set('content-type', 'application/json')
        .send(body as object);
    const trigger = (routingKey: string, dedupKey?: string) => ({
      routing_key: routingKey,
      event_action: 'trigger',
      ...(dedupKey ? { dedup_key: dedupKey } : {}),
      payload: { summary: 'Checkout 5xx above 2%', source: 'lb-1', severity: 'error' },
    });
    const alertRows = async (sourceId: string) =>
      (await db.query(
        `SELECT dedup_key AS "dedupKey", status, incident_id AS "incidentId" FROM alerts WHERE source_id = $1`,
        [sourceId],
      )) as { dedupKey: string; status: string; incidentId: string }[];

    it('finds the source by routing_key and triggers, repeats, acknowledges and resolves like PagerDuty', async () => {
      const source = await createSource('pagerduty');
      const other = await createSource('pagerduty');
      const dedupKey = unique('lb-1/5xx');
      const triggered = await enqueue(trigger(source.secret, dedupKey)).expect(202);
      expect(triggered.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
      const [row] = await alertRows(source.id);
      expect(row).toMatchObject({ dedupKey, status: 'firing' });
      expect(await alertRows(other.id)).toEqual([]);
      expect(await incident(row.incidentId)).toMatchObject({ severity: 'SEV2', status: 'triggered' });

      // A duplicate trigger (same dedup_key) is accepted and changes nothing.
      const before = await counts(source.id);
      await enqueue(trigger(source.secret, dedupKey)).expect(202);
      expect(await counts(source.id)).toEqual(before);

      const ack = { routing_key: source.secret, event_action: 'acknowledge', dedup_key: dedupKey };
      expect((await enqueue(ack).expect(202)).body.dedup_key).toBe(dedupKey);
      expect(await incident(row.incidentId)).toMatchObject({ status: 'acknowledged' });
      await enqueue({ ...ack, event_action: 'resolve' }).expect(202);
      expect(await incident(row.incidentId)).toMatchObject({ status: 'mitigated' });
      expect((await alertRows(source.id))[0].status).toBe('resolved');

      const generated = await enqueue(trigger(source.secret)).expect(202);
      expect(generated.body.dedup_key).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers bad events and unknown routing keys with PagerDuty’s 400, storing nothing', async () => {
      const source = await createSource('pagerduty');
      const grafana = await createSource('grafana');
      const before = await counts(source.id);
      const invalid = await enqueue({
        routing_key: source.secret,
        event_action: 'trigger',
        payload: { summary: 'x', severity: 'fatal' },
      }).expect(400);
      expect(invalid.headers['content-type']).toMatch(/^application\/json/);
      expect(invalid.body).toEqual({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [
          'payload.source is required to trigger',
          'payload.severity must be critical, error, warning or info',
        ],
      });
      const unknownKey = await enqueue(trigger(`${source.secret}x`, 'k')).expect(400);
      expect(unknownKey.body).toEqual({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Invalid routing key'],
      });
      // The routing key of another kind of source is no PagerDuty routing key.
      expect((await enqueue(trigger(grafana.secret, 'k')).expect(400)).body.errors).toEqual([
        'Invalid routing key',
      ]);
      const missing = await enqueue({ event_action: 'resolve' }).expect(400);
      expect(missing.body.errors).toEqual(['routing_key is required', 'dedup_key is required to resolve']);
      expect((await enqueue([]).expect(400)).body.status).toBe('invalid event');
      expect(await counts(source.id)).toEqual(before);
      expect((await counts(grafana.id)).alerts).toBe(0);
      // Outside the event itself the API keeps problem+json.
      const malformed = await t
        .http()
        .post('/v2/enqueue')
        .set('content-type', 'application/json')
        .send('{"routing_key": ')
        .expect(400);
      expect(malformed.body).toMatchObject({ code: 'request.malformed' });
    });
  });

  describe('authentication and bad input', () => {
    it('takes the Bearer token, Basic auth or an HMAC signature; anything else is 401 and stores nothing', async () => {
      const source = await createSource('alertmanager');
      const { first, second } = await amAccept();
      const before = await counts(source.id);
      for (const authorization of ['', 'Bearer wrong', `Bearer ${source.secret}x`, 'Basic Og=='])
        expect((await send(source, first, { authorization }).expect(401)).body.code).toBe(
          'alert_source.bad_credentials',
        );
      const badSignature = createHmac('sha256', 'another key').update(first).digest('hex');
      await send(source, first, {
        authorization: '',
        'x-opsplane-signature': `sha256=${badSignature}`,
      }).expect(401);
      // Signed over other bytes than those sent.
      const otherBytes = createHmac('sha256', source.secret).update(`${first} `).digest('hex');
      await send(source, first, { authorization: '', 'x-opsplane-signature': otherBytes }).expect(401);
      expect(await counts(source.id)).toEqual(before);

      const signature = createHmac('sha256', source.secret).update(first).digest('hex');
      await send(source, first, { authorization: '', 'x-opsplane-signature': `sha256=${signature}` }).expect(
        200,
      );
      const basic = Buffer.from(`alertmanager:${source.secret}`).toString('base64');
      await send(source, second, { authorization: `Basic ${basic}` }).expect(200);
      expect((await counts(source.id)).alerts).toBe(3);
    });

    it('answers an unknown source, or a payload for another kind of source, with 404', async () => {
      const source = await createSource('grafana');
      const path = source.ingestPath.replace('/grafana', '/alertmanager');
      const wrongKind = await t
        .http()
        .post(path)
        .set('authorization', `Bearer ${source.secret}`)
        .send({})
        .expect(404);
      expect(wrongKind.body.code).toBe('alert_source.not_found');
      await t
        .http()
        .post('/v1/alert-sources/00000000-0000-4000-8000-000000000000/alertmanager')
        .send({})
        .expect(404);
      await t.http().post('/v1/alert-sources/not-a-uuid/alertmanager').send({}).expect(404);
    });

    it('refuses wrong versions, malformed JSON, bad alerts and oversized bodies with 4xx, storing nothing', async () => {
      const source = await createSource('alertmanager');
      const before = await counts(source.id);
      expect((await send(source, JSON.stringify({ version: '3', alerts: [] })).expect(400)).body.code).toBe(
        'alert.unsupported_version',
      );
      expect((await send(source, '{"version": "4", "alerts": [').expect(400)).body.code).toBe(
        'request.malformed',
      );
      const bad = await send(
        source,
        JSON.stringify({ version: '4', alerts: [{ status: 'pending' }, 'x'] }),
      ).expect(400);
      expect(bad.body.errors.map((error: { path: string }) => error.path)).toEqual([
        'alerts.0.status',
        'alerts.1',
      ]);
      const huge = JSON.stringify({ version: '4', alerts: [], padding: 'x'.repeat(1_100_000) });
      expect((await send(source, huge).expect(413)).body.code).toBe('request.too_large');
      expect(await counts(source.id)).toEqual(before);
    });
  });

  it('lets only admins create sources, shows the secret once and keeps it out of the audit log', async () => {
    await t
      .http(t.tokens.operator)
      .post('/v1/alert-sources')
      .send({ name: 'x', kind: 'alertmanager' })
      .expect(403);
    const source = await createSource('alertmanager');
    expect(source.secret).toMatch(/^opa_[A-Za-z0-9_-]{43}$/);
    expect(source.ingestPath).toBe(`/v1/alert-sources/${source.id}/alertmanager`);
    const read = await t.http(t.tokens.viewer).get(`/v1/alert-sources/${source.id}`).expect(200);
    expect(read.body).not.toHaveProperty('secret');
    const audit = await db.query(`SELECT after FROM audit_events WHERE target_id = $1`, [source.id]);
    expect(JSON.stringify(audit)).not.toContain(source.secret);
    const invalid = await t
      .http(t.tokens.admin)
      .post('/v1/alert-sources')
      .send({ name: ' ', kind: 'nagios', severityLabel: 'not a label' })
      .expect(400);
    expect(invalid.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'kind',
      'severityLabel',
    ]);
    const map = await t
      .http(t.tokens.admin)
      .post('/v1/alert-sources')
      .send({ name: 'x', kind: 'grafana', severityMap: { critical: 'P1' } })
      .expect(400);
    expect(map.body.errors).toEqual([
      { path: 'severityMap.critical', message: 'must be one of SEV1, SEV2, SEV3, SEV4, SEV5' },
    ]);
  });

  it('shows alerts on the incident over GraphQL, and counts deliveries on /metrics', async () => {
    const source = await createSource('alertmanager');
    const { first } = await amAccept();
    const [incidentId] = (await send(source, first).expect(200)).body.incidentIds;
    await send(source, first, { authorization: 'Bearer wrong' }).expect(401);
    const answer = await t.graphql<{
      incident: { alerts: { status: string; labels: Record<string, string> }[] };
    }>(
      `query($id: ID!) { incident(id: $id) { alerts { status severity labels } } }`,
      { id: incidentId },
      t.tokens.viewer,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.incident.alerts.map((alert) => alert.labels.instance)).toEqual([
      'checkout-1',
      'checkout-2',
    ]);
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(
      /^opsplane_alert_deliveries_total\{kind="alertmanager",outcome="accepted"\} [1-9]/m,
    );
    expect(metrics).toMatch(
      /^opsplane_alert_deliveries_total\{kind="alertmanager",outcome="alert_source.bad_credentials"\} [1-9]/m,
    );
    expect(metrics).toMatch(/^opsplane_alerts_received_total\{kind="alertmanager",status="firing"\} [1-9]/m);
  });
});
