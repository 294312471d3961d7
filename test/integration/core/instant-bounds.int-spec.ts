import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import { changeStatus, declareIncident } from '../incidents/fixtures';
import { createEnvironment, createRelease, createService } from '../releases/fixtures';

const RANGE = 'between 2000-01-01T00:00:00Z (included) and 2100-01-01T00:00:00Z (excluded)';
const INT32_MAX = 2 ** 31 - 1;

/**
 * Every instant the API takes lies in [2000-01-01, 2100-01-01), in bodies, query strings and
 * GraphQL alike, and the numbers computed from such instants stay within their documented types.
 */
describe('instant bounds', () => {
  // Near the end of the range, so an impact start at its beginning makes the longest duration there is.
  const clock = new FixedClock(new Date('2099-12-31T23:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.close());

  const declare = (body: Record<string, unknown>) =>
    t
      .http(t.tokens.operator)
      .post('/v1/incidents')
      .send({ title: 'Bounds', severity: 'SEV3', ...body });

  it('REST: refuses an impactStartedAt of 0001-01-01 with a 400 naming the field and the range', async () => {
    const response = await declare({ impactStartedAt: '0001-01-01T00:00:00Z' }).expect(400);
    expect(response.body).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: 'impactStartedAt', message: `impactStartedAt must be ${RANGE}` }],
    });
  });

  it('GraphQL: refuses it the same way, in extensions', async () => {
    const answer = await t.graphql(
      `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`,
      { input: { title: 'Bounds', severity: 'SEV3', impactStartedAt: '0001-01-01T00:00:00Z' } },
      t.tokens.operator,
    );
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors![0].extensions).toMatchObject({
      code: 'request.validation_failed',
      status: 400,
      errors: [{ path: 'impactStartedAt', message: `impactStartedAt must be ${RANGE}` }],
    });
  });

  it('accepts the first instant of the range and refuses the millisecond before it', async () => {
    const accepted = await declare({ impactStartedAt: '2000-01-01T00:00:00.000Z' }).expect(201);
    expect(accepted.body.impactStartedAt).toBe('2000-01-01T00:00:00.000Z');
    const refused = await declare({ impactStartedAt: '1999-12-31T23:59:59.999Z' }).expect(400);
    expect(refused.body.errors).toEqual([
      { path: 'impactStartedAt', message: `impactStartedAt must be ${RANGE}` },
    ]);
  });

  it('bounds query-string instants and GraphQL arguments too', async () => {
    const list = await t
      .http(t.tokens.viewer)
      .get('/v1/deployments')
      .query({ from: '0001-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })
      .expect(400);
    expect(list.body.errors).toEqual([
      { path: 'from', message: `from must be ${RANGE}` },
      { path: 'to', message: `to must be ${RANGE}` },
    ]);
    const answer = await t.graphql(
      `{ incidents(from: "1970-01-01T00:00:00Z") { nextCursor } }`,
      {},
      t.tokens.viewer,
    );
    expect(answer.errors![0].extensions).toMatchObject({
      status: 400,
      errors: [{ path: 'from', message: `from must be ${RANGE}` }],
    });
  });

  it('refuses a schedule whose local time resolves outside the range', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const release = await createRelease(t, service.slug);
    const response = await t
      .http(t.tokens.operator)
      .post('/v1/deployments')
      .send({
        release: release.id,
        environment: environment.slug,
        schedule: { localTime: '2100-01-01T02:00', timeZone: 'Europe/Berlin' },
      })
      .expect(400);
    expect(response.body.errors).toEqual([
      {
        path: 'schedule.localTime',
        message: `resolves to 2100-01-01T01:00:00.000Z; it must resolve to an instant ${RANGE}`,
      },
    ]);
  });

  it('states the range on every date-time the OpenAPI document takes (query parameters and bodies)', async () => {
    type Schema = {
      $ref?: string;
      format?: string;
      description?: string;
      properties?: Record<string, Schema>;
      items?: Schema;
      allOf?: Schema[];
      oneOf?: Schema[];
      anyOf?: Schema[];
    };
    type Operation = {
      parameters?: { name: string; in: string; description?: string; schema?: Schema }[];
      requestBody?: { content: Record<string, { schema: Schema }> };
    };
    const document = (await t.http().get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, Schema> };
    };
    const taken: string[] = [];
    const undocumented: string[] = [];
    const seen = new Set<string>();
    const walk = (schema: Schema | undefined, where: string) => {
      if (!schema) return;
      if (schema.$ref) {
        const name = schema.$ref.split('/').pop()!;
        if (seen.has(name)) return;
        seen.add(name);
        return walk(document.components.schemas[name], name);
      }
      if (schema.format === 'date-time') {
        taken.push(where);
        if (!schema.description?.includes(RANGE)) undocumented.push(where);
      }
      for (const [key, property] of Object.entries(schema.properties ?? {}))
        walk(property, `${where}.${key}`);
      for (const part of [
        schema.items,
        ...(schema.allOf ?? []),
        ...(schema.oneOf ?? []),
        ...(schema.anyOf ?? []),
      ])
        walk(part, where);
    };
    for (const [path, operations] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(operations)) {
        for (const parameter of operation.parameters ?? [])
          if (parameter.schema?.format === 'date-time') {
            const where = `${method.toUpperCase()} ${path} ?${parameter.name}`;
            taken.push(where);
            if (!`${parameter.description ?? ''}${parameter.schema.description ?? ''}`.includes(RANGE))
              undocumented.push(where);
          }
        for (const content of Object.values(operation.requestBody?.content ?? {}))
          walk(content.schema, 'body');
      }
    expect(taken.length).toBeGreaterThan(10);
    expect(undocumented).toEqual([]);
  });

  describe('metrics over the widest durations', () => {
    type Stats = {
      count: number;
      meanSeconds: number | null;
      medianSeconds: number | null;
      p95Seconds: number | null;
    };
    let serviceId: string;
    // From the first accepted instant to the clock: 36524 days and 23 hours, beyond int32 seconds.
    const longest = (Date.parse('2099-12-31T23:00:00Z') - Date.parse('2000-01-01T00:00:00Z')) / 1000;

    beforeAll(async () => {
      serviceId = (await createService(t)).id;
      const incident = await declareIncident(t, {
        services: [serviceId],
        impactStartedAt: '2000-01-01T00:00:00Z',
      });
      await changeStatus(t, incident.id, 'resolved').expect(200);
      // A row stored before inputs were bounded: it must not break the documented maximum.
      const legacy = await declareIncident(t, { services: [serviceId] });
      await changeStatus(t, legacy.id, 'resolved').expect(200);
      await t.app
        .get(DataSource)
        .query(`UPDATE incidents SET impact_started_at = '0001-01-01T00:00:00Z' WHERE id = $1`, [legacy.id]);
    });

    it('REST: reports the 100-year MTTR exactly, within the documented int64 maximum', async () => {
      expect(longest).toBeGreaterThan(INT32_MAX);
      const report = await t
        .http(t.tokens.viewer)
        .get('/v1/incidents/metrics')
        .query({ serviceId, from: '2099-12-01T00:00:00Z', to: '2099-12-31T23:59:59Z' })
        .expect(200);
      expect(report.body.total).toBe(2);
      expect(report.body.mttr).toEqual({
        count: 1,
        meanSeconds: longest,
        medianSeconds: longest,
        p95Seconds: longest,
      });
      expect(report.body.mttm.count).toBe(1);
      const documented = (await t.http().get('/openapi.json').expect(200)).body.components.schemas
        .DurationStats.properties.meanSeconds;
      expect(documented).toMatchObject({ type: 'integer', format: 'int64', maximum: 3_155_760_000 });
      expect(longest).toBeLessThanOrEqual(documented.maximum);
    });

    it('GraphQL: answers the same numbers instead of failing on a 32-bit Int', async () => {
      const answer = await t.graphql<{ incidentMetrics: { mttr: Stats } }>(
        `query($serviceId: ID) {
          incidentMetrics(serviceId: $serviceId, from: "2099-12-01T00:00:00Z", to: "2099-12-31T23:59:59Z") {
            mttr { count meanSeconds medianSeconds p95Seconds }
          }
        }`,
        { serviceId },
        t.tokens.viewer,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.incidentMetrics.mttr).toEqual({
        count: 1,
        meanSeconds: longest,
        medianSeconds: longest,
        p95Seconds: longest,
      });
    });
  });
});
