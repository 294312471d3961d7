import { createHash } from 'node:crypto';
import { FixedClock } from '@opsplane/core';
import { createTestApp, TestApp } from '../../support/test-app';
import { BACKUPS, createControl, createEnvironment, runScan, SCANNING_APP } from './fixtures';

const DAY = 86_400_000;

/**
 * Scans through the real queue: fanned out per subject, results with hashed evidence, findings
 * opened and resolved, waivers reporting `waived`. Controls of this file only (no starter library).
 */
describe('compliance scans', () => {
  const clock = new FixedClock(new Date('2033-06-01T08:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(SCANNING_APP, { clock });
  });
  afterAll(() => t.close());

  const environment = (facts: Record<string, unknown>, tier = 'production') =>
    createEnvironment(t, facts, { tier });
  const control = (fields: Record<string, unknown>) => createControl(t, fields);
  const scan = (body: Record<string, unknown>) => runScan(t, body);
  const results = async (scanId: string) =>
    (
      await t
        .http(t.tokens.auditor)
        .get(`/v1/compliance/scans/${scanId}/results`)
        .query({ limit: 200 })
        .expect(200)
    ).body.items as {
      id: string;
      subjectId: string;
      outcome: string;
      findingId: string | null;
      message: string | null;
      evidenceSha256: string;
    }[];

  it('fans out per subject, stores each result with hashed evidence, and opens then resolves findings', async () => {
    const good = await environment({ backups: { retentionDays: 35 } });
    const bad = await environment({ backups: { retentionDays: 7 } });
    const staging = await environment({}, 'staging');
    const backups = await control({ expression: BACKUPS, scope: { tiers: ['production'] } });
    const broken = await control({ expression: 'environment.facts.x.y == 1', severity: 'low' });

    const first = await scan({ control: backups.slug });
    expect(first.subjectsDone).toBe(first.subjectsTotal);
    const mine = (await results(first.id)).filter((r) => [good.id, bad.id, staging.id].includes(r.subjectId));
    const outcomeOf = (id: string) => mine.find((r) => r.subjectId === id)?.outcome;
    expect([outcomeOf(good.id), outcomeOf(bad.id), outcomeOf(staging.id)]).toEqual([
      'passed',
      'failed',
      'not_applicable',
    ]);
    const failed = mine.find((r) => r.subjectId === bad.id)!;
    expect(failed.findingId).not.toBeNull();
    const finding = (await t.http(t.tokens.viewer).get(`/v1/findings/${failed.findingId}`).expect(200)).body;
    expect(finding).toMatchObject({
      kind: 'compliance',
      source: 'compliance',
      dedupKey: backups.slug,
      status: 'open',
      severity: 'high',
    });

    // The evidence hashes to what the result says, recomputed from what is served.
    const evidence = (
      await t.http(t.tokens.auditor).get(`/v1/compliance/results/${failed.id}/evidence`).expect(200)
    ).body;
    expect(evidence.sha256).toBe(failed.evidenceSha256);
    expect(createHash('sha256').update(evidence.canonicalInputs).digest('hex')).toBe(evidence.sha256);
    expect(JSON.parse(evidence.canonicalInputs)).toEqual(evidence.inputs);
    expect(evidence).toMatchObject({ expression: BACKUPS, controlVersion: 1 });
    expect(evidence.inputs.environment).toMatchObject({
      id: bad.id,
      facts: { backups: { retentionDays: 7 } },
    });
    await t.http(t.tokens.viewer).get(`/v1/compliance/results/${failed.id}/evidence`).expect(403);

    // A check that throws records `error` with its message; the scan goes on.
    const errors = await scan({ control: broken.slug, subject: good.slug });
    const [errored] = await results(errors.id);
    expect(errored).toMatchObject({ outcome: 'error', message: 'No such key: x' });

    // Fixed: the next scan passes and resolves the finding.
    await t
      .http(t.tokens.admin)
      .patch(`/v1/environments/${bad.id}`)
      .send({ facts: { backups: { retentionDays: 40 } } })
      .expect(200);
    clock.advance(DAY);
    const second = await scan({ control: backups.slug, subject: bad.slug });
    expect(second.counts).toMatchObject({ passed: 1, failed: 0 });
    expect(
      (await t.http(t.tokens.viewer).get(`/v1/findings/${failed.findingId}`).expect(200)).body.status,
    ).toBe('resolved');
  });

  it('reports a waived failure as waived, never passed, and stops applying an expired waiver', async () => {
    const bad = await environment({});
    const backups = await control({ expression: BACKUPS });
    await t
      .http(t.tokens.admin)
      .post('/v1/compliance/waivers')
      .send({
        control: backups.slug,
        subject: bad.slug,
        reason: 'Migrating storage',
        approvedBy: 'Dana Scully',
        expiresAt: new Date(clock.now().getTime() + 2 * DAY).toISOString(),
      })
      .expect(201);
    const waived = await scan({ control: backups.slug, subject: bad.slug });
    const [result] = await results(waived.id);
    expect(result).toMatchObject({ outcome: 'waived', findingId: null });
    expect(waived.counts).toMatchObject({ waived: 1, passed: 0, failed: 0 });

    clock.advance(3 * DAY);
    const expired = await scan({ control: backups.slug, subject: bad.slug });
    expect((await results(expired.id))[0].outcome).toBe('failed');
  });

  it('keeps each result pointing at the control version it ran, and answers bad input clearly', async () => {
    const env = await environment({ backups: { retentionDays: 35 } });
    const backups = await control({ expression: BACKUPS });
    const v1 = await scan({ control: backups.slug, subject: env.slug });
    await t
      .http(t.tokens.admin)
      .patch(`/v1/compliance/controls/${backups.slug}`)
      .send({ expression: `${BACKUPS} && !environment.protected` })
      .expect(200);
    const v2 = await scan({ control: backups.slug, subject: env.slug });
    const [first] = await results(v1.id);
    const [second] = await results(v2.id);
    expect([first.outcome, second.outcome]).toEqual(['passed', 'failed']);
    const evidence = (
      await t.http(t.tokens.auditor).get(`/v1/compliance/results/${first.id}/evidence`).expect(200)
    ).body;
    expect(evidence.controlVersion).toBe(1);

    const refused = await t
      .http(t.tokens.admin)
      .post('/v1/compliance/scans')
      .send({ control: 'nope', framework: 'nist' })
      .expect(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['framework']);
    const unknown = await t
      .http(t.tokens.admin)
      .post('/v1/compliance/scans')
      .send({ control: 'nope' })
      .expect(400);
    expect(unknown.body.errors).toEqual([{ path: 'control', message: 'no control has id or slug "nope"' }]);
    await t.http(t.tokens.operator).post('/v1/compliance/scans').send({}).expect(403);
    await t
      .http(t.tokens.auditor)
      .get('/v1/compliance/scans/0190a0a0-0000-7000-8000-000000000000')
      .expect(404);
    const listed = await t.graphql<{ complianceScans: { items: { id: string }[] } }>(
      '{ complianceScans(limit: 5) { items { id } } }',
      {},
      t.tokens.auditor,
    );
    expect(listed.data?.complianceScans.items[0].id).toBe(v2.id);
  });
});
