import { FixedClock, Transactions } from '@opsplane/core';
import { AlertSource, IncidentsService } from '@opsplane/incidents';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createEnvironment, createService, walk } from './fixtures';

/**
 * The seam alert ingestion will use: IncidentsService methods that run inside the caller's
 * transaction. Called here the way ingestion will call them, from the application's container.
 */
describe('alert ingestion seam', () => {
  const clock = new FixedClock(new Date('2032-10-01T03:00:00.000Z'));
  let t: TestApp;
  let incidents: IncidentsService;
  let transactions: Transactions;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    incidents = t.app.get(IncidentsService);
    transactions = t.app.get(Transactions);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const source = (): AlertSource => ({
    integrationId: unique('am'),
    name: 'Alertmanager (prod)',
    requestId: unique('req'),
  });
  const firedAt = () => new Date(clock.now().getTime() - 2 * 60_000);
  const timeline = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/incidents/${id}/timeline`).expect(200)).body.items as {
      kind: string;
      occurredAt: string;
      body: string | null;
      data: object;
      actor: { kind: string; id: string; name: string };
      toStatus: string | null;
    }[];
  const eventsOf = (id: string) =>
    db.query(
      `SELECT type, payload->'actor'->>'id' AS "actorId" FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`,
      [id],
    ) as Promise<{ type: string; actorId: string }[]>;

  it('opens an incident from a firing alert, authored by the integration, inside the caller’s transaction', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const integration = source();
    const fired = firedAt();
    const { incident, isNew } = await transactions.run((manager) =>
      incidents.openOrJoinFromAlert(manager, integration, {
        title: 'HighLatency',
        summary: 'p99 above 2 s',
        severity: 'SEV2',
        serviceIds: [service.id],
        environmentIds: [environment.id],
        firedAt: fired,
        body: 'p99 latency 2.4 s on checkout',
        data: { fingerprint: 'b2f0e9c1', labels: { alertname: 'HighLatency', severity: 'critical' } },
      }),
    );
    expect(isNew).toBe(true);
    expect(incident).toMatchObject({
      title: 'HighLatency',
      severity: 'SEV2',
      status: 'triggered',
      serviceIds: [service.id],
      environmentIds: [environment.id],
      detectedAt: fired,
      triggeredAt: clock.now(),
      declaredBy: `integration:${integration.integrationId}`,
    });
    const entries = await timeline(incident.id);
    expect(entries.map((entry) => [entry.kind, entry.actor])).toEqual([
      ['alert_fired', { kind: 'integration', id: integration.integrationId, name: 'Alertmanager (prod)' }],
      ['status_change', { kind: 'integration', id: integration.integrationId, name: 'Alertmanager (prod)' }],
    ]);
    expect(entries[0]).toMatchObject({
      occurredAt: fired.toISOString(),
      body: 'p99 latency 2.4 s on checkout',
      data: { fingerprint: 'b2f0e9c1', labels: { alertname: 'HighLatency' } },
    });
    expect(await eventsOf(incident.id)).toEqual([
      { type: 'incident.triggered', actorId: `integration:${integration.integrationId}` },
    ]);
  });

  it('joins the open incident of the alert group, and opens a new one once that is resolved', async () => {
    const integration = source();
    const open = (incidentId?: string) =>
      transactions.run((manager) =>
        incidents.openOrJoinFromAlert(manager, integration, {
          incidentId,
          title: 'DiskFull',
          severity: 'SEV3',
          firedAt: firedAt(),
        }),
      );
    const first = await open();
    const joined = await open(first.incident.id);
    expect(joined).toEqual({ incident: first.incident, isNew: false });
    expect((await timeline(first.incident.id)).filter((entry) => entry.kind === 'alert_fired')).toHaveLength(
      2,
    );
    expect(await eventsOf(first.incident.id)).toHaveLength(1);

    await walk(t, first.incident.id, 'resolved');
    const reopened = await open(first.incident.id);
    expect(reopened.isNew).toBe(true);
    expect(reopened.incident.id).not.toBe(first.incident.id);
  });

  it('writes nothing when the caller’s transaction rolls back', async () => {
    const integration = source();
    let openedId: string | undefined;
    await expect(
      transactions.run(async (manager) => {
        const { incident } = await incidents.openOrJoinFromAlert(manager, integration, {
          title: 'Rolled back',
          severity: 'SEV4',
          firedAt: firedAt(),
        });
        openedId = incident.id;
        throw new Error('storing the alert failed');
      }),
    ).rejects.toThrow('storing the alert failed');
    expect(openedId).toBeDefined();
    await t.http(t.tokens.viewer).get(`/v1/incidents/${openedId}`).expect(404);
    expect(
      await db.query(`SELECT 1 FROM incident_timeline_entries WHERE incident_id = $1`, [openedId]),
    ).toEqual([]);
    expect(await eventsOf(openedId!)).toEqual([]);
  });

  it('adds integration entries and moves the incident to mitigated and resolved as the system, idempotently', async () => {
    const integration = source();
    const { incident } = await transactions.run((manager) =>
      incidents.openOrJoinFromAlert(manager, integration, {
        title: 'ErrorRate',
        severity: 'SEV3',
        firedAt: firedAt(),
      }),
    );
    clock.advance(10 * 60_000);
    const resolvedAt = clock.now();
    const settle = (to: 'mitigated' | 'resolved') =>
      transactions.run(async (manager) => {
        await incidents.addIntegrationEntries(manager, integration, incident.id, [
          {
            kind: 'alert_resolved',
            occurredAt: resolvedAt,
            body: 'ErrorRate resolved',
            data: { fingerprint: 'e1' },
          },
        ]);
        return incidents.advanceAsSystem(
          manager,
          incident.id,
          to,
          'every alert resolved',
          integration.requestId,
        );
      });
    const mitigated = await settle('mitigated');
    expect(mitigated).toMatchObject({ status: 'mitigated', mitigatedAt: resolvedAt, version: 2 });
    // A duplicate delivery changes nothing.
    expect(await settle('mitigated')).toEqual(mitigated);
    const resolved = await settle('resolved');
    expect(resolved).toMatchObject({ status: 'resolved', mitigatedAt: resolvedAt, resolvedAt, version: 3 });
    await walk(t, incident.id, 'closed');
    expect(await settle('mitigated')).toMatchObject({ status: 'closed', version: 4 });

    const entries = await timeline(incident.id);
    const statusChanges = entries.filter((entry) => entry.kind === 'status_change');
    expect(statusChanges.map((entry) => [entry.toStatus, entry.actor.kind, entry.body])).toEqual([
      ['triggered', 'integration', 'Declared'],
      ['mitigated', 'system', 'every alert resolved'],
      ['resolved', 'system', 'every alert resolved'],
      ['closed', 'api_key', null],
    ]);
    expect(entries.filter((entry) => entry.kind === 'alert_resolved')).toHaveLength(4);
    expect((await eventsOf(incident.id)).map((event) => [event.type, event.actorId])).toEqual([
      ['incident.triggered', `integration:${integration.integrationId}`],
      ['incident.mitigated', 'system:alerts'],
      ['incident.resolved', 'system:alerts'],
      ['incident.closed', expect.any(String)],
    ]);
  });

  it('refuses unknown incidents and unknown catalog ids', async () => {
    const integration = source();
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(
      transactions.run((manager) => incidents.addIntegrationEntries(manager, integration, missing, [])),
    ).rejects.toMatchObject({ code: 'incident.not_found' });
    await expect(
      transactions.run((manager) => incidents.advanceAsSystem(manager, missing, 'resolved', 'x', 'req')),
    ).rejects.toMatchObject({ code: 'incident.not_found' });
    await expect(
      transactions.run((manager) =>
        incidents.openOrJoinFromAlert(manager, integration, {
          title: 'x',
          severity: 'SEV3',
          firedAt: firedAt(),
          serviceIds: [missing],
        }),
      ),
    ).rejects.toMatchObject({ code: 'incident.unknown_reference', errors: [{ path: 'services.0' }] });
  });
});
