import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import { changeStatus, createEnvironment, createService, declareIncident } from './fixtures';

/**
 * Every expected number below is worked out by hand from the timestamps the test sets; p95 is
 * percentile_cont's linear interpolation: for sorted values v0..v(n-1), position 0.95·(n−1).
 */
describe('incident metrics', () => {
  const T0 = new Date('2033-01-10T00:00:00.000Z');
  const at = (seconds: number, days = 0) => new Date(T0.getTime() + days * 86_400_000 + seconds * 1000);
  const clock = new FixedClock(T0);
  let t: TestApp;
  let service: { id: string };
  let environment: { id: string };
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    service = await createService(t);
    environment = await createEnvironment(t, 0);
    const scope = { services: [service.id] };
    const move = async (id: string, status: string, when: Date) => {
      clock.set(when);
      await changeStatus(t, id, status).expect(200);
    };

    // Before the period: counted only by the default (last 30 days) report.
    clock.set(new Date('2032-12-20T00:00:00Z'));
    await declareIncident(t, { ...scope, severity: 'SEV1' });
    // Another service: never counted.
    clock.set(at(0, 1));
    await declareIncident(t, { services: [(await createService(t)).id], severity: 'SEV2' });

    // A: SEV1, impact 5 min before declaration. MTTA 60, MTTM 300+600 = 900, MTTR 300+1200 = 1500.
    clock.set(at(0));
    const a = await declareIncident(t, {
      ...scope,
      environments: [environment.id],
      severity: 'SEV1',
      impactStartedAt: at(-300).toISOString(),
    });
    await move(a.id, 'acknowledged', at(60));
    await move(a.id, 'mitigated', at(600));
    await move(a.id, 'resolved', at(1200));
    // B: SEV2, impact unknown (from triggeredAt), mitigated skipped. MTTA 120, MTTM 3600, MTTR 3600.
    clock.set(at(0, 1));
    const b = await declareIncident(t, { ...scope, severity: 'SEV2' });
    await move(b.id, 'acknowledged', at(120, 1));
    await move(b.id, 'resolved', at(3600, 1));
    // C: SEV2, still acknowledged. MTTA 40.
    clock.set(at(0, 2));
    const c = await declareIncident(t, { ...scope, severity: 'SEV2' });
    await move(c.id, 'acknowledged', at(40, 2));
    // D: SEV3, never acknowledged, impact 10 min before. MTTM = MTTR = 600+600 = 1200.
    clock.set(at(0, 3));
    const d = await declareIncident(t, {
      ...scope,
      environments: [environment.id],
      severity: 'SEV3',
      impactStartedAt: at(-600, 3).toISOString(),
    });
    await move(d.id, 'resolved', at(600, 3));
    // G: SEV4 mitigated at +60 s, then its impact start corrected to +120 s: an end before its
    // start says nothing about speed and is left out of MTTM.
    clock.set(at(0, 4));
    const g = await declareIncident(t, { ...scope, severity: 'SEV4' });
    await move(g.id, 'mitigated', at(60, 4));
    clock.set(at(300, 4));
    await t
      .http(t.tokens.operator)
      .patch(`/v1/incidents/${g.id}`)
      .send({ impactStartedAt: at(120, 4).toISOString() })
      .expect(200);
  });
  afterAll(() => t.close());

  const report = async (query: Record<string, unknown>) =>
    (await t.http(t.tokens.viewer).get('/v1/incidents/metrics').query(query).expect(200)).body;
  const period = { from: '2033-01-01T00:00:00Z', to: '2033-02-01T00:00:00Z' };

  it('counts and times the incidents of a period exactly as defined', async () => {
    const body = await report({ ...period, serviceId: service.id });
    expect(body).toMatchObject({
      from: '2033-01-01T00:00:00.000Z',
      to: '2033-02-01T00:00:00.000Z',
      total: 5,
      bySeverity: [
        { severity: 'SEV1', count: 1 },
        { severity: 'SEV2', count: 2 },
        { severity: 'SEV3', count: 1 },
        { severity: 'SEV4', count: 1 },
        { severity: 'SEV5', count: 0 },
      ],
      byStatus: [
        { status: 'triggered', count: 0 },
        { status: 'acknowledged', count: 1 },
        { status: 'mitigated', count: 1 },
        { status: 'resolved', count: 3 },
        { status: 'closed', count: 0 },
      ],
      // [40, 60, 120]: mean 73.3, median 60, p95 60 + 0.9·60 = 114.
      mtta: { count: 3, meanSeconds: 73, medianSeconds: 60, p95Seconds: 114 },
      // [900, 1200, 3600] (G left out): mean 1900, median 1200, p95 1200 + 0.9·2400 = 3360.
      mttm: { count: 3, meanSeconds: 1900, medianSeconds: 1200, p95Seconds: 3360 },
      // [1200, 1500, 3600]: mean 2100, median 1500, p95 1500 + 0.9·2100 = 3390.
      mttr: { count: 3, meanSeconds: 2100, medianSeconds: 1500, p95Seconds: 3390 },
      impactStartKnownCount: 3,
    });
    expect(body.definitions.mtta).toContain('FIRST acknowledgement');
    expect(body.definitions.mttr).toContain('falling back to triggeredAt');
  });

  it('filters by severity, environment and period', async () => {
    // B and C: MTTA [40, 120] → mean 80, median 80, p95 40 + 0.95·80 = 116.
    const severe = await report({ ...period, serviceId: service.id, severity: 'SEV2' });
    expect(severe).toMatchObject({
      total: 2,
      mtta: { count: 2, meanSeconds: 80, medianSeconds: 80, p95Seconds: 116 },
      mttm: { count: 1, meanSeconds: 3600, medianSeconds: 3600, p95Seconds: 3600 },
      mttr: { count: 1, meanSeconds: 3600, medianSeconds: 3600, p95Seconds: 3600 },
      impactStartKnownCount: 0,
    });
    // A and D: MTTR [1200, 1500] → mean 1350, p95 1200 + 0.95·300 = 1485.
    const inEnvironment = await report({ ...period, environmentId: environment.id });
    expect(inEnvironment).toMatchObject({
      total: 2,
      mtta: { count: 1, meanSeconds: 60 },
      mttm: { count: 2, meanSeconds: 1050, medianSeconds: 1050, p95Seconds: 1185 },
      mttr: { count: 2, meanSeconds: 1350, medianSeconds: 1350, p95Seconds: 1485 },
    });
    // [T0+1d, T0+3d): B and C; D (triggered at T0+3d) is outside.
    const middle = await report({
      serviceId: service.id,
      from: at(0, 1).toISOString(),
      to: at(0, 3).toISOString(),
    });
    expect(middle).toMatchObject({ total: 2, mtta: { count: 2, meanSeconds: 80 } });
    const empty = await report({ ...period, serviceId: service.id, severity: 'SEV5' });
    expect(empty).toMatchObject({
      total: 0,
      mtta: { count: 0, meanSeconds: null, medianSeconds: null, p95Seconds: null },
    });
  });

  it('covers the last 30 days up to now by default', async () => {
    const body = await report({ serviceId: service.id });
    expect(body).toMatchObject({
      to: clock.now().toISOString(),
      from: new Date(clock.now().getTime() - 30 * 86_400_000).toISOString(),
      total: 6,
      bySeverity: expect.arrayContaining([{ severity: 'SEV1', count: 2 }]),
    });
  });

  it('answers the same over GraphQL', async () => {
    const rest = await report({ ...period, serviceId: service.id });
    const graphql = await t.graphql<{ incidentMetrics: object }>(
      `query($serviceId: ID, $from: DateTime, $to: DateTime) {
        incidentMetrics(serviceId: $serviceId, from: $from, to: $to) {
          from to total impactStartKnownCount
          bySeverity { severity count } byStatus { status count }
          mtta { count meanSeconds medianSeconds p95Seconds }
          mttm { count meanSeconds medianSeconds p95Seconds }
          mttr { count meanSeconds medianSeconds p95Seconds }
          definitions { population mtta mttm mttr }
        }
      }`,
      { serviceId: service.id, ...period },
      t.tokens.viewer,
    );
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data!.incidentMetrics).toEqual(rest);
  });

  it('refuses bad periods and filters on both transports', async () => {
    const bad = async (query: Record<string, unknown>) =>
      (await t.http(t.tokens.viewer).get('/v1/incidents/metrics').query(query).expect(400)).body;
    expect((await bad({ from: '2033-02-01T00:00:00Z', to: '2033-01-01T00:00:00Z' })).errors).toEqual([
      { path: 'to', message: 'must be after from' },
    ]);
    expect((await bad({ from: '2031-01-01T00:00:00Z', to: '2033-01-01T00:00:00Z' })).errors).toEqual([
      { path: 'from', message: 'the period may span at most 366 days' },
    ]);
    expect((await bad({ from: '2099-01-01T00:00:00Z' })).errors).toEqual([
      { path: 'from', message: 'must be before now' },
    ]);
    const fields = await bad({ severity: 'SEV9', serviceId: 'checkout', from: 'last week' });
    expect(fields.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'from',
      'serviceId',
      'severity',
    ]);

    const graphql = await t.graphql(
      `{ incidentMetrics(from: "2033-02-01T00:00:00Z", to: "2033-01-01T00:00:00Z") { total } }`,
      {},
      t.tokens.viewer,
    );
    expect(graphql.errors?.[0]?.extensions).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: 'to' }],
    });
    const severity = await t.graphql(`{ incidentMetrics(severity: SEV9) { total } }`, {}, t.tokens.viewer);
    expect(severity.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      status: 400,
    });
  });

  describe('Prometheus', () => {
    /** The gauge's value per severity, from the text exposition format. */
    const scrape = async () => {
      const text = (await t.http().get('/metrics').expect(200)).text;
      return Object.fromEntries(
        [...text.matchAll(/^opsplane_incidents_open\{severity="(SEV\d)"\} (\d+)$/gm)].map((m) => [
          m[1],
          Number(m[2]),
        ]),
      );
    };
    const counted = async () => {
      const rows: { severity: string; count: number }[] = await t.app
        .get(DataSource)
        .query(
          `SELECT severity, count(*)::int AS count FROM incidents WHERE status IN ('triggered', 'acknowledged', 'mitigated') GROUP BY severity`,
        );
      return Object.fromEntries(
        ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'].map((severity) => [
          severity,
          rows.find((row) => row.severity === severity)?.count ?? 0,
        ]),
      );
    };

    it('exposes open incidents by severity, every severity present', async () => {
      // Other test files open incidents in the same database at the same time: compare the scrape
      // with counts read just before and after it, and retry if something changed in between.
      for (let attempt = 0; ; attempt++) {
        const before = await counted();
        const scraped = await scrape();
        const after = await counted();
        if (JSON.stringify(before) !== JSON.stringify(after) && attempt < 5) continue;
        expect(scraped).toEqual(before);
        break;
      }
      const before = await scrape();
      const opened = await declareIncident(t, { severity: 'SEV5' });
      const during = await scrape();
      await changeStatus(t, opened.id, 'resolved').expect(200);
      const after = await scrape();
      // No other test opens SEV5 incidents (the role tests try, as a viewer, and are refused), so
      // this one alone moves that count.
      expect(during.SEV5).toBe(before.SEV5 + 1);
      expect(after.SEV5).toBe(before.SEV5);
      expect(Object.keys(after)).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5']);
    });
  });
});
