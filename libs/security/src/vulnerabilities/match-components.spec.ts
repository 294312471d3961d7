import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OsvRecord } from '../advisories/osv-record';
import { readSbom, type SbomComponent } from '../sbom';
import { matchComponents } from './match-components';

const FIXTURES = join(__dirname, '../../../../test/fixtures/security');
/** The eight GitHub advisories of the fixtures (test/fixtures/security/SOURCES.md). */
const ADVISORIES: OsvRecord[] = readdirSync(join(FIXTURES, 'osv'))
  .filter((file) => file.startsWith('GHSA-'))
  .map((file) => JSON.parse(readFileSync(join(FIXTURES, 'osv', file), 'utf8')) as OsvRecord);

async function componentsOf(file: string): Promise<SbomComponent[]> {
  const read = await readSbom(readFileSync(join(FIXTURES, 'sbom', file)));
  if (!read.ok) throw new Error(read.message);
  return read.sbom.components;
}

function matchesOf(components: SbomComponent[], records = ADVISORIES): string[] {
  const { vulnerabilities } = matchComponents(components, (component) => component.osvPackage, records);
  return vulnerabilities
    .map(
      ({ component, primaryId }) =>
        `${component.osvPackage.name}@${component.osvPackage.version} ${primaryId}`,
    )
    .sort();
}

describe('matchComponents on the fixtures', () => {
  it('finds exactly the vulnerable components of juice-shop 11.1.2 (DOMAIN.md, SOURCES.md)', async () => {
    expect(matchesOf(await componentsOf('juice-shop-11.1.2.cdx-1.2.bom.json'))).toEqual([
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
  });

  it('matches nothing in the Maven SBOM, and evaluates every component it names', async () => {
    const components = await componentsOf('dtrack-apiserver-4.5.0.cdx.bom.json');
    const result = matchComponents(components, (component) => component.osvPackage, ADVISORIES);
    expect(result).toEqual({ vulnerabilities: [], unevaluated: [], unsupported: [] });
  });

  it('finds the advisories of juice-shop 14.1.1 and of the small cern SBOM too', async () => {
    const flat = new Set(matchesOf(await componentsOf('juice-shop-14.1.1.via-npm.flat.cdx-1.4.bom.json')));
    expect([...flat]).toEqual(
      expect.arrayContaining(['semver@7.3.8 CVE-2022-25883', 'minimist@0.2.3 CVE-2021-44906']),
    );
    expect(matchesOf(await componentsOf('cern-lhc-vdm-editor.cdx-1.2.bom.json'))).toEqual([
      'minimist@0.0.8 CVE-2021-44906',
      'ws@6.2.1 CVE-2021-32640',
    ]);
  });

  it('says why each matched, and rates it from its CVSS vector', async () => {
    const components = await componentsOf('juice-shop-11.1.2.cdx-1.2.bom.json');
    const { vulnerabilities } = matchComponents(components, (component) => component.osvPackage, ADVISORIES);
    const semver = vulnerabilities.find((v) => v.component.osvPackage.version === '7.3.2')!;
    expect(semver.aliasGroup).toEqual(['CVE-2022-25883', 'GHSA-c2qf-rxjj-qqgw']);
    expect(semver.matches[0].evidence[0]).toMatchObject({
      source: 'range',
      introduced: { kind: 'introduced', version: '7.0.0' },
      until: { kind: 'fixed', version: '7.5.2' },
    });
    expect(semver.severity).toBe('medium');
    expect(semver.matches[0].severity.cvss).toMatchObject({ score: 5.3 });
  });

  it('collapses one vulnerability known under two records into one entry', async () => {
    const semverAdvisory = ADVISORIES.find((record) => record.id === 'GHSA-c2qf-rxjj-qqgw')!;
    // The same vulnerability as another database publishes it: its own id, aliasing the CVE.
    const mirrored: OsvRecord = { ...semverAdvisory, id: 'OSV-2023-9999', aliases: ['CVE-2022-25883'] };
    const components = await componentsOf('juice-shop-11.1.2.cdx-1.2.bom.json');
    const { vulnerabilities } = matchComponents(components, (c) => c.osvPackage, [semverAdvisory, mirrored]);
    expect(vulnerabilities).toHaveLength(3);
    for (const vulnerability of vulnerabilities) {
      expect(vulnerability.aliasGroup).toEqual(['CVE-2022-25883', 'GHSA-c2qf-rxjj-qqgw', 'OSV-2023-9999']);
      expect(vulnerability.matches.map((match) => match.record.id).sort()).toEqual([
        'GHSA-c2qf-rxjj-qqgw',
        'OSV-2023-9999',
      ]);
    }
  });

  it('reports components it cannot evaluate instead of skipping them', () => {
    const record: OsvRecord = {
      id: 'RUSTSEC-2099-0001',
      modified: '2099-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'crates.io', name: 'smallvec' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.6.1' }] }],
        },
      ],
    };
    const components = [
      { ecosystem: 'crates.io', name: 'smallvec', version: '1.6.0' },
      { ecosystem: 'crates.io', name: 'smallvec', version: null },
    ];
    const { vulnerabilities, unevaluated, unsupported } = matchComponents(
      [...components, { ecosystem: null, name: 'vendored/libfoo', version: '2.0' }],
      (c) => c,
      [record],
    );
    expect(vulnerabilities).toEqual([]);
    expect(unevaluated.map(({ reason }) => reason.kind)).toEqual(['no_comparator', 'unknown_version']);
    expect(
      unsupported.map(({ component, reason }) => `${component.name}@${component.version}: ${reason}`),
    ).toEqual([
      'smallvec@1.6.0: no_version_order',
      'smallvec@null: no_version_order',
      'vendored/libfoo@2.0: no_ecosystem',
    ]);
  });
});
