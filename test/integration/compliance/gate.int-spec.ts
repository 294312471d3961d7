import { FixedClock } from '@opsplane/core';
import { createTestApp, TestApp } from '../../support/test-app';
import { createRelease, createService } from '../releases/fixtures';
import { BACKUPS, createControl, createEnvironment, runScan, SCANNING_APP } from './fixtures';

const HOUR = 3_600_000;

/**
 * The compliance gate of deployments: an `enforce` control whose latest result fails on a
 * protected environment refuses deployments to it, naming the control and the evidence; an admin
 * may override with a reason, which the deployment and its audit event keep.
 */
describe('compliance gate', () => {
  const clock = new FixedClock(new Date('2034-03-01T08:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(SCANNING_APP, { clock });
  });
  afterAll(() => t.close());

  const deploy = (token: string, release: string, environment: string, body: Record<string, unknown> = {}) =>
    t
      .http(token)
      .post('/v1/deployments')
      .send({ release, environment, ...body });

  /** A protected environment failing an enforced control, and a release ready to deploy there. */
  async function failingProduction() {
    const env = await createEnvironment(t, { backups: { retentionDays: 7 } }, { isProtected: true });
    const control = await createControl(t, { expression: BACKUPS, mode: 'enforce' });
    const scan = await runScan(t, { control: control.slug, subject: env.slug });
    const service = await createService(t);
    const release = await createRelease(t, service.id);
    return { env, control, scan, release };
  }

  it('refuses a deployment to a protected environment where an enforced control fails, naming control and evidence', async () => {
    const { env, control, scan, release } = await failingProduction();
    const [result] = (
      await t.http(t.tokens.auditor).get(`/v1/compliance/scans/${scan.id}/results`).expect(200)
    ).body.items as { id: string; evidenceSha256: string }[];

    const refused = await deploy(t.tokens.operator, release.id, env.id).expect(409);
    expect(refused.body.code).toBe('deployment.gates_failed');
    const problem = refused.body.errors.find((e: { path: string }) => e.path === 'gate.compliance');
    expect(problem.message).toContain(`control ${control.slug}`);
    expect(problem.message).toContain(`result ${result.id}`);
    expect(problem.message).toContain(`evidence sha256 ${result.evidenceSha256}`);
    expect(problem.message).toContain(env.slug);
  });

  it('lets through report-mode controls, unprotected environments and waived failures', async () => {
    const service = await createService(t);
    const release = await createRelease(t, service.id);

    const reported = await createEnvironment(t, {}, { isProtected: true });
    const reportOnly = await createControl(t, { expression: BACKUPS, mode: 'report' });
    await runScan(t, { control: reportOnly.slug, subject: reported.slug });
    await deploy(t.tokens.operator, release.id, reported.id).expect(201);

    const open = await createEnvironment(t, {}, { isProtected: false });
    const enforced = await createControl(t, { expression: BACKUPS, mode: 'enforce' });
    await runScan(t, { control: enforced.slug, subject: open.slug });
    await deploy(t.tokens.operator, release.id, open.id).expect(201);

    const waivedEnv = await createEnvironment(t, {}, { isProtected: true });
    const waivedControl = await createControl(t, { expression: BACKUPS, mode: 'enforce' });
    await runScan(t, { control: waivedControl.slug, subject: waivedEnv.slug });
    await deploy(t.tokens.operator, release.id, waivedEnv.id).expect(409);
    await t
      .http(t.tokens.admin)
      .post('/v1/compliance/waivers')
      .send({
        control: waivedControl.slug,
        subject: waivedEnv.slug,
        reason: 'Backups move to the new cluster this week',
        approvedBy: 'Dana Scully',
        expiresAt: new Date(clock.now().getTime() + 24 * HOUR).toISOString(),
      })
      .expect(201);
    await runScan(t, { control: waivedControl.slug, subject: waivedEnv.slug });
    await deploy(t.tokens.operator, release.id, waivedEnv.id).expect(201);
  });

  it('passes again once a rescan sees the control pass', async () => {
    const { env, control, release } = await failingProduction();
    await t
      .http(t.tokens.admin)
      .patch(`/v1/environments/${env.id}`)
      .send({ facts: { backups: { retentionDays: 35 } } })
      .expect(200);
    // The gate reads the latest result, not today's facts: still refused until a scan sees the fix.
    await deploy(t.tokens.operator, release.id, env.id).expect(409);
    await runScan(t, { control: control.slug, subject: env.slug });
    await deploy(t.tokens.operator, release.id, env.id).expect(201);
  });

  it('lets an admin override with a reason, kept on the deployment and in its audit event', async () => {
    const { env, release } = await failingProduction();
    const override = { gateOverrides: [{ gate: 'compliance', reason: 'Restore test tonight; CHG-118' }] };

    const forbidden = await deploy(t.tokens.operator, release.id, env.id, override).expect(403);
    expect(forbidden.body).toMatchObject({
      code: 'deployment.override_forbidden',
      errors: [{ path: 'gateOverrides[0].reason', message: 'admins only' }],
    });

    const created = (await deploy(t.tokens.admin, release.id, env.id, override).expect(201)).body;
    const adminId = created.requestedBy as string;
    expect(created.gateOverrides).toEqual([
      { gate: 'compliance', reason: 'Restore test tonight; CHG-118', by: adminId },
    ]);
    const audit = (
      await t
        .http(t.tokens.auditor)
        .get('/v1/audit-events')
        .query({ targetType: 'deployment', targetId: created.id })
        .expect(200)
    ).body.items;
    expect(audit[0]).toMatchObject({ action: 'deployment.requested', actorId: adminId });
    expect(audit[0].after.gateOverrides).toEqual(created.gateOverrides);

    // The override at the request covers the start for the failures known then.
    const started = await t
      .http(t.tokens.operator)
      .post(`/v1/deployments/${created.id}/status`)
      .send({ status: 'running' })
      .expect(200);
    expect(started.body.status).toBe('running');
  });

  it('refuses a start when a control began failing after the request, until overridden again', async () => {
    const env = await createEnvironment(t, {}, { isProtected: true });
    const first = await createControl(t, { expression: BACKUPS, mode: 'enforce' });
    await runScan(t, { control: first.slug, subject: env.slug });
    const service = await createService(t);
    const release = await createRelease(t, service.id);
    const created = (
      await deploy(t.tokens.admin, release.id, env.id, {
        gateOverrides: [{ gate: 'compliance', reason: 'Known; CHG-200' }],
      }).expect(201)
    ).body;

    clock.advance(HOUR);
    const second = await createControl(t, {
      expression: 'environment.protected == false',
      mode: 'enforce',
    });
    await runScan(t, { control: second.slug, subject: env.slug });
    const refused = await t
      .http(t.tokens.operator)
      .post(`/v1/deployments/${created.id}/status`)
      .send({ status: 'running' })
      .expect(409);
    const message = refused.body.errors.find((e: { path: string }) => e.path === 'gate.compliance').message;
    expect(message).toContain(second.slug);
    expect(message).not.toContain(first.slug);

    const started = await t
      .http(t.tokens.admin)
      .post(`/v1/deployments/${created.id}/status`)
      .send({ status: 'running', gateOverrides: [{ gate: 'compliance', reason: 'Both known; CHG-201' }] })
      .expect(200);
    expect(started.body.gateOverrides).toEqual([
      { gate: 'compliance', reason: 'Both known; CHG-201', by: created.requestedBy },
    ]);
  });

  it('refuses overrides of gates that cannot be overridden, with the field', async () => {
    const { env, release } = await failingProduction();
    const refused = await deploy(t.tokens.admin, release.id, env.id, {
      gateOverrides: [
        { gate: 'deploy-window', reason: 'x' },
        { gate: 'freeze', reason: 'x' },
        { gate: 'compliance', reason: '  ' },
      ],
    }).expect(400);
    expect(refused.body.errors).toEqual([
      { path: 'gateOverrides[0].gate', message: expect.stringMatching(/these may: .*compliance/) },
      { path: 'gateOverrides[1].gate', message: 'a freeze is overridden with freezeOverrideReason' },
      { path: 'gateOverrides[2].reason', message: 'must not be blank' },
    ]);
    await t
      .http(t.tokens.operator)
      .post('/v1/deployments')
      .send({
        release: release.id,
        environment: env.id,
        gateOverrides: [{ gate: 'Not A Slug', reason: 'x' }],
      })
      .expect(400);
  });
});
