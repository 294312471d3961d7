import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixedClock } from '@opsplane/core';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
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
const T0 = new Date('2035-01-10T00:00:00.000Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

/**
 * Reports replay stored history. The story, on two production environments and one control:
 *   t0  scan: a passes, b fails
 *   t2  b fixed, scan: both pass            (b's failure remediated after 2 h)
 *   t4  a broken, scan: a fails, b passes   (a still failing at t6)
 *   t5  a's facts fixed again, but no scan runs: posture must not see it
 * A second control is enabled from t0 and never scanned: a gap.
 */
describe('compliance reports', () => {
  const clock = new FixedClock(T0);
  let t: TestApp;
  let a: { id: string; slug: string };
  let b: { id: string; slug: string };
  let backups: { id: string; slug: string };
  let gap: { id: string; slug: string };

  beforeAll(async () => {
    t = await createTestApp(SCANNING_APP, { clock });
    a = await createEnvironment(t, { backups: { retentionDays: 35 } });
    b = await createEnvironment(t, { backups: { retentionDays: 7 } });
    backups = await createControl(t, {
      expression: BACKUPS,
      title: '=HYPERLINK("https://evil.example","backups")',
      frameworks: [{ framework: 'soc2', requirement: 'A1.2' }],
    });
    gap = await createControl(t, {
      expression: 'true',
      title: 'Never scanned',
      frameworks: [{ framework: 'soc2', requirement: 'CC7.1' }],
    });
    await runScan(t, { control: backups.slug });
    clock.set(at(2));
    await setBackupRetention(t, b, 40);
    await runScan(t, { control: backups.slug });
    clock.set(at(4));
    await setBackupRetention(t, a, 3);
    await runScan(t, { control: backups.slug });
    clock.set(at(5));
    await setBackupRetention(t, a, 90);
    clock.set(at(6));
  });
  afterAll(() => t.close());

  const posture = async (query: Record<string, string>) =>
    (await t.http(t.tokens.auditor).get('/v1/compliance/reports/posture').query(query).expect(200)).body;
  const outcomes = (report: { controls: { control: { slug: string }; subjects: never[] }[] }) =>
    Object.fromEntries(
      (report.controls.find((c) => c.control.slug === backups.slug)?.subjects ?? []).map(
        (entry: { subject: { id: string }; outcome: string }) => [entry.subject.id, entry.outcome],
      ),
    );

  it('replays posture as of past instants from stored results, not from today’s facts', async () => {
    expect(outcomes(await posture({ asOf: at(1).toISOString() }))).toEqual({
      [a.id]: 'passed',
      [b.id]: 'failed',
    });
    expect(outcomes(await posture({ asOf: at(3).toISOString() }))).toEqual({
      [a.id]: 'passed',
      [b.id]: 'passed',
    });
    // a's facts were fixed at t5 without a scan: posture still says what the last result said.
    const now = await posture({});
    expect(outcomes(now)).toEqual({ [a.id]: 'failed', [b.id]: 'passed' });
    expect(new Date(now.asOf).toISOString()).toBe(at(6).toISOString());
    expect(outcomes(await posture({ asOf: new Date(T0.getTime() - HOUR).toISOString() }))).toEqual({});

    // a passed at t0 and t2 (one interval): as of t1 the result shown is t0's, as of t3 it is t2's.
    const shownFor = async (asOf: Date) => {
      const report = await posture({ asOf: asOf.toISOString() });
      const entry = report.controls[0].subjects.find(
        (s: { subject: { id: string } }) => s.subject.id === a.id,
      );
      const evidence = (
        await t.http(t.tokens.auditor).get(`/v1/compliance/results/${entry.resultId}/evidence`).expect(200)
      ).body;
      expect(evidence.result).toMatchObject({
        evaluatedAt: entry.evaluatedAt,
        controlVersion: entry.controlVersion,
        evidenceSha256: entry.evidenceSha256,
      });
      return entry.evaluatedAt;
    };
    expect(await shownFor(at(1))).toBe(T0.toISOString());
    expect(await shownFor(at(3))).toBe(at(2).toISOString());

    const failing = now.controls[0].subjects.find((s: { subject: { id: string } }) => s.subject.id === a.id);
    expect(failing).toMatchObject({
      subject: { type: 'environment', id: a.id, slug: a.slug },
      since: at(4).toISOString(),
      evaluatedAt: at(4).toISOString(),
      controlVersion: 1,
    });
    // The result it names is retrievable with its evidence, whose hash the auditor can recompute.
    const evidence = (
      await t.http(t.tokens.auditor).get(`/v1/compliance/results/${failing.resultId}/evidence`).expect(200)
    ).body;
    expect(evidence.sha256).toBe(failing.evidenceSha256);
    expect(evidence.inputs.environment.facts).toEqual({ backups: { retentionDays: 3 } });

    expect(now.counts).toMatchObject({ passed: 1, failed: 1 });
    expect(now.auditChain).toMatchObject({ isIntact: true, brokenAtSeq: null });
    expect(now.frameworks).toEqual([
      expect.objectContaining({
        framework: 'soc2',
        requirements: [
          expect.objectContaining({ requirement: 'A1.2', controls: [backups.slug], passRate: 0.5 }),
        ],
      }),
    ]);
  });

  it('refuses an as-of instant in the future, naming the field', async () => {
    const refused = await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/posture')
      .query({ asOf: at(7).toISOString() })
      .expect(400);
    expect(refused.body.errors).toEqual([{ path: 'asOf', message: expect.stringContaining('future') }]);
    const backwards = await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/period')
      .query({ from: at(3).toISOString(), to: at(1).toISOString() })
      .expect(400);
    expect(backwards.body.errors).toEqual([{ path: 'from', message: 'must be before to' }]);
  });

  const period = async () =>
    (
      await t
        .http(t.tokens.auditor)
        .get('/v1/compliance/reports/period')
        .query({ from: T0.toISOString(), to: at(6).toISOString() })
        .expect(200)
    ).body;

  it('reports a period: time-weighted pass rate, failing intervals, time to remediate and gaps', async () => {
    const report = await period();
    const control = report.controls.find(
      (c: { control: { slug: string } }) => c.control.slug === backups.slug,
    );
    // a: passed 4 h, failed 2 h; b: failed 2 h, passed 4 h.
    expect(control.passRate).toBeCloseTo(8 / 12, 6);
    expect(control.seconds).toMatchObject({ passed: 8 * 3600, failed: 4 * 3600, waived: 0 });
    expect(control.ran).toBe(true);
    expect(control.subjectCount).toBe(2);
    expect(control.failingIntervals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subject: expect.objectContaining({ id: b.id }),
          from: T0.toISOString(),
          to: at(2).toISOString(),
          endedBy: 'passed',
        }),
        expect.objectContaining({
          subject: expect.objectContaining({ id: a.id }),
          from: at(4).toISOString(),
          to: null,
          endedBy: null,
        }),
      ]),
    );
    expect(control.failingIntervals).toHaveLength(2);
    expect(control.failingIntervalCount).toBe(2);
    expect(control.timeToRemediate).toEqual({
      count: 1,
      meanSeconds: 7200,
      medianSeconds: 7200,
      maxSeconds: 7200,
    });
    expect(report.passRate).toBeCloseTo(8 / 12, 6);
    expect(report.series.length).toBe(1);

    expect(report.gaps).toEqual([
      expect.objectContaining({
        control: expect.objectContaining({ slug: gap.slug }),
        description: expect.stringContaining('no scan covered it'),
      }),
    ]);
    const never = report.controls.find((c: { control: { slug: string } }) => c.control.slug === gap.slug);
    expect(never).toMatchObject({ ran: false, passRate: null, subjectCount: 0 });
    expect(report.auditChain.isIntact).toBe(true);
  });

  it('exports CSV with formula-looking cells defused', async () => {
    const response = await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/period/csv')
      .query({ from: T0.toISOString(), to: at(6).toISOString() })
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.text.trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 9)).toEqual([
      'from',
      'to',
      'control',
      'title',
      'severity',
      'mode',
      'frameworks',
      'ran',
      'pass_rate',
    ]);
    const row = lines.find((line) => line.includes(backups.slug))!;
    expect(row).toContain(`"'=HYPERLINK(""https://evil.example"",""backups"")"`);
    expect(row).toContain(',0.6667,');

    const posture = await t.http(t.tokens.auditor).get('/v1/compliance/reports/posture/csv').expect(200);
    expect(posture.text.trim().split('\r\n')).toHaveLength(3);
  });

  it('exports OSCAL assessment-results that validate against NIST’s schema', async () => {
    const response = await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/period/oscal')
      .query({ from: T0.toISOString(), to: at(6).toISOString() })
      .expect(200);
    const schema = JSON.parse(
      readFileSync(
        join(__dirname, '../../fixtures/oscal/oscal_assessment-results_schema-1.0.6.json'),
        'utf8',
      ),
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(response.body) ? [] : validate.errors).toEqual([]);
    const [result] = response.body['assessment-results'].results;
    expect(result.start).toBe(T0.toISOString());
    // Two failing intervals and one gap are the findings.
    expect(result.findings).toHaveLength(3);
  });

  it('serves the report as one self-contained HTML page', async () => {
    const response = await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/reports/period/html')
      .query({ from: T0.toISOString(), to: at(6).toISOString() })
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('data-metric="pass-rate"');
    expect(response.text).not.toMatch(/(src|href)=["']?https?:/);
  });

  it('lets auditors and admins read reports, and no one else', async () => {
    await t.http(t.tokens.viewer).get('/v1/compliance/reports/posture').expect(403);
    await t.http(t.tokens.operator).get('/v1/compliance/reports/period').expect(403);
    await t.http(t.tokens.admin).get('/v1/compliance/reports/period').expect(200);
  });

  it('answers the same through GraphQL', async () => {
    const response = await t.graphql<{
      compliancePosture: { counts: { passed: number; failed: number }; auditChain: { isIntact: boolean } };
    }>(
      `query ($asOf: DateTime) { compliancePosture(asOf: $asOf) { counts { passed failed } auditChain { isIntact } } }`,
      { asOf: at(1).toISOString() },
      t.tokens.auditor,
    );
    expect(response.data?.compliancePosture).toEqual({
      counts: { passed: 1, failed: 1 },
      auditChain: { isIntact: true },
    });
    const future = await t.graphql(
      `query ($asOf: DateTime) { compliancePosture(asOf: $asOf) { asOf } }`,
      { asOf: at(9).toISOString() },
      t.tokens.auditor,
    );
    expect(future.errors?.[0].extensions?.code).toBe('request.validation_failed');
  });
});
