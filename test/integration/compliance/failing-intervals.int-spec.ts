import { FixedClock } from '@opsplane/core';
import { createTestApp, TestApp } from '../../support/test-app';
import {
  BACKUPS,
  createControl,
  createEnvironment,
  runScan,
  SCANNING_APP,
  setBackupRetention,
} from './fixtures';

const HOUR = 3_600_000;
const T0 = new Date('2035-06-01T00:00:00.000Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
/** What the period report lists per control (FAILING_INTERVALS_SHOWN). */
const SHOWN = 25;

interface Interval {
  controlId: string;
  subject: { id: string; slug: string };
  from: string;
  to: string | null;
  endedBy: string | null;
  firstResultId: string;
}

/**
 * A period report counts every failing interval and lists the latest few per control; the list
 * endpoint has them all, newest first. The story, on 30 environments and one control:
 *   t0  scan: 20 environments fail (the first 20), 10 pass
 *   t1  scan: 10 more fail (all 30 now), 5 of the first 20 fixed
 *   t2  end of the period: 5 intervals ended by a pass, 25 still failing
 */
describe('failing intervals of a period', () => {
  const clock = new FixedClock(T0);
  let t: TestApp;
  let control: { id: string; slug: string };
  const envs: { id: string; slug: string }[] = [];
  const period = { from: T0.toISOString(), to: at(2).toISOString() };

  beforeAll(async () => {
    t = await createTestApp(SCANNING_APP, { clock });
    for (let i = 0; i < 30; i++)
      envs.push(await createEnvironment(t, { backups: { retentionDays: i < 20 ? 7 : 35 } }));
    control = await createControl(t, { expression: BACKUPS });
    await runScan(t, { control: control.slug });
    clock.set(at(1));
    for (const env of envs.slice(20)) await setBackupRetention(t, env, 7);
    for (const env of envs.slice(0, 5)) await setBackupRetention(t, env, 35);
    await runScan(t, { control: control.slug });
    clock.set(at(2));
  });
  afterAll(() => t.close());

  const list = async (query: Record<string, string | number>) =>
    (
      await t
        .http(t.tokens.auditor)
        .get('/v1/compliance/reports/period/failing-intervals')
        .query({ ...period, ...query })
        .expect(200)
    ).body as { items: Interval[]; nextCursor: string | null };

  it('counts every failing interval in the report and lists the latest of them', async () => {
    const report = (
      await t.http(t.tokens.auditor).get('/v1/compliance/reports/period').query(period).expect(200)
    ).body;
    const entry = report.controls.find((c: { control: { id: string } }) => c.control.id === control.id);
    expect(entry.failingIntervalCount).toBe(30);
    expect(entry.failingIntervals).toHaveLength(SHOWN);
    // Newest first: the ten that began at t1, then fifteen of those that began at t0.
    const froms = entry.failingIntervals.map((interval: Interval) => interval.from);
    expect(froms.slice(0, 10)).toEqual(Array(10).fill(at(1).toISOString()));
    expect(froms.slice(10)).toEqual(Array(SHOWN - 10).fill(T0.toISOString()));
    // Every number is over all 30: 5 remediated after an hour.
    expect(entry.timeToRemediate).toMatchObject({ count: 5, medianSeconds: 3600 });
  });

  it('lists all of them, newest first, page by page', async () => {
    const seen: Interval[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list({ controlId: control.id, limit: 12, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen.map((interval) => interval.firstResultId)).size).toBe(30);
    expect(seen.map((interval) => interval.from)).toEqual(
      [...seen.map((interval) => interval.from)].sort().reverse(),
    );
    expect(new Set(seen.map((interval) => interval.subject.id))).toEqual(new Set(envs.map((env) => env.id)));
    const fixed = seen.filter((interval) => interval.endedBy !== null);
    expect(fixed.map((interval) => interval.subject.slug).sort()).toEqual(
      envs
        .slice(0, 5)
        .map((env) => env.slug)
        .sort(),
    );
    expect(
      fixed.every((interval) => interval.endedBy === 'passed' && interval.to === at(1).toISOString()),
    ).toBe(true);
    expect(seen.every((interval) => interval.controlId === control.id)).toBe(true);
  });

  it('narrows to one subject, and to the period asked for', async () => {
    const one = await list({ subjectId: envs[0].id });
    expect(one.items).toEqual([
      expect.objectContaining({
        subject: expect.objectContaining({ slug: envs[0].slug }),
        from: T0.toISOString(),
      }),
    ]);
    // From t1.5 on, the five fixed at t1 are history.
    const later = await list({ from: at(1.5).toISOString(), limit: 100 });
    expect(later.items).toHaveLength(25);
    expect(later.items.every((interval) => interval.to === null)).toBe(true);
  });

  it('refuses a cursor sent with other filters, and a period the wrong way round', async () => {
    const first = await list({ limit: 5 });
    const refused = await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/period/failing-intervals')
      .query({ ...period, subjectId: envs[1].id, cursor: first.nextCursor! })
      .expect(400);
    expect(refused.body.code).toBe('pagination.invalid_cursor');
    const backwards = await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/period/failing-intervals')
      .query({ from: at(2).toISOString(), to: T0.toISOString() })
      .expect(400);
    expect(backwards.body.errors).toEqual([{ path: 'from', message: 'must be before to' }]);
    await t.http(t.tokens.viewer).get('/v1/compliance/reports/period/failing-intervals').expect(403);
  });

  it('exports every one of them to OSCAL', async () => {
    const response = await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/period/oscal')
      .query(period)
      .expect(200);
    const [result] = response.body['assessment-results'].results;
    expect(result.findings).toHaveLength(30);
  });

  it('answers the same through GraphQL', async () => {
    const response = await t.graphql<{
      complianceFailingIntervals: { items: { subject: { id: string } }[]; nextCursor: string | null };
    }>(
      `query ($from: DateTime, $to: DateTime, $subjectId: ID) {
         complianceFailingIntervals(from: $from, to: $to, subjectId: $subjectId, limit: 10) {
           items { subject { id } } nextCursor } }`,
      { ...period, subjectId: envs[3].id },
      t.tokens.auditor,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.complianceFailingIntervals).toEqual({
      items: [{ subject: { id: envs[3].id } }],
      nextCursor: null,
    });
  });
});
