import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { validateAgainstSchema } from '../sbom/sbom-schemas';
import { type VexAnalysis } from './vex-analysis';
import { exportVex, scoreMethod, type VexExportInput } from './vex-export';
import { readVex, type VexStatement } from './vex-import';

// Findings of one release for three npm packages, as the OSV fixtures in test/fixtures/security/osv rate them.
const MINIMIST_NOT_AFFECTED: VexAnalysis = {
  state: 'not_affected',
  justification: 'code_not_reachable',
  responses: ['will_not_fix'],
  detail: 'minimist only parses our own build scripts’ arguments; no request reaches it.',
};
const SEMVER_EXPLOITABLE: VexAnalysis = {
  state: 'exploitable',
  justification: null,
  responses: ['update', 'workaround_available'],
  detail:
    'Versions from the plugin registry are parsed with semver; capped at 256 characters until the update.',
};
const LODASH_IN_TRIAGE: VexAnalysis = {
  state: 'in_triage',
  justification: null,
  responses: [],
  detail: null,
};

function input(): VexExportInput {
  return {
    release: { service: 'checkout', version: '2.14.0', id: '0196a4c2-7d1e-7c3a-9f00-3b5e2f1d8a01' },
    serialNumber: 'urn:uuid:0196a4c2-7d1e-7c3a-9f00-3b5e2f1d8a99',
    timestamp: '2025-05-06T09:30:00Z',
    components: [
      {
        bomRef: 'c-minimist',
        name: 'minimist',
        group: null,
        version: '1.2.5',
        purl: 'pkg:npm/minimist@1.2.5',
      },
      { bomRef: 'c-semver', name: 'semver', group: null, version: '7.3.2', purl: 'pkg:npm/semver@7.3.2' },
      { bomRef: 'c-semver-6', name: 'semver', group: null, version: '6.3.0', purl: 'pkg:npm/semver@6.3.0' },
      { bomRef: 'c-lodash', name: 'lodash', group: null, version: '4.17.19', purl: 'pkg:npm/lodash@4.17.19' },
      // No purl (a vendored copy): affects still names it by bom-ref.
      { bomRef: 'c-vendored', name: 'core', group: '@babel', version: null, purl: null },
    ],
    vulnerabilities: [
      {
        id: 'CVE-2021-44906',
        aliases: ['CVE-2021-44906', 'GHSA-xvch-5gv4-984h'],
        source: null,
        ratings: [
          {
            severity: 'critical',
            score: 9.8,
            method: 'CVSS_V3',
            vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
          },
        ],
        description: 'Prototype Pollution in minimist',
        affects: ['c-minimist'],
        analysis: MINIMIST_NOT_AFFECTED,
        published: '2022-03-18T00:01:09Z',
        updated: '2024-06-21T21:33:52Z',
      },
      {
        id: 'CVE-2022-25883',
        aliases: ['GHSA-c2qf-rxjj-qqgw'],
        source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2022-25883' },
        ratings: [
          {
            severity: 'MODERATE',
            score: 5.3,
            method: null,
            vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
          },
          { severity: 'medium', score: null, method: 'GitHub', vector: null },
        ],
        description: 'semver vulnerable to Regular Expression Denial of Service',
        affects: ['c-semver', 'c-semver-6', 'c-semver'],
        analysis: SEMVER_EXPLOITABLE,
      },
      {
        id: 'CVE-2021-23337',
        aliases: ['GHSA-35jh-r3h4-6jhm'],
        source: null,
        ratings: [
          {
            severity: 'high',
            score: 7.2,
            method: 'CVSSv31',
            vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
          },
        ],
        description: null,
        affects: ['c-lodash', 'c-vendored'],
        analysis: LODASH_IN_TRIAGE,
        published: null,
        updated: null,
      },
      {
        // Not triaged yet: listed, with no analysis.
        id: 'GHSA-9c47-m6qq-7p4h',
        aliases: [],
        source: null,
        ratings: [],
        description: null,
        affects: ['c-lodash'],
        analysis: null,
      },
    ],
  };
}

describe('exportVex', () => {
  it('makes a CycloneDX 1.6 document the official schema accepts', async () => {
    const document = exportVex(input());
    expect(await validateAgainstSchema({ format: 'cyclonedx', version: '1.6' }, document)).toEqual([]);
    // And the library's own validator, the reference sbom-schemas.spec.ts holds ours to.
    expect(
      await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(JSON.stringify(document)),
    ).toBeNull();
  });

  it('names the release, its components and each vulnerability with its analysis', () => {
    const document = exportVex(input());
    expect(document).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:0196a4c2-7d1e-7c3a-9f00-3b5e2f1d8a99',
      version: 1,
      metadata: {
        timestamp: '2025-05-06T09:30:00Z',
        tools: { components: [{ type: 'application', name: 'Opsplane' }] },
        component: {
          type: 'application',
          name: 'checkout',
          version: '2.14.0',
          'bom-ref': '0196a4c2-7d1e-7c3a-9f00-3b5e2f1d8a01',
        },
      },
    });
    expect(document.components[0]).toEqual({
      type: 'library',
      'bom-ref': 'c-minimist',
      name: 'minimist',
      version: '1.2.5',
      purl: 'pkg:npm/minimist@1.2.5',
    });
    expect(document.components[4]).toEqual({
      type: 'library',
      'bom-ref': 'c-vendored',
      group: '@babel',
      name: 'core',
    });

    const [minimist, semver, lodash, untriaged] = document.vulnerabilities;
    expect(minimist).toEqual({
      id: 'CVE-2021-44906',
      source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-44906' },
      // The id itself is not repeated among its references.
      references: [
        {
          id: 'GHSA-xvch-5gv4-984h',
          source: { name: 'GitHub', url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h' },
        },
      ],
      ratings: [
        {
          severity: 'critical',
          score: 9.8,
          method: 'CVSSv31',
          vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        },
      ],
      description: 'Prototype Pollution in minimist',
      published: '2022-03-18T00:01:09Z',
      updated: '2024-06-21T21:33:52Z',
      analysis: {
        state: 'not_affected',
        justification: 'code_not_reachable',
        response: ['will_not_fix'],
        detail: MINIMIST_NOT_AFFECTED.detail,
      },
      affects: [{ ref: 'c-minimist' }],
    });
    expect(semver.ratings).toEqual([
      {
        severity: 'medium',
        score: 5.3,
        method: 'CVSSv31',
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
      },
      { severity: 'medium', method: 'other' },
    ]);
    // The same component named twice is one affects entry (the schema wants them unique).
    expect(semver.affects).toEqual([{ ref: 'c-semver' }, { ref: 'c-semver-6' }]);
    expect(semver.analysis).toEqual({
      state: 'exploitable',
      response: ['update', 'workaround_available'],
      detail: SEMVER_EXPLOITABLE.detail,
    });
    // in_triage with nothing else: no empty response list, no null justification or detail.
    expect(lodash.analysis).toEqual({ state: 'in_triage' });
    expect(lodash).not.toHaveProperty('description');
    expect(lodash).not.toHaveProperty('published');
    expect(untriaged).toEqual({
      id: 'GHSA-9c47-m6qq-7p4h',
      source: { name: 'GitHub', url: 'https://github.com/advisories/GHSA-9c47-m6qq-7p4h' },
      affects: [{ ref: 'c-lodash' }],
    });
  });

  it('round-trips through readVex: the same analyses, aliases and components', async () => {
    const result = await readVex(exportVex(input()));
    if (!result.ok) throw new Error(`expected the export to be read: ${result.message}`);
    expect(result.statements).toEqual<VexStatement[]>([
      {
        path: '/vulnerabilities/0',
        vulnerabilityId: 'CVE-2021-44906',
        aliases: ['GHSA-xvch-5gv4-984h'],
        affects: [{ ref: 'c-minimist', purl: 'pkg:npm/minimist@1.2.5' }],
        analysis: MINIMIST_NOT_AFFECTED,
      },
      {
        path: '/vulnerabilities/1',
        vulnerabilityId: 'CVE-2022-25883',
        aliases: ['GHSA-c2qf-rxjj-qqgw'],
        affects: [
          { ref: 'c-semver', purl: 'pkg:npm/semver@7.3.2' },
          { ref: 'c-semver-6', purl: 'pkg:npm/semver@6.3.0' },
        ],
        analysis: SEMVER_EXPLOITABLE,
      },
      {
        path: '/vulnerabilities/2',
        vulnerabilityId: 'CVE-2021-23337',
        aliases: ['GHSA-35jh-r3h4-6jhm'],
        affects: [
          { ref: 'c-lodash', purl: 'pkg:npm/lodash@4.17.19' },
          { ref: 'c-vendored', purl: null },
        ],
        analysis: LODASH_IN_TRIAGE,
      },
    ]);
    // The untriaged one says nothing about exploitability, and readVex says so.
    expect(result.problems).toEqual([
      {
        path: '/vulnerabilities/3',
        code: 'no_analysis',
        message: expect.stringContaining('GHSA-9c47-m6qq-7p4h'),
      },
    ]);
  });

  it('refuses input no valid document can be made of', () => {
    const withSerial = { ...input(), serialNumber: 'urn:uuid:0196A4C2-7D1E-7C3A-9F00-3B5E2F1D8A99' };
    expect(() => exportVex(withSerial)).toThrow(/serialNumber/);

    const dangling = input();
    dangling.vulnerabilities[0].affects = ['c-nowhere'];
    expect(() => exportVex(dangling)).toThrow(/"c-nowhere", which is not a component/);

    const twice = input();
    twice.components.push({ ...twice.components[0] });
    expect(() => exportVex(twice)).toThrow(/bom-ref "c-minimist" is used twice/);

    const unjustified = input();
    unjustified.vulnerabilities[0].analysis = { ...MINIMIST_NOT_AFFECTED, justification: null };
    expect(() => exportVex(unjustified)).toThrow(/analysis of CVE-2021-44906 is not valid: \/justification/);
  });
});

describe('scoreMethod', () => {
  it.each([
    ['CVSSv31', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSSv31'],
    ['cvssv4', null, 'CVSSv4'],
    ['CVSS_V3', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSSv3'],
    ['CVSS_V3', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSSv31'],
    ['CVSS_V4', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CVSSv4'],
    ['CVSS_V2', 'AV:N/AC:L/Au:N/C:P/I:P/A:P', 'CVSSv2'],
    [null, 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CVSSv4'],
    [null, 'AV:N/AC:L/Au:N/C:P/I:P/A:P', 'CVSSv2'],
    [null, 'something else', 'other'],
    ['Ubuntu', null, 'other'],
    [null, null, null],
  ])('%s with %s is %s', (method, vector, expected) => {
    expect(scoreMethod(method, vector)).toBe(expected);
  });
});
