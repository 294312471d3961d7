import { FixedClock } from '@opsplane/core';
import { createTestApp, TestApp } from '../../support/test-app';
import {
  BACKUPS,
  CompletedScan,
  createControl,
  createEnvironment,
  runScan,
  SCANNING_APP,
  setBackupRetention,
} from './fixtures';

const DAY = 86_400_000;
const T0 = new Date('2036-04-01T00:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

/**
 * An auditor key with an observation window [t1, t3) sees compliance and audit history of that
 * period only. History: scans at t0 (fails), t2 (passes), t4 (fails); a waiver made at t3.5.
 */
describe('observation windows of auditor keys', () => {
  const clock = new FixedClock(T0);
  let t: TestApp;
  let windowed: string;
  let env: { id: string; slug: string };
  let control: { id: string; slug: string };
  const scans: CompletedScan[] = [];
  let waiverId: string;

  beforeAll(async () => {
    t = await createTestApp(SCANNING_APP, { clock });
    env = await createEnvironment(t, { backups: { retentionDays: 7 } });
    control = await createControl(t, { expression: BACKUPS });
    scans.push(await runScan(t, { control: control.slug }));
    clock.set(at(2));
    await setBackupRetention(t, env, 40);
    scans.push(await runScan(t, { control: control.slug }));
    clock.set(at(3.5));
    waiverId = (
      await t
        .http(t.tokens.admin)
        .post('/v1/compliance/waivers')
        .send({
          control: control.slug,
          subject: env.slug,
          reason: 'Migration',
          approvedBy: 'Dana Scully',
          expiresAt: at(10).toISOString(),
        })
        .expect(201)
    ).body.id;
    clock.set(at(4));
    await setBackupRetention(t, env, 3);
    scans.push(await runScan(t, { control: control.slug }));
    clock.set(at(5));
    windowed = (
      await t
        .http(t.tokens.admin)
        .post('/v1/api-keys')
        .send({
          name: 'External auditor, FY36 Q2',
          role: 'auditor',
          observationFrom: at(1).toISOString(),
          observationTo: at(3).toISOString(),
        })
        .expect(201)
    ).body.token;
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string> = {}) => t.http(windowed).get(path).query(query);

  it('shows posture as of the end of the window by default, and refuses instants outside it', async () => {
    const posture = (await get('/v1/compliance/reports/posture').expect(200)).body;
    expect(posture.asOf).toBe(new Date(at(3).getTime() - 1).toISOString());
    expect(posture.controls[0].subjects[0].outcome).toBe('passed');

    const refused = await get('/v1/compliance/reports/posture', { asOf: at(0.5).toISOString() }).expect(403);
    expect(refused.body).toMatchObject({
      code: 'auth.outside_observation_window',
      errors: [{ path: 'asOf', message: 'outside the key’s observation window' }],
    });
    // An auditor key without a window sees the whole history.
    await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/posture')
      .query({ asOf: at(0.5).toISOString() })
      .expect(200);
  });

  it('narrows period reports to the window', async () => {
    const whole = (
      await get('/v1/compliance/reports/period', { from: T0.toISOString(), to: at(5).toISOString() }).expect(
        200,
      )
    ).body;
    expect([whole.from, whole.to]).toEqual([at(1).toISOString(), at(3).toISOString()]);
    // Failed from t1 to t2, passed from t2 to t3.
    expect(whole.passRate).toBeCloseTo(0.5, 6);
    expect(whole.controls[0].waivers).toEqual([]);
    const byDefault = (await get('/v1/compliance/reports/period').expect(200)).body;
    expect([byDefault.from, byDefault.to]).toEqual([whole.from, whole.to]);
    await get('/v1/compliance/reports/period', {
      from: at(3.5).toISOString(),
      to: at(4).toISOString(),
    }).expect(403);
  });

  it('lists only the failing intervals of the window', async () => {
    // t0–t2 overlaps the window; t4's failure lies after it.
    const listed = (await get('/v1/compliance/reports/period/failing-intervals').expect(200)).body;
    expect(listed.items).toEqual([
      expect.objectContaining({ from: T0.toISOString(), to: at(2).toISOString(), endedBy: 'passed' }),
    ]);
    await get('/v1/compliance/reports/period/failing-intervals', {
      from: at(3.5).toISOString(),
      to: at(5).toISOString(),
    }).expect(403);
  });

  it('lists only the scans, results, evidence and waivers of the window', async () => {
    const listed = (await get('/v1/compliance/scans').expect(200)).body.items.map(
      (s: { id: string }) => s.id,
    );
    expect(listed).toEqual([scans[1].id]);
    await get(`/v1/compliance/scans/${scans[0].id}`).expect(403);
    await get(`/v1/compliance/scans/${scans[2].id}/results`).expect(403);
    const [inWindow] = (await get(`/v1/compliance/scans/${scans[1].id}/results`).expect(200)).body.items;
    await get(`/v1/compliance/results/${inWindow.id}/evidence`).expect(200);
    const [before] = (
      await t.http(t.tokens.auditor).get(`/v1/compliance/scans/${scans[0].id}/results`).expect(200)
    ).body.items;
    await get(`/v1/compliance/results/${before.id}/evidence`).expect(403);

    expect((await get('/v1/compliance/waivers').expect(200)).body.items).toEqual([]);
    await get(`/v1/compliance/waivers/${waiverId}`).expect(403);
  });

  it('lists only the audit events of the window', async () => {
    const events = (await get('/v1/audit-events', { limit: '200' }).expect(200)).body.items as {
      occurredAt: string;
      action: string;
    }[];
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.occurredAt >= at(1).toISOString() && event.occurredAt < at(3).toISOString()).toBe(true);
    }
    const all = (await t.http(t.tokens.auditor).get('/v1/audit-events').query({ limit: 200 }).expect(200))
      .body.items;
    expect(all.length).toBeGreaterThan(events.length);
  });

  it('keeps windows to auditor keys, with both ends in order', async () => {
    const create = (body: Record<string, unknown>) =>
      t
        .http(t.tokens.admin)
        .post('/v1/api-keys')
        .send({ name: 'k', ...body });
    expect(
      (
        await create({
          role: 'viewer',
          observationFrom: at(1).toISOString(),
          observationTo: at(2).toISOString(),
        }).expect(400)
      ).body.errors,
    ).toEqual([{ path: 'observationFrom', message: 'only auditor keys have an observation window' }]);
    expect(
      (await create({ role: 'auditor', observationFrom: at(1).toISOString() }).expect(400)).body.errors,
    ).toEqual([{ path: 'observationTo', message: 'is required with observationFrom' }]);
    expect(
      (
        await create({
          role: 'auditor',
          observationFrom: at(2).toISOString(),
          observationTo: at(1).toISOString(),
        }).expect(400)
      ).body.errors,
    ).toEqual([{ path: 'observationTo', message: 'must be after observationFrom' }]);
  });

  it('applies the window through GraphQL too', async () => {
    const response = await t.graphql(
      `query ($asOf: DateTime) { compliancePosture(asOf: $asOf) { asOf } }`,
      { asOf: at(0.5).toISOString() },
      windowed,
    );
    expect(response.errors?.[0].extensions.code).toBe('auth.outside_observation_window');
    const scansSeen = await t.graphql<{ complianceScans: { items: { id: string }[] } }>(
      `{ complianceScans { items { id } } }`,
      {},
      windowed,
    );
    expect(scansSeen.data?.complianceScans.items).toEqual([{ id: scans[1].id }]);
  });
});
