import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemActor, Transactions } from '@opsplane/core';
import { FindingReports } from '@opsplane/findings';
import { VulnerabilityScansService } from '@opsplane/security';
import { validateAgainstSchema } from '../../../libs/security/src/sbom/sbom-schemas';
import { eventually } from '../../support/eventually';
import { createTestApp, TestApp } from '../../support/test-app';
import { createRelease, createService } from '../releases/fixtures';

const FIXTURES = join(__dirname, '../../fixtures/security');
const CERN = readFileSync(join(FIXTURES, 'sbom/cern-lhc-vdm-editor.cdx-1.2.bom.json'), 'utf8');
const GHSA = readdirSync(join(FIXTURES, 'osv'))
  .filter((file) => file.startsWith('GHSA-'))
  .map((file) => JSON.parse(readFileSync(join(FIXTURES, 'osv', file), 'utf8')) as object);

interface Finding {
  id: string;
  status: string;
  justification: string | null;
  evidence: { vulnerabilityId: string; component: { packageName: string } };
}

/** VEX triage of vulnerability findings: analyses, carrying them forward, export and import. */
describe('VEX', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      JOBS_ENABLED: 'true',
      JOBS_POLL_INTERVAL_MS: '500',
      COMPLIANCE_SCAN_CRON: '0 0 29 2 *',
      SECURITY_VULNERABILITY_SCAN_CRON: '0 0 29 2 *',
    });
    await t.http(t.tokens.admin).post('/v1/advisories/import').send(GHSA).expect(200);
  });
  afterAll(() => t.close());

  /** A release of `service` with the cern SBOM (minimist 0.0.8, ws 6.2.1), scanned: its two findings. */
  async function scannedRelease(service: string): Promise<{ id: string; findings: Record<string, Finding> }> {
    const release = await createRelease(t, service);
    await t
      .http(t.tokens.operator)
      .put(`/v1/releases/${release.id}/sbom`)
      .set('content-type', 'application/vnd.cyclonedx+json')
      .send(CERN)
      .expect(200);
    let items: Finding[] = [];
    await eventually(async () => {
      items = (
        await t
          .http(t.tokens.viewer)
          .get('/v1/findings')
          .query({ subjectType: 'release', subjectId: release.id, kind: 'vulnerability' })
          .expect(200)
      ).body.items;
      const sbom = (await t.http(t.tokens.viewer).get(`/v1/releases/${release.id}/sbom`).expect(200)).body;
      return sbom.lastScan !== null && items.length === 2;
    }, 'the release scanned');
    return {
      id: release.id,
      findings: Object.fromEntries(items.map((f) => [f.evidence.component.packageName, f])),
    };
  }
  const analyse = (findingId: string, body: object, token = t.tokens.operator) =>
    t.http(token).put(`/v1/findings/${findingId}/vex`).send(body);
  const finding = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/findings/${id}`).expect(200)).body as Finding;

  it('triages with an analysis, and the finding moves with it', async () => {
    const service = await createService(t);
    const { findings } = await scannedRelease(service.id);
    const minimist = findings.minimist;

    const missing = await analyse(minimist.id, { state: 'not_affected' }).expect(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'justification' })]);
    await analyse(minimist.id, { state: 'in_triage', justification: 'code_not_reachable' }).expect(400);
    await analyse(minimist.id, { state: 'exploitable' }, t.tokens.viewer).expect(403);

    const analysed = await analyse(minimist.id, {
      state: 'not_affected',
      justification: 'code_not_reachable',
      responses: ['will_not_fix'],
      detail: 'Only the build scripts use minimist; it never sees user input.',
    }).expect(200);
    expect(analysed.body.analysis).toMatchObject({
      state: 'not_affected',
      origin: 'manual',
      responses: ['will_not_fix'],
    });
    expect(analysed.body.finding).toMatchObject({
      status: 'false_positive',
      justification: 'code_not_reachable',
    });
    expect(
      (await t.http(t.tokens.viewer).get(`/v1/findings/${minimist.id}/vex`).expect(200)).body,
    ).toMatchObject({
      state: 'not_affected',
      justification: 'code_not_reachable',
    });

    // exploitable → triaged; from a false positive, by way of open.
    expect((await analyse(minimist.id, { state: 'exploitable' }).expect(200)).body.finding.status).toBe(
      'triaged',
    );
    expect((await analyse(findings.ws.id, { state: 'in_triage' }).expect(200)).body.finding.status).toBe(
      'triaged',
    );

    // GraphQL does the same.
    const graphql = await t.graphql<{ analyseVulnerability: { finding: { status: string } } }>(
      `mutation($id: ID!) { analyseVulnerability(findingId: $id, input: { state: false_positive, detail: "wrong package" }) {
         finding { status } analysis { state } } }`,
      { id: findings.ws.id },
      t.tokens.operator,
    );
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data!.analyseVulnerability.finding.status).toBe('false_positive');
  });

  it('refuses analyses of findings that are no vulnerability, and answers 404 for one without', async () => {
    const service = await createService(t);
    const { findings } = await scannedRelease(service.id);
    await t.http(t.tokens.viewer).get(`/v1/findings/${findings.ws.id}/vex`).expect(404);
    const { findingIds } = await t.app.get(Transactions).run((manager) =>
      t.app.get(FindingReports).report(manager, systemActor('compliance', 'test'), {
        source: 'compliance',
        kind: 'compliance',
        subjects: [{ type: 'service', id: service.id }],
        observations: [
          {
            subject: { type: 'service', id: service.id },
            dedupKey: 'c1',
            title: 'x',
            severity: 'low',
            evidence: {},
          },
        ],
      }),
    );
    const refused = await analyse(findingIds[0], { state: 'in_triage' }).expect(409);
    expect(refused.body.code).toBe('vex.not_a_vulnerability');
  });

  it('exports the release as a CycloneDX 1.6 VEX that validates, and imports one into another release', async () => {
    const service = await createService(t);
    const first = await scannedRelease(service.id);
    await analyse(first.findings.minimist.id, {
      state: 'not_affected',
      justification: 'code_not_present',
    }).expect(200);
    const exported = await t.http(t.tokens.viewer).get(`/v1/releases/${first.id}/vex`).expect(200);
    expect(exported.headers['content-type']).toMatch(/^application\/vnd\.cyclonedx\+json/);
    const document = JSON.parse(exported.text);
    expect(await validateAgainstSchema({ format: 'cyclonedx', version: '1.6' }, document)).toEqual([]);
    const byId = Object.fromEntries(
      (
        document.vulnerabilities as { id: string; analysis?: { state: string; justification?: string } }[]
      ).map((v) => [v.id, v]),
    );
    expect(byId['CVE-2021-44906'].analysis).toMatchObject({
      state: 'not_affected',
      justification: 'code_not_present',
    });
    expect(byId['CVE-2021-32640'].analysis).toBeUndefined();

    // Into another release of another service: the same components, the same vulnerabilities.
    const other = await scannedRelease((await createService(t)).id);
    const imported = await t
      .http(t.tokens.operator)
      .post(`/v1/releases/${other.id}/vex`)
      .set('content-type', 'application/vnd.cyclonedx+json')
      .send(exported.text)
      .expect(200);
    expect(imported.body).toMatchObject({ statements: 1, applied: 1, unmatched: [] });
    expect(await finding(other.findings.minimist.id)).toMatchObject({
      status: 'false_positive',
      justification: 'code_not_present',
    });

    // The CycloneDX example VEX speaks of jackson-databind, which this release does not have.
    const example = readFileSync(join(FIXTURES, 'vex/cyclonedx-bom-examples-vex.json'), 'utf8');
    const unmatched = await t
      .http(t.tokens.operator)
      .post(`/v1/releases/${other.id}/vex`)
      .set('content-type', 'application/json')
      .send(example)
      .expect(200);
    expect(unmatched.body).toMatchObject({
      statements: 1,
      applied: 0,
      unmatched: [{ vulnerabilityId: 'CVE-2020-25649' }],
    });
    const invalid = await t
      .http(t.tokens.operator)
      .post(`/v1/releases/${other.id}/vex`)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', vulnerabilities: [{ id: 1 }] }))
      .expect(400);
    expect(invalid.body.code).toBe('vex.invalid');
  });

  it('carries analyses to later releases of services that opt in, and drops a resolved one a scan disproves', async () => {
    const service = await createService(t);
    const first = await scannedRelease(service.id);
    await analyse(first.findings.minimist.id, {
      state: 'not_affected',
      justification: 'requires_configuration',
    }).expect(200);
    // Not opted in: the next release starts afresh.
    const plain = await scannedRelease(service.id);
    expect(plain.findings.minimist.status).toBe('open');

    const settings = await t
      .http(t.tokens.operator)
      .put(`/v1/services/${service.slug}/security-settings`)
      .send({ carryAnalyses: true })
      .expect(200);
    expect(settings.body).toMatchObject({ serviceId: service.id, carryAnalyses: true });
    const next = await scannedRelease(service.id);
    expect(next.findings.minimist).toMatchObject({
      status: 'false_positive',
      justification: 'requires_configuration',
    });
    expect(
      (await t.http(t.tokens.viewer).get(`/v1/findings/${next.findings.minimist.id}/vex`).expect(200)).body,
    ).toMatchObject({
      origin: 'carried',
      carriedFrom: first.findings.minimist.id,
    });

    // Said resolved, seen again by a scan: reopened, and the analysis no longer says resolved.
    await analyse(next.findings.ws.id, { state: 'resolved' }).expect(200);
    await t.app.get(VulnerabilityScansService).scanRelease(systemActor('osv', 'test'), next.id, 'manual');
    expect((await finding(next.findings.ws.id)).status).toBe('open');
    await t.http(t.tokens.viewer).get(`/v1/findings/${next.findings.ws.id}/vex`).expect(404);
  });
});
