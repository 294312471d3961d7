import { FixedClock } from '@opsplane/core';
import { TimelineService } from '@opsplane/incidents';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import { createEnvironment, createService, declareIncident, walk } from './fixtures';
import { createRelease, requestDeployment } from '../releases/fixtures';

interface Entry {
  id: string;
  kind: string;
  occurredAt: string;
  createdAt: string;
  body: string | null;
  isPinned: boolean;
  pinnedBy: string | null;
  deploymentId: string | null;
  actor: { kind: string; id: string; name: string };
}

describe('incident timeline', () => {
  const clock = new FixedClock(new Date('2032-07-01T12:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.close());

  const minutesAgo = (minutes: number) => new Date(clock.now().getTime() - minutes * 60_000).toISOString();
  const add = (incidentId: string, body: object) =>
    t.http(t.tokens.operator).post(`/v1/incidents/${incidentId}/timeline`).send(body);
  const timeline = async (incidentId: string, query: Record<string, unknown> = {}) =>
    (await t.http(t.tokens.viewer).get(`/v1/incidents/${incidentId}/timeline`).query(query).expect(200))
      .body as {
      items: Entry[];
      nextCursor: string | null;
    };

  it('orders entries by when they happened, not when they were written, in cursor pages', async () => {
    const incident = await declareIncident(t);
    const late = await add(incident.id, { kind: 'note', body: 'Written now about now' }).expect(201);
    const early = await add(incident.id, {
      kind: 'impact_detected',
      body: 'Error rate rose',
      occurredAt: minutesAgo(30),
    }).expect(201);
    expect(early.body).toMatchObject({
      kind: 'impact_detected',
      occurredAt: minutesAgo(30),
      createdAt: clock.now().toISOString(),
      actor: { kind: 'api_key', name: 'test operator' },
      isPinned: false,
    });
    const middle = await add(incident.id, {
      kind: 'action',
      body: 'Scaled out',
      occurredAt: minutesAgo(10),
    }).expect(201);

    const all = await timeline(incident.id);
    expect(all.items.map((entry) => entry.id)).toEqual([
      early.body.id,
      middle.body.id,
      all.items[2].id, // the declaration, stamped now and written first
      late.body.id,
    ]);
    expect(all.items[2]).toMatchObject({ kind: 'status_change', body: 'Declared' });

    const first = await timeline(incident.id, { limit: 2 });
    expect(first.items.map((entry) => entry.id)).toEqual([early.body.id, middle.body.id]);
    const rest = await timeline(incident.id, { limit: 2, cursor: first.nextCursor });
    expect(rest.items.map((entry) => entry.id)).toEqual(all.items.slice(2).map((entry) => entry.id));
    expect(rest.nextCursor).toBeNull();
    expect((await timeline(incident.id, { kind: 'action' })).items.map((entry) => entry.id)).toEqual([
      middle.body.id,
    ]);
  });

  it('binds a cursor to its incident (the path) and filters, in REST and GraphQL alike', async () => {
    const incident = await declareIncident(t);
    const other = await declareIncident(t);
    for (const body of ['One', 'Two']) await add(incident.id, { kind: 'note', body }).expect(201);
    const first = await timeline(incident.id, { limit: 1 });

    const gql = await t.graphql<{ incidentTimeline: { items: { id: string }[] } }>(
      `query($incidentId: ID!, $cursor: String) {
        incidentTimeline(incidentId: $incidentId, cursor: $cursor, limit: 10) { items { id } }
      }`,
      { incidentId: incident.id, cursor: first.nextCursor },
      t.tokens.viewer,
    );
    expect(gql.errors).toBeUndefined();
    expect(gql.data!.incidentTimeline.items).toHaveLength(2);

    for (const [incidentId, query] of [
      [other.id, {}],
      [incident.id, { kind: 'note' }],
    ] as const) {
      const refused = await t
        .http(t.tokens.viewer)
        .get(`/v1/incidents/${incidentId}/timeline`)
        .query({ ...query, cursor: first.nextCursor })
        .expect(400);
      expect(refused.body).toMatchObject({
        code: 'pagination.invalid_cursor',
        errors: [{ path: 'cursor', message: 'cursor belongs to other filters; start again without it' }],
      });
    }
  });

  it('writes status and severity changes automatically, in the transaction that makes them', async () => {
    const incident = await declareIncident(t, { severity: 'SEV3' });
    await t
      .http(t.tokens.operator)
      .post(`/v1/incidents/${incident.id}/status`)
      .send({ status: 'acknowledged', reason: 'paged' })
      .expect(200);
    await t
      .http(t.tokens.operator)
      .patch(`/v1/incidents/${incident.id}`)
      .send({ severity: 'SEV2' })
      .expect(200);
    // A refused move writes nothing.
    await t
      .http(t.tokens.operator)
      .post(`/v1/incidents/${incident.id}/status`)
      .send({ status: 'closed' })
      .expect(409);
    const entries = (await timeline(incident.id)).items;
    expect(entries.map((entry) => [entry.kind, entry.body])).toEqual([
      ['status_change', 'Declared'],
      ['status_change', 'paged'],
      ['severity_change', null],
    ]);
    expect(entries[1]).toMatchObject({ fromStatus: 'triggered', toStatus: 'acknowledged' });
  });

  it('pins and unpins entries, recording each change once', async () => {
    const incident = await declareIncident(t);
    const note = await add(incident.id, { kind: 'note', body: 'Root cause found', isPinned: true }).expect(
      201,
    );
    expect(note.body).toMatchObject({ isPinned: true, pinnedAt: clock.now().toISOString() });
    const other = await add(incident.id, { kind: 'note', body: 'Coffee' }).expect(201);

    const pin = (entryId: string, verb: 'pin' | 'unpin') =>
      t.http(t.tokens.operator).post(`/v1/incidents/${incident.id}/timeline/${entryId}/${verb}`);
    const pinned = await pin(other.body.id, 'pin').expect(200);
    expect(pinned.body).toMatchObject({ isPinned: true, pinnedBy: expect.any(String) });
    await pin(other.body.id, 'pin').expect(200);
    expect((await timeline(incident.id, { pinnedOnly: true })).items.map((entry) => entry.id)).toEqual([
      note.body.id,
      other.body.id,
    ]);
    const unpinned = await pin(other.body.id, 'unpin').expect(200);
    expect(unpinned.body).toMatchObject({ isPinned: false, pinnedAt: null, pinnedBy: null });
    expect((await timeline(incident.id, { pinnedOnly: true })).items.map((entry) => entry.id)).toEqual([
      note.body.id,
    ]);
    const events = await t.app
      .get(DataSource)
      .query(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [incident.id]);
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'incident.triggered',
      'incident.timeline_entry_added',
      'incident.timeline_entry_added',
      'incident.timeline_entry_pinned',
      'incident.timeline_entry_unpinned',
    ]);

    const elsewhere = await declareIncident(t);
    const wrongIncident = await t
      .http(t.tokens.operator)
      .post(`/v1/incidents/${elsewhere.id}/timeline/${note.body.id}/unpin`)
      .expect(404);
    expect(wrongIncident.body.code).toBe('incident.timeline_entry_not_found');
  });

  it('links deployment entries to a deployment that exists', async () => {
    const incident = await declareIncident(t);
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const release = await createRelease(t, service.id);
    const deployment = (await requestDeployment(t, release.id, environment.id).expect(201)).body;
    const entry = await add(incident.id, {
      kind: 'deployment',
      deploymentId: deployment.id,
      body: 'Rolled back',
    }).expect(201);
    expect(entry.body).toMatchObject({ kind: 'deployment', deploymentId: deployment.id });
    const unknown = await add(incident.id, {
      kind: 'deployment',
      deploymentId: '00000000-0000-4000-8000-000000000000',
    }).expect(400);
    expect(unknown.body).toMatchObject({
      code: 'incident.unknown_reference',
      errors: [{ path: 'deploymentId', message: 'no such deployment' }],
    });
  });

  it('refuses bad entries on both transports, naming the fields, and writes nothing', async () => {
    const incident = await declareIncident(t);
    const paths = (body: { errors: { path: string }[] }) => body.errors.map((error) => error.path).sort();
    const automatic = await add(incident.id, { kind: 'status_change', body: 'x' }).expect(400);
    expect(paths(automatic.body)).toEqual(['kind']);
    const blank = await add(incident.id, {
      kind: 'note',
      body: '  ',
      occurredAt: '2099-01-01T00:00:00Z',
    }).expect(400);
    expect(blank.body.errors).toEqual([
      { path: 'occurredAt', message: 'must not be in the future' },
      { path: 'body', message: 'is required for a note' },
    ]);
    const missingDeployment = await add(incident.id, { kind: 'deployment' }).expect(400);
    expect(paths(missingDeployment.body)).toEqual(['deploymentId']);
    const strayDeployment = await add(incident.id, {
      kind: 'note',
      body: 'x',
      deploymentId: '00000000-0000-4000-8000-000000000000',
    }).expect(400);
    expect(strayDeployment.body.errors).toEqual([
      { path: 'deploymentId', message: 'only goes with kind deployment' },
    ]);
    await t
      .http(t.tokens.operator)
      .post('/v1/incidents/00000000-0000-4000-8000-000000000000/timeline')
      .send({ kind: 'note', body: 'x' })
      .expect(404);
    await t
      .http(t.tokens.viewer)
      .post(`/v1/incidents/${incident.id}/timeline`)
      .send({ kind: 'note', body: 'x' })
      .expect(403);

    const gql = await t.graphql(
      `mutation($id: ID!) { addIncidentTimelineEntry(incidentId: $id, input: { kind: note, body: " " }) { id } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(gql.errors?.[0]?.extensions).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: 'body', message: 'is required for a note' }],
    });
    const gqlKind = await t.graphql(
      `mutation($id: ID!) { addIncidentTimelineEntry(incidentId: $id, input: { kind: status_change }) { id } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(gqlKind.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', status: 400 });
    // A malformed id is named as it was sent: the path parameter, the GraphQL argument.
    const badEntry = await t
      .http(t.tokens.operator)
      .post(`/v1/incidents/${incident.id}/timeline/latest/pin`)
      .expect(400);
    expect(badEntry.body).toMatchObject({
      detail: 'The entryId in the path must be a UUID.',
      errors: [{ path: 'entryId', message: 'entryId must be a UUID' }],
    });
    const gqlIncident = await t.graphql(
      `mutation { addIncidentTimelineEntry(incidentId: "INC-7", input: { kind: note, body: "x" }) { id } }`,
      {},
      t.tokens.operator,
    );
    expect(gqlIncident.errors?.[0]).toMatchObject({
      message: 'incidentId must be a UUID.',
      extensions: {
        code: 'request.validation_failed',
        errors: [{ path: 'incidentId', message: 'incidentId must be a UUID' }],
      },
    });
    expect((await timeline(incident.id)).items).toHaveLength(1);
  });

  describe('over GraphQL', () => {
    it('writes, pins and pages timeline entries', async () => {
      const incident = await declareIncident(t);
      const added = await t.graphql<{ addIncidentTimelineEntry: { id: string; occurredAt: string } }>(
        `mutation($id: ID!, $at: DateTime) {
          addIncidentTimelineEntry(incidentId: $id, input: { kind: note, body: "from GraphQL", occurredAt: $at }) { id occurredAt }
        }`,
        { id: incident.id, at: minutesAgo(5) },
        t.tokens.operator,
      );
      expect(added.errors).toBeUndefined();
      const entryId = added.data!.addIncidentTimelineEntry.id;
      const pinned = await t.graphql(
        `mutation($id: ID!, $entryId: ID!) { pinIncidentTimelineEntry(incidentId: $id, entryId: $entryId) { isPinned } }`,
        { id: incident.id, entryId },
        t.tokens.operator,
      );
      expect(pinned.data).toEqual({ pinIncidentTimelineEntry: { isPinned: true } });
      const page = await t.graphql<{
        incidentTimeline: { items: { id: string }[]; nextCursor: string | null };
      }>(
        `query($id: ID!) { incidentTimeline(incidentId: $id, limit: 1) { items { id } nextCursor } }`,
        { id: incident.id },
        t.tokens.viewer,
      );
      expect(page.errors).toBeUndefined();
      expect(page.data!.incidentTimeline.items).toEqual([{ id: entryId }]);
      expect(page.data!.incidentTimeline.nextCursor).not.toBeNull();
    });

    it('loads the timelines of a page of incidents in one query', async () => {
      const service = await createService(t);
      const incidents = [
        await declareIncident(t, { services: [service.id] }),
        await declareIncident(t, { services: [service.id] }),
        await declareIncident(t, { services: [service.id] }),
      ];
      await walk(t, incidents[1].id, 'acknowledged');
      const entriesOfMany = jest.spyOn(t.app.get(TimelineService), 'entriesOfMany');
      const listed = await t.graphql<{
        incidents: { items: { id: string; timeline: { kind: string; toStatus: string }[] }[] };
      }>(
        `query($serviceId: ID) { incidents(serviceId: $serviceId) { items { id timeline { kind toStatus } } } }`,
        { serviceId: service.id },
        t.tokens.viewer,
      );
      expect(listed.errors).toBeUndefined();
      expect(entriesOfMany).toHaveBeenCalledTimes(1);
      entriesOfMany.mockRestore();
      const byId = new Map(listed.data!.incidents.items.map((item) => [item.id, item.timeline]));
      expect(byId.get(incidents[0].id)).toEqual([{ kind: 'status_change', toStatus: 'triggered' }]);
      expect(byId.get(incidents[1].id)!.map((entry) => entry.toStatus)).toEqual([
        'triggered',
        'acknowledged',
      ]);
    });
  });
});
