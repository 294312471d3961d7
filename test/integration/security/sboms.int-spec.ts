import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../support/eventually';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createRelease, createService, finishedDeployment } from '../releases/fixtures';

const FIXTURES = join(__dirname, '../../fixtures/security');
const sbomBytes = (file: string) => readFileSync(join(FIXTURES, 'sbom', file));
const OSV = join(FIXTURES, 'osv');
const GHSA = readdirSync(OSV)
  .filter((file) => file.startsWith('GHSA-'))
  .map((file) => JSON.parse(readFileSync(join(OSV, file), 'utf8')) as Record<string, unknown>);

/** Runs its jobs; the scheduled rescan never comes (29 February at midnight), so each scan seen is a test's. */
const SCANNING = {
  JOBS_ENABLED: 'true',
  JOBS_POLL_INTERVAL_MS: '500',
  COMPLIANCE_SCAN_CRON: '0 0 29 2 *',
  SECURITY_VULNERABILITY_SCAN_CRON: '0 0 29 2 *',
};

/** What the tests read of a vulnerability finding's evidence. */
interface VulnerabilityEvidence {
  component: { packageName: string; version: string };
  vulnerabilityId: string;
  aliasGroup: string[];
  advisories: { id: string; matched: unknown[]; severity: unknown }[];
}

interface SbomBody {
  id: string;
  /** Null until scanned (`scanned` waits for it). */
  lastScan: { scannedAt: string; trigger: string };
}

describe('SBOMs and vulnerability scans', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(SCANNING);
  });
  afterAll(() => t.close());

  // As text: superagent would serialise a Buffer sent as a JSON type as {"type":"Buffer",…}.
  const attach = (releaseId: string, body: Buffer | string, type = 'application/vnd.cyclonedx+json') =>
    t
      .http(t.tokens.operator)
      .put(`/v1/releases/${releaseId}/sbom`)
      .set('content-type', type)
      .send(body.toString());

  const vulnerabilityFindings = async (releaseId: string, unresolved = true) => {
    const response = await t
      .http(t.tokens.viewer)
      .get('/v1/findings')
      .query({
        subjectType: 'release',
        subjectId: releaseId,
        kind: 'vulnerability',
        limit: 200,
        ...(unresolved && { unresolved: true }),
      })
      .expect(200);
    return response.body.items as {
      id: string;
      title: string;
      severity: string;
      status: string;
      dedupKey: string;
      evidence: VulnerabilityEvidence;
    }[];
  };

  const scanned = async (releaseId: string, after?: string) => {
    let sbom = {} as SbomBody;
    await eventually(async () => {
      sbom = (await t.http(t.tokens.viewer).get(`/v1/releases/${releaseId}/sbom`).expect(200)).body;
      return sbom.lastScan !== null && (after === undefined || sbom.lastScan.scannedAt > after);
    }, 'the release scanned');
    return sbom;
  };

  it('attaches the juice-shop SBOM, lists its components, and finds exactly its vulnerabilities', async () => {
    await t.http(t.tokens.admin).post('/v1/advisories/import').send(GHSA).expect(200);
    const service = await createService(t);
    const release = await createRelease(t, service.id);

    const attached = await attach(release.id, sbomBytes('juice-shop-11.1.2.cdx-1.2.bom.json')).expect(200);
    expect(attached.body).toMatchObject({
      releaseId: release.id,
      format: 'cyclonedx',
      specVersion: '1.2',
      mediaType: 'application/vnd.cyclonedx+json',
      lastScan: null,
    });
    expect(attached.body.componentCount).toBeGreaterThan(800);

    const lodash = await t
      .http(t.tokens.viewer)
      .get(`/v1/releases/${release.id}/sbom/components`)
      .query({ package: 'lodash', ecosystem: 'npm' })
      .expect(200);
    expect(lodash.body.items.map((c: { version: string }) => c.version).sort()).toEqual(['2.4.2', '4.17.19']);
    expect(lodash.body.items[0]).toMatchObject({
      name: 'lodash',
      ecosystem: 'npm',
      packageName: 'lodash',
      matching: 'evaluated',
    });
    expect(lodash.body.items[0].purl).toMatch(/^pkg:npm\/lodash@/);

    const sbom = await scanned(release.id);
    expect(sbom.lastScan).toMatchObject({ trigger: 'sbom_upload', vulnerabilities: 15, opened: 15 });
    const findings = await vulnerabilityFindings(release.id);
    expect(
      findings
        .map(
          (f) =>
            `${f.evidence.component.packageName}@${f.evidence.component.version} ${f.evidence.vulnerabilityId}`,
        )
        .sort(),
    ).toEqual([
      'express-jwt@0.1.3 CVE-2020-15084',
      'json5@2.1.3 CVE-2022-46175',
      'jsonwebtoken@0.1.0 CVE-2015-9235',
      'jsonwebtoken@0.4.0 CVE-2015-9235',
      'lodash@2.4.2 CVE-2021-23337',
      'lodash@4.17.19 CVE-2021-23337',
      'minimist@0.2.1 CVE-2021-44906',
      'minimist@1.2.5 CVE-2021-44906',
      'moment@2.0.0 CVE-2022-24785',
      'moment@2.27.0 CVE-2022-24785',
      'semver@5.7.1 CVE-2022-25883',
      'semver@6.3.0 CVE-2022-25883',
      'semver@7.3.2 CVE-2022-25883',
      'ws@6.1.4 CVE-2021-32640',
      'ws@7.3.1 CVE-2021-32640',
    ]);
    const semver = findings.find((f) => f.evidence.component.version === '7.3.2')!;
    // Why it matched: the record, its affected entry, the range and the events.
    expect(semver.evidence.aliasGroup).toEqual(['CVE-2022-25883', 'GHSA-c2qf-rxjj-qqgw']);
    expect(semver.evidence.advisories[0]).toMatchObject({ id: 'GHSA-c2qf-rxjj-qqgw' });
    expect(semver.evidence.advisories[0].matched[0]).toMatchObject({
      source: 'range',
      affectedIndex: 0,
      rangeType: 'ECOSYSTEM',
      events: [
        { kind: 'introduced', version: '7.0.0' },
        { kind: 'fixed', version: '7.5.2' },
      ],
    });
    expect(semver.evidence.advisories[0].severity).toMatchObject({ basis: 'cvss' });
    expect(semver.title).toMatch(/^CVE-2022-25883 in semver@7\.3\.2/);

    // The same SBOM again, re-serialised: nothing changes, no new scan.
    const again = await attach(
      release.id,
      JSON.stringify(JSON.parse(sbomBytes('juice-shop-11.1.2.cdx-1.2.bom.json').toString('utf8'))),
      'application/json',
    ).expect(200);
    expect(again.body).toMatchObject({ id: attached.body.id, uploadedAt: attached.body.uploadedAt });
    expect(again.body.lastScan.scannedAt).toBe(sbom.lastScan.scannedAt);

    // The document as uploaded.
    const document = await t
      .http(t.tokens.viewer)
      .get(`/v1/releases/${release.id}/sbom/document`)
      .expect(200);
    expect(document.headers['content-type']).toMatch(/^application\/vnd\.cyclonedx\+json/);
    expect(Buffer.from(document.body).equals(sbomBytes('juice-shop-11.1.2.cdx-1.2.bom.json'))).toBe(true);
  });

  it('replaces the SBOM with another, and findings of components gone resolve', async () => {
    const service = await createService(t);
    const release = await createRelease(t, service.id);
    await attach(release.id, sbomBytes('cern-lhc-vdm-editor.cdx-1.2.bom.json')).expect(200);
    const first = await scanned(release.id);
    expect((await vulnerabilityFindings(release.id)).map((f) => f.evidence.vulnerabilityId).sort()).toEqual([
      'CVE-2021-32640',
      'CVE-2021-44906',
    ]);
    const replaced = await attach(release.id, sbomBytes('dtrack-apiserver-4.5.0.cdx.bom.json')).expect(200);
    expect(replaced.body.id).not.toBe(first.id);
    const second = await scanned(release.id, first.lastScan.scannedAt);
    expect(second.lastScan).toMatchObject({ vulnerabilities: 0, resolved: 2 });
    expect(await vulnerabilityFindings(release.id)).toEqual([]);
    const all = await vulnerabilityFindings(release.id, false);
    expect(all.map((f) => f.status)).toEqual(['resolved', 'resolved']);
  });

  it('refuses what is not a valid SBOM, naming the failing rules, and stores nothing', async () => {
    const service = await createService(t);
    const release = await createRelease(t, service.id);
    // The osv-scanner fixture fails the official CycloneDX 1.6 schema.
    const invalid = await attach(
      release.id,
      sbomBytes('osv-scanner-testdata-alpine-zlib-16.cdx-1.6.json'),
    ).expect(400);
    expect(invalid.body.code).toBe('sbom.invalid');
    expect(invalid.body.errors.length).toBeGreaterThan(0);
    expect(invalid.body.errors[0].path).toMatch(/^\//);
    const notJson = await attach(release.id, '{"bomFormat": ', 'application/json').expect(400);
    expect(notJson.body.code).toBe('sbom.invalid');
    const unknown = await attach(release.id, JSON.stringify({ hello: 'world' }), 'application/json').expect(
      400,
    );
    expect(unknown.body.detail).toMatch(/CycloneDX JSON 1\.2–1\.7 or SPDX 2\.3 JSON/);
    await t.http(t.tokens.viewer).get(`/v1/releases/${release.id}/sbom`).expect(404);
    // Not a media type the route takes; nor does another route take SBOM media types.
    const plain = await attach(release.id, 'x', 'text/plain').expect(415);
    expect(plain.body.code).toBe('request.unsupported_media_type');
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('content-type', 'application/vnd.cyclonedx+json')
      .send('{}')
      .expect(415);
    // Unknown release; a viewer may not attach.
    await attach(
      '00000000-0000-7000-8000-000000000000',
      sbomBytes('cern-lhc-vdm-editor.cdx-1.2.bom.json'),
    ).expect(404);
    await t
      .http(t.tokens.viewer)
      .put(`/v1/releases/${release.id}/sbom`)
      .set('content-type', 'application/json')
      .send(sbomBytes('cern-lhc-vdm-editor.cdx-1.2.bom.json').toString())
      .expect(403);
  });

  it('takes a 5 MB SBOM in one request, above the API’s body limit, which other routes keep', async () => {
    const service = await createService(t);
    const release = await createRelease(t, service.id);
    const components = Array.from({ length: 20_000 }, (_, i) => ({
      type: 'library',
      'bom-ref': `pkg:npm/generated-package-${i}@1.0.${i}`,
      name: `generated-package-${i}`,
      version: `1.0.${i}`,
      purl: `pkg:npm/generated-package-${i}@1.0.${i}`,
      description: 'A component generated to make this SBOM large enough to test the body limit.',
      licenses: [{ license: { id: 'MIT' } }],
    }));
    const big = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      serialNumber: `urn:uuid:${crypto.randomUUID()}`,
      version: 1,
      metadata: { component: { type: 'application', name: 'big', version: '1.0.0' } },
      components,
    });
    expect(big.length).toBeGreaterThan(5_000_000);
    const response = await attach(release.id, big).expect(200);
    expect(response.body.componentCount).toBe(20_000);
    // The API's own limit (1 MiB) still holds elsewhere.
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .send({ slug: unique('svc'), name: 'x'.repeat(2_000_000), ownerTeam: 'ops' })
      .expect(413);
  });

  it('scans deployed releases again when advisories change: new ones find them, withdrawn ones resolve', async () => {
    const service = await createService(t);
    const environment = (
      await t
        .http(t.tokens.admin)
        .post('/v1/environments')
        .send({ slug: unique('env'), name: 'Env', tier: 'production', rank: 0 })
        .expect(201)
    ).body;
    const deployed = await createRelease(t, service.id);
    const idle = await createRelease(t, service.id);
    const sbom = JSON.parse(sbomBytes('cern-lhc-vdm-editor.cdx-1.2.bom.json').toString('utf8'));
    // Components no fixture advisory names yet.
    sbom.components.push({
      type: 'library',
      name: 'left-pad-test',
      version: '1.0.0',
      purl: 'pkg:npm/left-pad-test@1.0.0',
    });
    await attach(deployed.id, JSON.stringify(sbom)).expect(200);
    await attach(
      idle.id,
      JSON.stringify({ ...sbom, serialNumber: `urn:uuid:${crypto.randomUUID()}` }),
    ).expect(200);
    const before = await scanned(deployed.id);
    await scanned(idle.id);
    await finishedDeployment(t, deployed.id, environment.id);

    const advisory = {
      schema_version: '1.6.0',
      id: `GHSA-${unique('x').slice(-4).padStart(4, 'q')}-aaaa-bbbb`.toLowerCase().replace(/^ghsa/, 'GHSA'),
      modified: '2026-12-01T00:00:00Z',
      published: '2026-12-01T00:00:00Z',
      aliases: ['CVE-2026-99999'],
      summary: 'Everything in left-pad-test',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'left-pad-test' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
        },
      ],
    };
    await t.http(t.tokens.admin).post('/v1/advisories/import').send(advisory).expect(200);
    const after = await scanned(deployed.id, before.lastScan.scannedAt);
    expect(after.lastScan).toMatchObject({ trigger: 'advisories_changed', opened: 1 });
    const found = await vulnerabilityFindings(deployed.id);
    expect(found.map((f) => f.evidence.vulnerabilityId)).toContain('CVE-2026-99999');
    // The release deployed nowhere is not scanned again by an advisory change.
    const idleSbom = (await t.http(t.tokens.viewer).get(`/v1/releases/${idle.id}/sbom`).expect(200)).body;
    expect(idleSbom.lastScan.trigger).toBe('sbom_upload');

    await t
      .http(t.tokens.admin)
      .post('/v1/advisories/import')
      .send({ ...advisory, modified: '2026-12-02T00:00:00Z', withdrawn: '2026-12-02T00:00:00Z' })
      .expect(200);
    const withdrawn = await scanned(deployed.id, after.lastScan.scannedAt);
    expect(withdrawn.lastScan).toMatchObject({ resolved: 1 });
    expect((await vulnerabilityFindings(deployed.id)).map((f) => f.evidence.vulnerabilityId)).not.toContain(
      'CVE-2026-99999',
    );
  });

  it('answers which releases running where contain a package or are affected by an advisory', async () => {
    const environment = async (tier: string, rank: number) =>
      (
        await t
          .http(t.tokens.admin)
          .post('/v1/environments')
          .send({ slug: unique('env'), name: `Env ${tier}`, tier, rank, isProtected: tier === 'production' })
          .expect(201)
      ).body as { id: string; slug: string };
    const staging = await environment('staging', 0);
    const production = await environment('production', 0);
    const web = await createService(t);
    const api = await createService(t);
    const webRelease = await createRelease(t, web.id);
    const apiRelease = await createRelease(t, api.id);
    await attach(webRelease.id, sbomBytes('cern-lhc-vdm-editor.cdx-1.2.bom.json')).expect(200);
    await attach(apiRelease.id, sbomBytes('dtrack-apiserver-4.5.0.cdx.bom.json')).expect(200);
    await scanned(webRelease.id);
    await scanned(apiRelease.id);
    await finishedDeployment(t, webRelease.id, staging.id);
    await finishedDeployment(t, webRelease.id, production.id);
    await finishedDeployment(t, apiRelease.id, production.id);

    const exposure = async (query: Record<string, string>) =>
      (await t.http(t.tokens.viewer).get('/v1/security/exposure').query(query).expect(200)).body.items as {
        environment: { id: string; tier: string };
        service: { id: string };
        releaseId: string;
        components: { name: string; version: string; purl: string }[];
        findings: { vulnerabilityId: string; severity: string; status: string }[];
      }[];
    const inOurs = (rows: Awaited<ReturnType<typeof exposure>>) =>
      rows.filter((row) => [staging.id, production.id].includes(row.environment.id));

    const minimist = inOurs(await exposure({ package: 'minimist', ecosystem: 'npm' }));
    expect(minimist.map((row) => row.environment.tier).sort()).toEqual(['production', 'staging']);
    expect(minimist.every((row) => row.releaseId === webRelease.id)).toBe(true);
    expect(minimist[0].components).toEqual([
      expect.objectContaining({ name: 'minimist', version: '0.0.8', purl: 'pkg:npm/minimist@0.0.8' }),
    ]);
    expect(minimist[0].findings).toEqual([]);
    // By purl, with and without the version; in one environment.
    expect(inOurs(await exposure({ purl: 'pkg:npm/minimist@0.0.8' }))).toHaveLength(2);
    expect(inOurs(await exposure({ purl: 'pkg:npm/minimist@9.9.9' }))).toEqual([]);
    const inProduction = await exposure({ purl: 'pkg:npm/minimist', environmentId: production.id });
    expect(inProduction.map((row) => row.releaseId)).toEqual([webRelease.id]);

    // By advisory, under an alias too: the releases' unresolved findings of it.
    const affected = inOurs(await exposure({ advisory: 'GHSA-xvch-5gv4-984h' }));
    expect(affected.map((row) => row.environment.tier).sort()).toEqual(['production', 'staging']);
    expect(affected[0].findings).toEqual([
      expect.objectContaining({ vulnerabilityId: 'CVE-2021-44906', status: 'open' }),
    ]);
    expect(inOurs(await exposure({ advisory: 'CVE-2021-44906' }))).toHaveLength(2);
    // The Maven release contains snakeyaml, and no fixture advisory affects it.
    const maven = await exposure({ package: 'org.yaml:snakeyaml', environmentId: production.id });
    expect(maven.map((row) => row.releaseId)).toEqual([apiRelease.id]);
    expect(
      await exposure({
        advisory: 'CVE-2021-44906',
        environmentId: production.id,
        package: 'org.yaml:snakeyaml',
      }),
    ).toEqual([]);

    // GraphQL asks the same.
    const graphql = await t.graphql<{
      exposure: { items: { releaseId: string; environment: { slug: string } }[] };
    }>(
      `query($env: ID) { exposure(package: "ws", ecosystem: "npm", environmentId: $env) {
         items { releaseId environment { slug } components { version } findings { vulnerabilityId } } } }`,
      { env: production.id },
      t.tokens.viewer,
    );
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data!.exposure.items).toEqual([
      expect.objectContaining({ releaseId: webRelease.id, environment: { slug: production.slug } }),
    ]);

    // What to look for is required; a purl must be one.
    const none = await t.http(t.tokens.viewer).get('/v1/security/exposure').expect(400);
    expect(none.body.errors).toEqual([expect.objectContaining({ path: 'package' })]);
    const badPurl = await t
      .http(t.tokens.viewer)
      .get('/v1/security/exposure')
      .query({ purl: 'lodash' })
      .expect(400);
    expect(badPurl.body.errors).toEqual([expect.objectContaining({ path: 'purl' })]);
  });

  it('serves unresolved findings by kind and severity, and the advisory database, on /metrics', async () => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    const { items } = (
      await t
        .http(t.tokens.viewer)
        .get('/v1/findings')
        .query({ kind: 'vulnerability', severity: 'high', unresolved: true, limit: 200 })
        .expect(200)
    ).body as { items: unknown[] };
    expect(items.length).toBeGreaterThan(0);
    expect(value(/^opsplane_findings_unresolved\{kind="vulnerability",severity="high"\} (\d+)$/m)).toBe(
      items.length,
    );
    expect(value(/^opsplane_findings_unresolved\{kind="endpoint",severity="critical"\} (\d+)$/m)).toBe(0);
    const advisories = (await t.http(t.tokens.viewer).get('/v1/advisories').query({ limit: 200 }).expect(200))
      .body.items as unknown[];
    expect(value(/^opsplane_advisories (\d+)$/m)).toBe(advisories.length);
    expect(value(/^opsplane_advisories_last_import_age_seconds ([\d.e+-]+)$/m)).toBeGreaterThanOrEqual(0);
  });
});
