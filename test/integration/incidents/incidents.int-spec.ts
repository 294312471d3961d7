import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { changeStatus, createEnvironment, createService, declareIncident, walk } from './fixtures';

interface TimelineRow {
  kind: string;
  fromSeverity: string | null;
  toSeverity: string | null;
  actor: { kind: string; id: string; name: string };
}

describe('incidents', () => {
  const clock = new FixedClock(new Date('2032-05-04T08:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.close());

  const get = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/incidents/${id}`).expect(200)).body;
  const events = (id: string) =>
    t.app
      .get(DataSource)
      .query(
        `SELECT type, payload FROM outbox_events WHERE aggregate_type = 'incident' AND aggregate_id = $1 ORDER BY id`,
        [id],
      ) as Promise<{ type: string; payload: { before: object | null; after: object | null } }[]>;

  it('declares an incident against services and environments named by slug or id, stored as ids', async () => {
    const service = await createService(t);
    const other = await createService(t);
    const environment = await createEnvironment(t, 0);
    const declaredAt = clock.now();
    const response = await t
      .http(t.tokens.operator)
      .post('/v1/incidents')
      .send({
        title: '  Checkout returns 502  ',
        summary: 'Card payments fail',
        severity: 'SEV2',
        services: [service.slug, other.id, service.id],
        environments: [environment.slug],
        commander: 'Dana Scully',
        responders: ['Fox Mulder', ' Fox Mulder ', 'Walter Skinner'],
        impactStartedAt: '2032-05-04T07:40:00Z',
        detectedAt: '2032-05-04T07:45:00Z',
      })
      .expect(201);
    expect(response.body).toMatchObject({
      title: 'Checkout returns 502',
      summary: 'Card payments fail',
      severity: 'SEV2',
      status: 'triggered',
      serviceIds: [service.id, other.id],
      environmentIds: [environment.id],
      commander: 'Dana Scully',
      responders: ['Fox Mulder', 'Walter Skinner'],
      triggeredAt: declaredAt.toISOString(),
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
      reopenedAt: null,
      reopenCount: 0,
      impactStartedAt: '2032-05-04T07:40:00.000Z',
      detectedAt: '2032-05-04T07:45:00.000Z',
      causedByDeploymentId: null,
      version: 1,
    });
    expect(response.headers.etag).toBe('"1"');
    expect(await get(response.body.id)).toEqual(response.body);
    const [event] = await events(response.body.id);
    expect(event).toMatchObject({
      type: 'incident.triggered',
      payload: { before: null, after: { status: 'triggered' } },
    });
  });

  it('stamps each status with the clock, keeps the first acknowledgement across a reopen and records each move', async () => {
    const incident = await declareIncident(t, { severity: 'SEV3' });
    const triggeredAt = clock.now();
    const at = (minutes: number) => new Date(triggeredAt.getTime() + minutes * 60_000).toISOString();

    clock.set(new Date(at(2)));
    const acknowledged = await changeStatus(t, incident.id, 'acknowledged', 'on it').expect(200);
    expect(acknowledged.body).toMatchObject({ status: 'acknowledged', acknowledgedAt: at(2), version: 2 });
    clock.set(new Date(at(10)));
    await changeStatus(t, incident.id, 'mitigated').expect(200);
    clock.set(new Date(at(30)));
    await changeStatus(t, incident.id, 'resolved').expect(200);
    clock.set(new Date(at(45)));
    const closed = await changeStatus(t, incident.id, 'closed').expect(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      triggeredAt: triggeredAt.toISOString(),
      acknowledgedAt: at(2),
      mitigatedAt: at(10),
      resolvedAt: at(30),
      closedAt: at(45),
      reopenCount: 0,
      version: 5,
    });

    clock.set(new Date(at(60)));
    const reopened = await changeStatus(t, incident.id, 'acknowledged', 'errors are back').expect(200);
    expect(reopened.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: at(2),
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
      reopenedAt: at(60),
      reopenCount: 1,
    });
    clock.set(new Date(at(70)));
    const resolvedAgain = await changeStatus(t, incident.id, 'resolved').expect(200);
    // Resolving without a new mitigation: resolution ends impact, so mitigatedAt is stamped too.
    expect(resolvedAgain.body).toMatchObject({
      acknowledgedAt: at(2),
      mitigatedAt: at(70),
      resolvedAt: at(70),
    });

    expect((await events(incident.id)).map((event) => event.type)).toEqual([
      'incident.triggered',
      'incident.acknowledged',
      'incident.mitigated',
      'incident.resolved',
      'incident.closed',
      'incident.reopened',
      'incident.resolved',
    ]);
    const audit = await t.app
      .get(DataSource)
      .query(`SELECT action, reason FROM audit_events WHERE target_id = $1 ORDER BY seq`, [incident.id]);
    expect(audit[1]).toEqual({ action: 'incident.acknowledged', reason: 'on it' });
    expect(audit[5]).toEqual({ action: 'incident.reopened', reason: 'errors are back' });
  });

  it('refuses illegal moves with 409 listing the allowed ones, and changes nothing', async () => {
    const incident = await declareIncident(t);
    const closing = await changeStatus(t, incident.id, 'closed').expect(409);
    expect(closing.body).toMatchObject({
      code: 'incident.illegal_transition',
      errors: [{ path: 'status', message: 'allowed next statuses: acknowledged, mitigated, resolved' }],
    });
    expect(closing.body.detail).toContain('is triggered and cannot become closed');
    const same = await changeStatus(t, incident.id, 'triggered').expect(409);
    expect(same.body.code).toBe('incident.illegal_transition');

    await walk(t, incident.id, 'acknowledged', 'mitigated');
    const backwards = await changeStatus(t, incident.id, 'closed').expect(409);
    expect(backwards.body.errors).toEqual([
      { path: 'status', message: 'allowed next statuses: resolved, triggered, acknowledged' },
    ]);
    await walk(t, incident.id, 'resolved');
    const unmitigate = await changeStatus(t, incident.id, 'mitigated').expect(409);
    expect(unmitigate.body.errors[0].message).toBe('allowed next statuses: closed, triggered, acknowledged');
    expect(await get(incident.id)).toMatchObject({ status: 'resolved', version: 4 });
    expect((await events(incident.id)).map((event) => event.type)).toHaveLength(4);
  });

  it('lets forward moves skip steps without inventing an acknowledgement', async () => {
    const incident = await declareIncident(t);
    clock.advance(5 * 60_000);
    const resolved = await changeStatus(t, incident.id, 'resolved', 'auto-recovered').expect(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      acknowledgedAt: null,
      mitigatedAt: clock.now().toISOString(),
      resolvedAt: clock.now().toISOString(),
    });
    const reopened = await changeStatus(t, incident.id, 'triggered').expect(200);
    expect(reopened.body).toMatchObject({ status: 'triggered', reopenCount: 1, acknowledgedAt: null });
  });

  it('refuses a stale If-Match with 412 on status changes and updates', async () => {
    const incident = await declareIncident(t);
    await t
      .http(t.tokens.operator)
      .post(`/v1/incidents/${incident.id}/status`)
      .set('if-match', '"1"')
      .send({ status: 'acknowledged' })
      .expect(200);
    const stale = await t
      .http(t.tokens.operator)
      .post(`/v1/incidents/${incident.id}/status`)
      .set('if-match', '"1"')
      .send({ status: 'mitigated' })
      .expect(412);
    expect(stale.body.code).toBe('concurrency.version_mismatch');
    await t
      .http(t.tokens.operator)
      .patch(`/v1/incidents/${incident.id}`)
      .set('if-match', '"1"')
      .send({ title: 'stale' })
      .expect(412);
    expect(await get(incident.id)).toMatchObject({ status: 'acknowledged', version: 2 });
  });

  describe('PATCH', () => {
    it('changes severity with a severity_change entry and incident.severity_changed, other fields with incident.updated', async () => {
      const incident = await declareIncident(t, { severity: 'SEV3' });
      const environment = await createEnvironment(t, 0);
      const updated = await t
        .http(t.tokens.operator)
        .patch(`/v1/incidents/${incident.id}`)
        .set('if-match', '"1"')
        .send({ severity: 'SEV1', environments: [environment.slug], commander: 'Monica Reyes' })
        .expect(200);
      expect(updated.body).toMatchObject({
        severity: 'SEV1',
        environmentIds: [environment.id],
        commander: 'Monica Reyes',
        version: 2,
      });
      expect(updated.headers.etag).toBe('"2"');
      const recorded = await events(incident.id);
      expect(recorded.map((event) => event.type)).toEqual([
        'incident.triggered',
        'incident.severity_changed',
        'incident.updated',
      ]);
      expect(recorded[1].payload).toMatchObject({
        before: { severity: 'SEV3' },
        after: { severity: 'SEV1' },
      });
      const timeline = await t.http(t.tokens.viewer).get(`/v1/incidents/${incident.id}/timeline`).expect(200);
      expect(
        (timeline.body.items as TimelineRow[]).map((entry) => [
          entry.kind,
          entry.fromSeverity,
          entry.toSeverity,
        ]),
      ).toEqual([
        ['status_change', null, null],
        ['severity_change', 'SEV3', 'SEV1'],
      ]);

      const cleared = await t
        .http(t.tokens.operator)
        .patch(`/v1/incidents/${incident.id}`)
        .send({ commander: null, summary: null })
        .expect(200);
      expect(cleared.body).toMatchObject({ commander: null, summary: null, version: 3 });
    });

    it('changes and records nothing when what is sent is already stored', async () => {
      const incident = await declareIncident(t, { severity: 'SEV4', title: 'Same' });
      const response = await t
        .http(t.tokens.operator)
        .patch(`/v1/incidents/${incident.id}`)
        .send({ severity: 'SEV4', title: ' Same ', responders: [] })
        .expect(200);
      expect(response.body.version).toBe(1);
      expect(await events(incident.id)).toHaveLength(1);
    });

    it('sets impactStartedAt and detectedAt separately, and refuses impact after detection or in the future', async () => {
      const incident = await declareIncident(t);
      const patch = (body: object) =>
        t.http(t.tokens.operator).patch(`/v1/incidents/${incident.id}`).send(body);
      const now = clock.now().getTime();
      const detectedAt = new Date(now - 10 * 60_000).toISOString();
      const impactStartedAt = new Date(now - 25 * 60_000).toISOString();
      expect((await patch({ detectedAt }).expect(200)).body).toMatchObject({
        detectedAt,
        impactStartedAt: null,
      });
      expect((await patch({ impactStartedAt }).expect(200)).body).toMatchObject({
        detectedAt,
        impactStartedAt,
      });

      const late = await patch({ impactStartedAt: new Date(now - 5 * 60_000).toISOString() }).expect(400);
      expect(late.body).toMatchObject({
        code: 'request.validation_failed',
        errors: [{ path: 'impactStartedAt', message: 'impactStartedAt must not be after detectedAt' }],
      });
      const future = await patch({ detectedAt: new Date(now + 3_600_000).toISOString() }).expect(400);
      expect(future.body.errors).toEqual(
        expect.arrayContaining([{ path: 'detectedAt', message: 'must not be in the future' }]),
      );
      expect(await get(incident.id)).toMatchObject({ detectedAt, impactStartedAt, version: 3 });
    });
  });

  describe('lists', () => {
    it('filters by status, severity, service, environment and period, in cursor pages newest first', async () => {
      const service = await createService(t);
      const environment = await createEnvironment(t, 0);
      const scope = { services: [service.id], environments: [environment.id] };
      clock.set(new Date('2032-06-01T00:00:00Z'));
      const first = await declareIncident(t, { ...scope, severity: 'SEV1' });
      clock.set(new Date('2032-06-02T00:00:00Z'));
      const second = await declareIncident(t, { services: [service.id], severity: 'SEV2' });
      clock.set(new Date('2032-06-03T00:00:00Z'));
      const third = await declareIncident(t, { ...scope, severity: 'SEV2' });
      await walk(t, third.id, 'acknowledged');
      await declareIncident(t, { severity: 'SEV2' });

      const list = async (query: Record<string, unknown>) =>
        (await t.http(t.tokens.viewer).get('/v1/incidents').query(query).expect(200)).body;
      const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);
      expect(ids(await list({ serviceId: service.id }))).toEqual([third.id, second.id, first.id]);
      expect(ids(await list({ environmentId: environment.id }))).toEqual([third.id, first.id]);
      expect(ids(await list({ serviceId: service.id, severity: 'SEV2' }))).toEqual([third.id, second.id]);
      expect(ids(await list({ serviceId: service.id, status: 'acknowledged' }))).toEqual([third.id]);
      expect(
        ids(await list({ serviceId: service.id, from: '2032-06-02T00:00:00Z', to: '2032-06-03T00:00:00Z' })),
      ).toEqual([second.id]);

      const page1 = await list({ serviceId: service.id, limit: 2 });
      expect(ids(page1)).toEqual([third.id, second.id]);
      const page2 = await list({ serviceId: service.id, limit: 2, cursor: page1.nextCursor });
      expect(ids(page2)).toEqual([first.id]);
      expect(page2.nextCursor).toBeNull();
    });

    it('refuses a cursor resumed under another status or severity with a 400 naming cursor', async () => {
      const service = await createService(t);
      for (let i = 0; i < 3; i += 1) await declareIncident(t, { services: [service.id], severity: 'SEV3' });
      const list = (query: Record<string, unknown>) =>
        t.http(t.tokens.viewer).get('/v1/incidents').query(query);
      const filters = { serviceId: service.id, status: 'triggered' };
      const page1 = await list({ ...filters, limit: 1 }).expect(200);
      const cursor = page1.body.nextCursor as string;
      expect((await list({ ...filters, limit: 2, cursor }).expect(200)).body.items).toHaveLength(2);

      for (const other of [
        { ...filters, status: 'resolved' },
        { ...filters, severity: 'SEV3' },
      ]) {
        const refused = await list({ ...other, limit: 1, cursor }).expect(400);
        expect(refused.body).toMatchObject({
          code: 'pagination.invalid_cursor',
          detail: expect.stringMatching(/other filters.*start again without it/),
          errors: [{ path: 'cursor', message: expect.stringContaining('other filters') }],
        });
      }
    });
  });

  it('creates one incident for retries with the same Idempotency-Key', async () => {
    const service = await createService(t);
    const key = unique('key');
    const body = { title: 'Retry me', severity: 'SEV4', services: [service.id] };
    const first = await t
      .http(t.tokens.operator)
      .post('/v1/incidents')
      .set('idempotency-key', key)
      .send(body)
      .expect(201);
    const again = await t
      .http(t.tokens.operator)
      .post('/v1/incidents')
      .set('idempotency-key', key)
      .send(body)
      .expect(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const page = await t
      .http(t.tokens.viewer)
      .get('/v1/incidents')
      .query({ serviceId: service.id })
      .expect(200);
    expect(page.body.items).toHaveLength(1);
  });

  describe('roles', () => {
    it('lets a viewer read but not declare or move incidents, on both transports', async () => {
      const incident = await declareIncident(t);
      await t.http(t.tokens.viewer).get(`/v1/incidents/${incident.id}`).expect(200);
      const refused = await t
        .http(t.tokens.viewer)
        .post('/v1/incidents')
        .send({ title: 'x', severity: 'SEV5' })
        .expect(403);
      expect(refused.body.code).toBe('auth.forbidden');
      await t
        .http(t.tokens.viewer)
        .post(`/v1/incidents/${incident.id}/status`)
        .send({ status: 'acknowledged' })
        .expect(403);
      const graphql = await t.graphql(
        `mutation { declareIncident(input: { title: "x", severity: SEV5 }) { id } }`,
        {},
        t.tokens.viewer,
      );
      expect(graphql.errors?.[0]?.extensions).toMatchObject({ code: 'auth.forbidden', status: 403 });
      const auditor = await t
        .http(t.tokens.auditor)
        .post('/v1/incidents')
        .send({ title: 'x', severity: 'SEV5' });
      expect(auditor.status).toBe(403);
      expect(await get(incident.id)).toMatchObject({ status: 'triggered', version: 1 });
    });
  });

  describe('over GraphQL', () => {
    const DECLARE = `mutation($input: DeclareIncidentInput!) {
      declareIncident(input: $input) { id status severity serviceIds triggeredAt version }
    }`;

    it('declares, moves, updates and reads incidents with their services, environments and timeline', async () => {
      const service = await createService(t);
      const environment = await createEnvironment(t, 0);
      const declared = await t.graphql<{
        declareIncident: { id: string; status: string; serviceIds: string[] };
      }>(
        DECLARE,
        {
          input: {
            title: 'GraphQL incident',
            severity: 'SEV3',
            services: [service.slug],
            environments: [environment.id],
          },
        },
        t.tokens.operator,
      );
      expect(declared.errors).toBeUndefined();
      expect(declared.data!.declareIncident).toMatchObject({ status: 'triggered', serviceIds: [service.id] });
      const id = declared.data!.declareIncident.id;

      const moved = await t.graphql(
        `mutation($id: ID!) { changeIncidentStatus(id: $id, input: { status: acknowledged, reason: "paged" }, expectedVersion: 1) { status version acknowledgedAt } }`,
        { id },
        t.tokens.operator,
      );
      expect(moved.data).toEqual({
        changeIncidentStatus: {
          status: 'acknowledged',
          version: 2,
          acknowledgedAt: clock.now().toISOString(),
        },
      });
      const illegal = await t.graphql(
        `mutation($id: ID!) { changeIncidentStatus(id: $id, input: { status: closed }) { status } }`,
        { id },
        t.tokens.operator,
      );
      expect(illegal.errors?.[0]?.extensions).toMatchObject({
        code: 'incident.illegal_transition',
        status: 409,
        errors: [{ path: 'status', message: 'allowed next statuses: mitigated, resolved' }],
      });
      const stale = await t.graphql(
        `mutation($id: ID!) { updateIncident(id: $id, input: { severity: SEV1 }, expectedVersion: 1) { version } }`,
        { id },
        t.tokens.operator,
      );
      expect(stale.errors?.[0]?.extensions).toMatchObject({
        code: 'concurrency.version_mismatch',
        status: 412,
      });
      const updated = await t.graphql(
        `mutation($id: ID!) { updateIncident(id: $id, input: { severity: SEV1 }, expectedVersion: 2) { severity version } }`,
        { id },
        t.tokens.operator,
      );
      expect(updated.data).toEqual({ updateIncident: { severity: 'SEV1', version: 3 } });

      const read = await t.graphql<{ incident: { timeline: TimelineRow[] } }>(
        `query($id: ID!) { incident(id: $id) {
            id status services { slug } environments { slug } postmortem { status } causedByDeployment { id }
            timeline { kind fromStatus toStatus fromSeverity toSeverity body actor { kind id name } }
        } }`,
        { id },
        t.tokens.viewer,
      );
      expect(read.errors).toBeUndefined();
      expect(read.data!.incident).toMatchObject({
        status: 'acknowledged',
        services: [{ slug: service.slug }],
        environments: [{ slug: environment.slug }],
        postmortem: null,
        causedByDeployment: null,
      });
      expect(read.data!.incident.timeline).toEqual([
        expect.objectContaining({ kind: 'status_change', fromStatus: null, toStatus: 'triggered' }),
        expect.objectContaining({
          kind: 'status_change',
          fromStatus: 'triggered',
          toStatus: 'acknowledged',
          body: 'paged',
        }),
        expect.objectContaining({ kind: 'severity_change', fromSeverity: 'SEV3', toSeverity: 'SEV1' }),
      ]);
      expect(read.data!.incident.timeline[1].actor).toMatchObject({ kind: 'api_key', name: 'test operator' });

      const listed = await t.graphql<{ incidents: { items: { id: string }[] } }>(
        `query($serviceId: ID) { incidents(serviceId: $serviceId, status: acknowledged) { items { id } nextCursor } }`,
        { serviceId: service.id },
        t.tokens.viewer,
      );
      expect(listed.data!.incidents.items).toEqual([{ id }]);
    });
  });

  describe('bad input', () => {
    const post = (body: object) => t.http(t.tokens.operator).post('/v1/incidents').send(body);
    const paths = (body: { errors: { path: string }[] }) => body.errors.map((error) => error.path).sort();
    const gqlDeclare = (input: object) =>
      t.graphql(
        `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`,
        { input },
        t.tokens.operator,
      );

    it('REST: refuses an unknown severity, a blank title and wrongly typed fields, naming each, and creates nothing', async () => {
      const service = await createService(t);
      const response = await post({
        title: '   ',
        severity: 'SEV9',
        services: [service.id],
        responders: 'Fox',
        impactStartedAt: 'yesterday',
      }).expect(400);
      expect(response.body.code).toBe('request.validation_failed');
      expect(paths(response.body)).toEqual(['impactStartedAt', 'responders', 'severity']);
      expect(response.body.errors).toContainEqual({
        path: 'severity',
        message: 'severity must be one of: SEV1, SEV2, SEV3, SEV4, SEV5',
      });
      const blank = await post({ title: '   ', severity: 'SEV3', services: [service.id] }).expect(400);
      expect(blank.body.errors).toEqual([{ path: 'title', message: 'must not be blank' }]);
      const page = await t
        .http(t.tokens.viewer)
        .get('/v1/incidents')
        .query({ serviceId: service.id })
        .expect(200);
      expect(page.body.items).toEqual([]);
    });

    it('REST: names each unknown service and environment by its position', async () => {
      const service = await createService(t);
      const response = await post({
        title: 'x',
        severity: 'SEV3',
        services: [service.slug, 'no-such-service'],
        environments: ['00000000-0000-4000-8000-000000000000'],
      }).expect(400);
      expect(response.body).toMatchObject({ code: 'incident.unknown_reference' });
      expect(response.body.errors).toEqual([
        { path: 'services.1', message: 'no service with id or slug "no-such-service"' },
        {
          path: 'environments.0',
          message: 'no environment with id or slug "00000000-0000-4000-8000-000000000000"',
        },
      ]);
    });

    it('REST: refuses bad ids in the path and filters, and a period that ends before it starts', async () => {
      const notUuid = await t.http(t.tokens.viewer).get('/v1/incidents/not-a-uuid').expect(400);
      expect(notUuid.body.errors).toEqual([{ path: 'id', message: 'id must be a UUID' }]);
      await t.http(t.tokens.viewer).get('/v1/incidents/00000000-0000-4000-8000-000000000000').expect(404);
      const filters = await t
        .http(t.tokens.viewer)
        .get('/v1/incidents')
        .query({ serviceId: 'checkout', status: 'open', severity: 'sev1' })
        .expect(400);
      expect(paths(filters.body)).toEqual(['serviceId', 'severity', 'status']);
      const range = await t
        .http(t.tokens.viewer)
        .get('/v1/incidents')
        .query({ from: '2032-06-03T00:00:00Z', to: '2032-06-01T00:00:00Z' })
        .expect(400);
      expect(range.body.errors).toEqual([{ path: 'to', message: 'must be after from' }]);
      const status = await t
        .http(t.tokens.operator)
        .post('/v1/incidents/00000000-0000-4000-8000-000000000000/status')
        .send({ status: 'done' })
        .expect(400);
      expect(paths(status.body)).toEqual(['status']);
    });

    it('GraphQL: refuses the same input with the same codes and field paths', async () => {
      const unknownSeverity = await gqlDeclare({ title: 'x', severity: 'SEV9' });
      expect(unknownSeverity.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 400 });
      expect(unknownSeverity.errors?.[0]?.message).toContain('SEV9');
      const blank = await gqlDeclare({ title: ' ', severity: 'SEV3' });
      expect(blank.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        status: 400,
        errors: [{ path: 'title', message: 'must not be blank' }],
      });
      const unknown = await gqlDeclare({ title: 'x', severity: 'SEV3', services: ['no-such-service'] });
      expect(unknown.errors?.[0]?.extensions).toMatchObject({
        code: 'incident.unknown_reference',
        status: 400,
        errors: [{ path: 'services.0' }],
      });
      const late = await gqlDeclare({
        title: 'x',
        severity: 'SEV3',
        impactStartedAt: '2032-01-02T00:00:00Z',
        detectedAt: '2032-01-01T00:00:00Z',
      });
      expect(late.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        errors: [{ path: 'impactStartedAt' }],
      });
      const badId = await t.graphql(`{ incident(id: "not-a-uuid") { id } }`, {}, t.tokens.viewer);
      expect(badId.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        errors: [{ path: 'id' }],
      });
      const range = await t.graphql(
        `{ incidents(from: "2032-06-03T00:00:00Z", to: "2032-06-01T00:00:00Z") { nextCursor } }`,
        {},
        t.tokens.viewer,
      );
      expect(range.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        errors: [{ path: 'to' }],
      });
    });
  });
});
