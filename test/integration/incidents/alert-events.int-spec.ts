import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';

const CAPTURE = join(__dirname, '../../fixtures/alerts/alertmanager-0.25-real/am-accept');
const capture = (file: string) => readFileSync(join(CAPTURE, file), 'utf8');

interface Source {
  id: string;
  secret: string;
  ingestPath: string;
}

interface AlertEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  requestId: string;
  payload: { alert: Record<string, unknown> };
}

describe('alert events in the outbox', () => {
  const clock = new FixedClock(new Date('2026-11-27T06:15:08.563Z'));
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const create = async (kind: string): Promise<Source> =>
    (
      await t
        .http(t.tokens.admin)
        .post('/v1/alert-sources')
        .send({ name: unique(kind), kind })
        .expect(201)
    ).body;
  /** The alert.* events about this source's alerts, oldest first. */
  const events = async (sourceId: string) =>
    (await db.query(
      `SELECT type, aggregate_type AS "aggregateType", aggregate_id AS "aggregateId",
              request_id AS "requestId", payload
         FROM outbox_events
        WHERE type LIKE 'alert.%' AND payload->'alert'->>'sourceId' = $1
        ORDER BY occurred_at, id`,
      [sourceId],
    )) as AlertEvent[];
  const alertIds = async (sourceId: string, status: string) =>
    (
      (await db.query(`SELECT id FROM alerts WHERE source_id = $1 AND status = $2 ORDER BY id`, [
        sourceId,
        status,
      ])) as { id: string }[]
    ).map((row) => row.id);

  it('emits alert.fired and alert.resolved once per real change of an Alertmanager group', async () => {
    const source = await create('alertmanager');
    const send = (body: string, requestId?: string) => {
      const call = t
        .http()
        .post(source.ingestPath)
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${source.secret}`);
      if (requestId) void call.set('x-request-id', requestId);
      return call.send(body);
    };
    const first = capture('01-firing-HighLatency.json');
    const requestId = '0192f0c4-1111-7000-8000-000000000001';
    const [incidentId] = (await send(first, requestId).expect(200)).body.incidentIds;
    const fired = await events(source.id);
    expect(fired.map((event) => [event.type, event.aggregateType, event.requestId])).toEqual([
      ['alert.fired', 'alert', requestId],
      ['alert.fired', 'alert', requestId],
    ]);
    expect(fired.map((event) => event.aggregateId).sort()).toEqual(await alertIds(source.id, 'firing'));
    expect(fired[0].payload.alert).toMatchObject({
      sourceKind: 'alertmanager',
      incidentId,
      status: 'firing',
      severity: 'SEV1',
      endsAt: null,
      labels: expect.objectContaining({ alertname: 'HighLatency' }),
    });

    // Duplicates (an HA pair's second delivery) emit nothing.
    await send(first).expect(200);
    expect(await events(source.id)).toHaveLength(2);

    clock.set(new Date('2026-11-27T06:15:12.040Z'));
    await send(capture('03-resolved-HighLatency.json')).expect(200);
    const all = await events(source.id);
    expect(all.map((event) => event.type)).toEqual([
      'alert.fired',
      'alert.fired',
      'alert.resolved',
      'alert.resolved',
    ]);
    expect(
      all
        .slice(2)
        .map((event) => event.aggregateId)
        .sort(),
    ).toEqual(await alertIds(source.id, 'resolved'));
    expect(all[2].payload.alert).toMatchObject({
      status: 'resolved',
      endsAt: '2026-11-27T06:15:10.000Z',
      incidentId,
    });

    // A stale retry of the firing body and a repeat of the resolution change nothing, so emit nothing.
    await send(first).expect(200);
    await send(capture('03-resolved-HighLatency.json')).expect(200);
    expect(await events(source.id)).toHaveLength(4);
  });

  it('emits for PagerDuty triggers and resolves, not for repeats or acknowledgements', async () => {
    const source = await create('pagerduty');
    const dedupKey = unique('db-2/lag');
    const event = (action: string) =>
      t
        .http()
        .post('/v2/enqueue')
        .send({
          routing_key: source.secret,
          event_action: action,
          dedup_key: dedupKey,
          payload: { summary: 'Replication lag', source: 'db-2', severity: 'critical' },
        })
        .expect(202);
    await event('trigger');
    await event('trigger');
    await event('acknowledge');
    expect((await events(source.id)).map((row) => row.type)).toEqual(['alert.fired']);
    await event('resolve');
    await event('resolve');
    const all = await events(source.id);
    expect(all.map((row) => row.type)).toEqual(['alert.fired', 'alert.resolved']);
    expect(all[1].aggregateId).toBe(all[0].aggregateId);
    expect(all[1].payload.alert).toMatchObject({ dedupKey, status: 'resolved', groupKey: null });

    // A new trigger of a resolved dedup_key is a new occurrence: it fires again.
    await event('trigger');
    expect((await events(source.id)).map((row) => row.type)).toEqual([
      'alert.fired',
      'alert.resolved',
      'alert.fired',
    ]);
  });

  it('emits nothing for a refused delivery', async () => {
    const source = await create('alertmanager');
    await t
      .http()
      .post(source.ingestPath)
      .set('content-type', 'application/json')
      .set('authorization', 'Bearer wrong')
      .send(capture('01-firing-HighLatency.json'))
      .expect(401);
    await t
      .http()
      .post(source.ingestPath)
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${source.secret}`)
      .send(JSON.stringify({ version: '4', alerts: [{ status: 'pending' }] }))
      .expect(400);
    expect(await events(source.id)).toEqual([]);
  });
});
