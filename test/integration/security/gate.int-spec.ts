import { FixedClock } from '@opsplane/core';
import { eventually } from '../../support/eventually';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createRelease, createService, reportStatus } from '../releases/fixtures';

const DAY = 86_400_000;

/**
 * The security gate: a deployment to a protected environment is refused while the release has an
 * unresolved critical vulnerability past its SLA (7 days for critical), naming it; an admin may
 * override with a reason; an accepted risk does not block.
 */
describe('security gate', () => {
  const clock = new FixedClock(new Date('2035-05-01T08:00:00.000Z'));
  let t: TestApp;
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp(
      {
        OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
        JOBS_ENABLED: 'true',
        JOBS_POLL_INTERVAL_MS: '500',
        COMPLIANCE_SCAN_CRON: '0 0 29 2 *',
        FINDINGS_SWEEP_CRON: '0 0 29 2 *',
        SECURITY_VULNERABILITY_SCAN_CRON: '0 0 29 2 *',
      },
      { clock },
    );
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const environment = async (isProtected: boolean) =>
    (
      await t
        .http(t.tokens.admin)
        .post('/v1/environments')
        .send({ slug: unique('env'), name: 'Env', tier: 'production', rank: 0, isProtected })
        .expect(201)
    ).body as { id: string; slug: string };
  const deploy = (token: string, release: string, environment: string, body: Record<string, unknown> = {}) =>
    t
      .http(token)
      .post('/v1/deployments')
      .send({ release, environment, ...body });

  /** A release whose SBOM has a package a critical advisory (CVSS 9.8) affects, scanned. */
  async function vulnerableRelease(): Promise<{
    release: { id: string; version: string };
    findingId: string;
  }> {
    const pkg = unique('gate-pkg');
    await t
      .http(t.tokens.admin)
      .post('/v1/advisories/import')
      .send({
        id: `OSV-${unique('gate')}`,
        modified: '2035-01-01T00:00:00Z',
        summary: `Remote code execution in ${pkg}`,
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        affected: [
          {
            package: { ecosystem: 'npm', name: pkg },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
          },
        ],
      })
      .expect(200);
    const service = await createService(t);
    const release = await createRelease(t, service.id);
    await t
      .http(t.tokens.operator)
      .put(`/v1/releases/${release.id}/sbom`)
      .send({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [{ type: 'library', name: pkg, version: '1.0.0', purl: `pkg:npm/${pkg}@1.0.0` }],
      })
      .expect(200);
    let findingId = '';
    await eventually(async () => {
      const { items } = (
        await t
          .http(t.tokens.viewer)
          .get('/v1/findings')
          .query({ subjectType: 'release', subjectId: release.id, kind: 'vulnerability' })
          .expect(200)
      ).body as { items: { id: string; severity: string }[] };
      findingId = items[0]?.id ?? '';
      return items.length === 1 && items[0].severity === 'critical';
    }, 'the critical finding opened');
    return { release, findingId };
  }

  it('refuses a protected environment once a critical vulnerability is past its SLA, naming it', async () => {
    const { release, findingId } = await vulnerableRelease();
    const production = await environment(true);
    // Within its SLA (7 days): deployable.
    const first = (await deploy(t.tokens.operator, release.id, production.id).expect(201)).body;
    await reportStatus(t, first.id, 'canceled', 'testing the gate').expect(200);

    clock.advance(8 * DAY);
    const refused = await deploy(t.tokens.operator, release.id, production.id).expect(409);
    expect(refused.body.code).toBe('deployment.gates_failed');
    const problem = refused.body.errors.find((e: { path: string }) => e.path === 'gate.security');
    expect(problem.message).toContain(`critical finding ${findingId}`);
    expect(problem.message).toContain(production.slug);
    // Unprotected environments are not gated.
    await deploy(t.tokens.operator, release.id, (await environment(false)).id).expect(201);

    // An admin may override with a reason; an operator may not.
    const override = { gateOverrides: [{ gate: 'security', reason: 'Mitigated at the WAF; CHG-301' }] };
    await deploy(t.tokens.operator, release.id, production.id, override).expect(403);
    const overridden = (await deploy(t.tokens.admin, release.id, production.id, override).expect(201)).body;
    expect(overridden.gateOverrides).toEqual([
      expect.objectContaining({ gate: 'security', reason: 'Mitigated at the WAF; CHG-301' }),
    ]);
    // …which covers its start.
    await reportStatus(t, overridden.id, 'running').expect(200);
    await reportStatus(t, overridden.id, 'succeeded').expect(200);
  });

  it('lets an accepted risk through', async () => {
    const { release, findingId } = await vulnerableRelease();
    const production = await environment(true);
    clock.advance(8 * DAY);
    await deploy(t.tokens.operator, release.id, production.id).expect(409);
    await t
      .http(t.tokens.admin)
      .post(`/v1/findings/${findingId}/status`)
      .send({
        status: 'accepted',
        reason: 'Not reachable: the parser is never given user input',
        acceptedBy: 'Dana Scully',
        acceptedUntil: new Date(clock.now().getTime() + 30 * DAY).toISOString(),
      })
      .expect(200);
    await deploy(t.tokens.operator, release.id, production.id).expect(201);
  });

  it('delivers its events by webhook: advisories.imported, finding.opened, security.scan.completed', async () => {
    const url = `${receiver.base}/ok?security`;
    await t
      .http(t.tokens.admin)
      .post('/v1/webhooks')
      .send({ url, eventTypes: ['advisories.*', 'finding.opened', 'security.scan.completed', 'sbom.*'] })
      .expect(201);
    const { release } = await vulnerableRelease();
    const types = () =>
      receiver.to(url).map((sent) => JSON.parse(sent.body) as { type: string; subject: { id: string } });
    await eventually(
      () =>
        ['advisories.imported', 'sbom.attached', 'finding.opened', 'security.scan.completed'].every((type) =>
          types().some((event) => event.type === type),
        ),
      'the events delivered',
    );
    expect(types().find((event) => event.type === 'security.scan.completed')!.subject.id).toBe(release.id);
  });
});
