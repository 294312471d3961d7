import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import { changeStatus, declareIncident, walk } from './fixtures';

const COMPLETE = {
  summary: 'Card payments failed',
  rootCause: 'A config push',
  impact: '12% of checkouts for 40 min',
};

describe('postmortems', () => {
  const clock = new FixedClock(new Date('2032-09-01T09:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.close());

  const url = (incidentId: string) => `/v1/incidents/${incidentId}/postmortem`;
  const create = (incidentId: string, body: object = {}) =>
    t.http(t.tokens.operator).post(url(incidentId)).send(body);
  const patch = (incidentId: string, body: object, version?: number) => {
    const call = t.http(t.tokens.operator).patch(url(incidentId));
    return (version ? call.set('if-match', `"${version}"`) : call).send(body);
  };
  const move = (incidentId: string, status: string) =>
    t
      .http(t.tokens.operator)
      .post(`${url(incidentId)}/status`)
      .send({ status });

  it('is written as a draft, reviewed, sent back, and published; one per incident', async () => {
    const incident = await declareIncident(t, { severity: 'SEV2' });
    const created = await create(incident.id, {
      summary: ' Card payments failed ',
      actionItems: [{ title: 'Alert on card errors', owner: 'payments', dueDate: '2032-10-01' }],
    }).expect(201);
    expect(created.body).toMatchObject({
      incidentId: incident.id,
      status: 'draft',
      summary: 'Card payments failed',
      rootCause: null,
      impact: null,
      actionItems: [{ title: 'Alert on card errors', owner: 'payments', dueDate: '2032-10-01', done: false }],
      publishedAt: null,
      version: 1,
    });
    expect(created.headers.etag).toBe('"1"');
    const again = await create(incident.id).expect(409);
    expect(again.body.code).toBe('postmortem.exists');

    const incomplete = await move(incident.id, 'in_review').expect(409);
    expect(incomplete.body).toMatchObject({
      code: 'postmortem.incomplete',
      errors: [
        { path: 'rootCause', message: 'is required' },
        { path: 'impact', message: 'is required' },
      ],
    });
    await patch(incident.id, { rootCause: COMPLETE.rootCause, impact: COMPLETE.impact }, 1).expect(200);
    await patch(incident.id, { summary: 'stale' }, 1).expect(412);
    const skipping = await move(incident.id, 'published').expect(409);
    expect(skipping.body).toMatchObject({
      code: 'postmortem.illegal_transition',
      errors: [{ path: 'status', message: 'allowed next statuses: in_review' }],
    });
    await move(incident.id, 'in_review').expect(200);
    await move(incident.id, 'draft').expect(200);
    await move(incident.id, 'in_review').expect(200);
    clock.advance(60_000);
    const published = await move(incident.id, 'published').expect(200);
    expect(published.body).toMatchObject({
      status: 'published',
      publishedAt: clock.now().toISOString(),
      version: 6,
    });
    const final = await move(incident.id, 'draft').expect(409);
    expect(final.body.errors).toEqual([
      { path: 'status', message: 'allowed next statuses: none (published is final)' },
    ]);

    const events = await t.app
      .get(DataSource)
      .query(
        `SELECT type FROM outbox_events WHERE aggregate_type = 'postmortem' AND aggregate_id = $1 ORDER BY id`,
        [created.body.id],
      );
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'postmortem.created',
      'postmortem.updated',
      'postmortem.submitted_for_review',
      'postmortem.returned_to_draft',
      'postmortem.submitted_for_review',
      'postmortem.published',
    ]);
  });

  it('freezes a published narrative but keeps action items trackable', async () => {
    const incident = await declareIncident(t, { severity: 'SEV3' });
    await create(incident.id, { ...COMPLETE, actionItems: [{ title: 'Add a canary' }] }).expect(201);
    await move(incident.id, 'in_review').expect(200);
    await move(incident.id, 'published').expect(200);
    const frozen = await patch(incident.id, { rootCause: 'Something else' }).expect(409);
    expect(frozen.body).toMatchObject({ code: 'postmortem.published', errors: [{ path: 'rootCause' }] });
    const unchanged = await patch(incident.id, { summary: COMPLETE.summary }).expect(200);
    expect(unchanged.body.summary).toBe(COMPLETE.summary);
    const tracked = await patch(incident.id, { actionItems: [{ title: 'Add a canary', done: true }] }).expect(
      200,
    );
    expect(tracked.body.actionItems).toEqual([
      { title: 'Add a canary', owner: null, dueDate: null, done: true },
    ]);
  });

  it('gates closing a SEV1/SEV2 incident on a published postmortem, not a SEV3', async () => {
    const severe = await declareIncident(t, { severity: 'SEV2' });
    await walk(t, severe.id, 'acknowledged', 'resolved');
    const none = await changeStatus(t, severe.id, 'closed').expect(409);
    expect(none.body).toMatchObject({ code: 'incident.postmortem_required', errors: [{ path: 'status' }] });
    expect(none.body.detail).toContain('it has none');
    await create(severe.id, COMPLETE).expect(201);
    const draft = await changeStatus(t, severe.id, 'closed').expect(409);
    expect(draft.body.detail).toContain('its postmortem is draft');
    await move(severe.id, 'in_review').expect(200);
    await move(severe.id, 'published').expect(200);
    await changeStatus(t, severe.id, 'closed').expect(200);

    const minor = await declareIncident(t, { severity: 'SEV3' });
    await walk(t, minor.id, 'resolved', 'closed');
    // Raising the severity of a resolved incident puts it under the gate.
    const raised = await declareIncident(t, { severity: 'SEV3' });
    await walk(t, raised.id, 'resolved');
    await t
      .http(t.tokens.operator)
      .patch(`/v1/incidents/${raised.id}`)
      .send({ severity: 'SEV1' })
      .expect(200);
    await changeStatus(t, raised.id, 'closed').expect(409);
  });

  describe('with INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY', () => {
    it.each([
      ['none', 'SEV1', 200],
      ['SEV1', 'SEV2', 200],
      ['SEV1', 'SEV1', 409],
      ['SEV4', 'SEV4', 409],
    ])('=%s closes a %s incident without a postmortem: %d', async (setting, severity, status) => {
      const configured = await createTestApp({ INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY: setting });
      try {
        const incident = await declareIncident(configured, { severity });
        await walk(configured, incident.id, 'resolved');
        await changeStatus(configured, incident.id, 'closed').expect(status);
      } finally {
        await configured.close();
      }
    });
  });

  it('refuses bad input on both transports, naming the fields', async () => {
    const incident = await declareIncident(t);
    const bad = await create(incident.id, {
      actionItems: [
        { title: ' ', dueDate: '2032-02-30' },
        { title: 'ok', dueDate: 'next week', done: 'yes' },
      ],
    }).expect(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'actionItems.1.done',
      'actionItems.1.dueDate',
    ]);
    const calendar = await create(incident.id, {
      actionItems: [{ title: ' ', dueDate: '2032-02-30' }],
    }).expect(400);
    expect(calendar.body.errors).toEqual([
      { path: 'actionItems.0.title', message: 'must not be blank' },
      { path: 'actionItems.0.dueDate', message: 'is not a calendar date' },
    ]);
    await t.http(t.tokens.viewer).get(url(incident.id)).expect(404);
    await t.http(t.tokens.viewer).post(url(incident.id)).send({}).expect(403);
    await create('00000000-0000-4000-8000-000000000000').expect(404);
    await move(incident.id, 'in_review').expect(404);

    const gql = await t.graphql(
      `mutation($id: ID!) { createPostmortem(incidentId: $id, input: { actionItems: [{ title: "x", dueDate: "soon" }] }) { id } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(gql.errors?.[0]?.extensions).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: 'actionItems.0.dueDate' }],
    });
    const status = await t.graphql(
      `mutation($id: ID!) { changePostmortemStatus(incidentId: $id, input: { status: done }) { id } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(status.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', status: 400 });
  });

  it('works over GraphQL and shows on the incident', async () => {
    const incident = await declareIncident(t, { severity: 'SEV1' });
    const created = await t.graphql<{ createPostmortem: { status: string; version: number } }>(
      `mutation($id: ID!) { createPostmortem(incidentId: $id, input: { summary: "s", rootCause: "r", impact: "i" }) { status version } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(created.data).toEqual({ createPostmortem: { status: 'draft', version: 1 } });
    const updated = await t.graphql(
      `mutation($id: ID!) { updatePostmortem(incidentId: $id, input: { actionItems: [{ title: "Fix it", owner: "team" }] }, expectedVersion: 1) { actionItems { title owner done } version } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(updated.data).toEqual({
      updatePostmortem: { actionItems: [{ title: 'Fix it', owner: 'team', done: false }], version: 2 },
    });
    const reviewed = await t.graphql(
      `mutation($id: ID!) { changePostmortemStatus(incidentId: $id, input: { status: in_review }) { status } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(reviewed.data).toEqual({ changePostmortemStatus: { status: 'in_review' } });
    const read = await t.graphql(
      `query($id: ID!) { postmortem(incidentId: $id) { status } incident(id: $id) { postmortem { status actionItems { title } } } }`,
      { id: incident.id },
      t.tokens.viewer,
    );
    expect(read.data).toEqual({
      postmortem: { status: 'in_review' },
      incident: { postmortem: { status: 'in_review', actionItems: [{ title: 'Fix it' }] } },
    });
    const missing = await t.graphql(`query($id: ID!) { postmortem(incidentId: $id) { id } }`, {
      id: (await declareIncident(t)).id,
    });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'postmortem.not_found', status: 404 });
  });
});
