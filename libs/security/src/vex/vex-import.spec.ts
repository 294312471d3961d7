import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_SBOM_DEPTH } from '../sbom/recognise-sbom';
import { parseBomLink, readVex, type VexReadResult, type VexRejection } from './vex-import';

// The real CycloneDX/bom-examples VEX and the SBOM it speaks about (test/fixtures/security/vex/README.md).
const FIXTURES = join(__dirname, '../../../../test/fixtures/security/vex');
const VEX = 'cyclonedx-bom-examples-vex.json';
const VEX_BOM = 'cyclonedx-bom-examples-vex-bom.json';
const fixture = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
/** Parsed JSON, poked at freely. */
type Document = ReturnType<typeof fixture>;

const JACKSON_PURL = 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar';
const JACKSON_LINK = `urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#${JACKSON_PURL}`;
const JACKSON_ANALYSIS = {
  state: 'not_affected',
  justification: 'code_not_reachable',
  responses: ['will_not_fix', 'update'],
  detail:
    'Automated dataflow analysis and manual code review indicates that the vulnerable code is not reachable, either directly or indirectly.',
};

async function read(document: unknown): Promise<Extract<VexReadResult, { ok: true }>> {
  const result = await readVex(document);
  if (!result.ok) throw new Error(`expected the VEX to be read: ${result.message}`);
  return result;
}

async function refused(document: unknown): Promise<VexRejection> {
  const result = await readVex(document);
  if (result.ok) throw new Error('expected the VEX to be refused');
  return result;
}

/** The fixture VEX changed by `change`. */
function vex(change: (document: Document) => void = () => undefined): Document {
  const document = fixture(VEX);
  change(document);
  return document;
}

describe('readVex: the CycloneDX/bom-examples VEX (1.4, a BOM-Link into another BOM)', () => {
  it('reads its one statement: CVE-2020-25649, not_affected, code_not_reachable', async () => {
    const result = await read(fixture(VEX));
    expect(result).toEqual({
      ok: true,
      specVersion: '1.4',
      statements: [
        {
          path: '/vulnerabilities/0',
          vulnerabilityId: 'CVE-2020-25649',
          aliases: ['SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302'],
          // The other BOM is not at hand; the BOM-Link's bom-ref is the component's purl.
          affects: [{ ref: JACKSON_LINK, purl: JACKSON_PURL }],
          analysis: JACKSON_ANALYSIS,
        },
      ],
      problems: [],
    });
  });

  it('reads its BOM-Link', () => {
    expect(parseBomLink(JACKSON_LINK)).toEqual({
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      version: 1,
      bomRef: JACKSON_PURL,
    });
    expect(
      parseBomLink('urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:npm/%40babel/core@7.1.0')?.bomRef,
    ).toBe('pkg:npm/@babel/core@7.1.0');
    expect(parseBomLink('urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1')).toBeNull();
    expect(parseBomLink(JACKSON_PURL)).toBeNull();
  });
});

describe('readVex: the SBOM of the bom-examples VEX (1.3)', () => {
  it('is refused: CycloneDX 1.3 has no vulnerabilities, so it cannot be a VEX', async () => {
    expect(await refused(fixture(VEX_BOM))).toEqual({
      ok: false,
      reason: 'unsupported_version',
      message: expect.stringContaining('CycloneDX 1.3; accepted: CycloneDX 1.4, 1.5, 1.6'),
      errors: [],
    });
  });

  it('is not the BOM the VEX links to by serial number, though they share the bom-ref', () => {
    const sbom = fixture(VEX_BOM);
    expect(parseBomLink(JACKSON_LINK)?.serialNumber).not.toBe(sbom.serialNumber);
    expect(sbom.components.map((c: { 'bom-ref': string }) => c['bom-ref'])).toContain(JACKSON_PURL);
  });
});

describe('readVex: a VEX embedded in its SBOM (the two fixtures as one 1.6 BOM)', () => {
  /** The SBOM's components with the VEX's vulnerability, its affects a bom-ref of this document. */
  function embedded(ref: (sbom: Document) => string): Document {
    const sbom = fixture(VEX_BOM);
    const [vulnerability] = fixture(VEX).vulnerabilities;
    return {
      ...sbom,
      specVersion: '1.6',
      // The 1.3 tool entry (with hashes) is still a valid legacy tools array in 1.6.
      vulnerabilities: [{ ...vulnerability, affects: [{ ref: ref(sbom) }] }],
    };
  }

  it('resolves a bom-ref to the purl of the component it names', async () => {
    const document = embedded(() => JACKSON_PURL);
    // A bom-ref that is not a purl: only the component can give it one.
    document.components[0]['bom-ref'] = 'jackson-databind';
    document.vulnerabilities[0].affects = [{ ref: 'jackson-databind' }];
    const { statements, problems } = await read(document);
    expect(problems).toEqual([]);
    expect(statements).toEqual([
      expect.objectContaining({
        vulnerabilityId: 'CVE-2020-25649',
        affects: [{ ref: 'jackson-databind', purl: JACKSON_PURL }],
        analysis: JACKSON_ANALYSIS,
      }),
    ]);
  });

  it('resolves a BOM-Link to this very document as a bom-ref of it', async () => {
    const document = embedded(
      ({ serialNumber }) => `urn:cdx:${serialNumber.slice('urn:uuid:'.length)}/1#jackson-core`,
    );
    document.components[2]['bom-ref'] = 'jackson-core';
    const { statements } = await read(document);
    expect(statements[0].affects).toEqual([
      {
        ref: expect.stringMatching(/^urn:cdx:5f0f0da9-.*#jackson-core$/),
        purl: 'pkg:maven/com.fasterxml.jackson.core/jackson-core@2.10.0?type=jar',
      },
    ]);
  });

  it('keeps a ref that names nothing it can resolve, with purl null', async () => {
    const document = embedded(() => 'somewhere-else');
    const { statements, problems } = await read(document);
    expect(statements[0].affects).toEqual([{ ref: 'somewhere-else', purl: null }]);
    expect(problems).toEqual([]);
  });

  it('reads a purl ref in canonical form', async () => {
    const document = embedded(() => 'pkg:npm/@babel/core@7.1.0');
    const { statements } = await read(document);
    expect(statements[0].affects).toEqual([
      { ref: 'pkg:npm/@babel/core@7.1.0', purl: 'pkg:npm/%40babel/core@7.1.0' },
    ]);
  });
});

describe('readVex: statements it cannot take are problems, not refusals', () => {
  it('an unknown analysis state: that statement is a problem, the others are read', async () => {
    const document = vex((d) => {
      const second = structuredClone(d.vulnerabilities[0]);
      second.id = 'CVE-2021-20190';
      second.analysis = { state: 'fixed', detail: 'Upgraded in 2.10.5.1.' };
      d.vulnerabilities.push(second);
    });
    const { statements, problems } = await read(document);
    expect(statements.map((statement) => statement.vulnerabilityId)).toEqual(['CVE-2020-25649']);
    expect(problems).toEqual([
      {
        path: '/vulnerabilities/1/analysis/state',
        code: 'unknown_state',
        message: expect.stringContaining(
          'The state "fixed" of CVE-2021-20190 is not a CycloneDX analysis state',
        ),
      },
    ]);
  });

  it('problems come in document order', async () => {
    const { problems } = await read(
      vex((d) => {
        const second = structuredClone(d.vulnerabilities[0]);
        d.vulnerabilities[0].analysis.state = 'affected';
        delete second.analysis;
        d.vulnerabilities.push(second);
      }),
    );
    expect(problems.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: '/vulnerabilities/0/analysis/state', code: 'unknown_state' },
      { path: '/vulnerabilities/1', code: 'no_analysis' },
    ]);
  });

  it('the rest of an entry with an unknown state must still be valid', async () => {
    const document = vex((d) => {
      d.vulnerabilities[0].analysis.state = 'fixed';
      d.vulnerabilities[0].analysis.justification = 'fixed_in_2.10.5.1';
    });
    expect(await refused(document)).toMatchObject({
      reason: 'schema',
      errors: [
        expect.objectContaining({ path: '/vulnerabilities/0/analysis/justification', keyword: 'enum' }),
      ],
    });
  });

  it('no analysis, or one without a state', async () => {
    const { statements, problems } = await read(
      vex((d) => {
        const second = structuredClone(d.vulnerabilities[0]);
        delete d.vulnerabilities[0].analysis;
        second.analysis = { detail: 'Looking into it.' };
        d.vulnerabilities.push(second);
      }),
    );
    expect(statements).toEqual([]);
    expect(problems.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: '/vulnerabilities/0', code: 'no_analysis' },
      { path: '/vulnerabilities/1/analysis', code: 'no_analysis' },
    ]);
  });

  it('not_affected without a justification, which CycloneDX allows and we do not', async () => {
    const { statements, problems } = await read(
      vex((d) => delete d.vulnerabilities[0].analysis.justification),
    );
    expect(statements).toEqual([]);
    expect(problems).toEqual([
      {
        path: '/vulnerabilities/0/analysis/justification',
        code: 'invalid_analysis',
        message: expect.stringContaining(
          'The analysis of CVE-2020-25649 is not taken: justification is required',
        ),
      },
    ]);
  });

  it('no affects, or no id', async () => {
    const { problems } = await read(
      vex((d) => {
        const second = structuredClone(d.vulnerabilities[0]);
        delete d.vulnerabilities[0].affects;
        delete second.id;
        d.vulnerabilities.push(second);
      }),
    );
    expect(problems.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: '/vulnerabilities/0', code: 'no_affects' },
      { path: '/vulnerabilities/1', code: 'no_id' },
    ]);
  });

  it('a ref that looks like a purl and is not one: kept, purl null, said', async () => {
    const { statements, problems } = await read(
      vex((d) => (d.vulnerabilities[0].affects = [{ ref: 'pkg:' }])),
    );
    expect(statements[0].affects).toEqual([{ ref: 'pkg:', purl: null }]);
    expect(problems).toEqual([
      {
        path: '/vulnerabilities/0/affects/0/ref',
        code: 'invalid_purl',
        message: expect.stringContaining('"pkg:" is not a valid purl'),
      },
    ]);
  });
});

describe('readVex refuses', () => {
  it('a document its schema refuses, naming the failing path', async () => {
    const rejection = await refused(vex((d) => (d.vulnerabilities[0].ratings[0].method = 'CVSSv3.1')));
    expect(rejection).toMatchObject({ ok: false, reason: 'schema' });
    expect(rejection.errors[0]).toMatchObject({
      path: '/vulnerabilities/0/ratings/0/method',
      keyword: 'enum',
    });
    expect(rejection.message).toMatch(
      /^The VEX is not valid CycloneDX 1\.4: \/vulnerabilities\/0\/ratings\/0\/method must be equal to one of the allowed values/,
    );
  });

  it('a response the schema does not know (the schema is checked before our own rules)', async () => {
    const rejection = await refused(vex((d) => d.vulnerabilities[0].analysis.response.push('patched')));
    expect(rejection.errors[0]).toMatchObject({ path: '/vulnerabilities/0/analysis/response/2' });
  });

  it('a BOM without vulnerabilities: an SBOM, not a VEX', async () => {
    const sbom = { ...fixture(VEX_BOM), specVersion: '1.4' };
    expect(await refused(sbom)).toMatchObject({ reason: 'not_vex', errors: [] });
  });

  it('what is not CycloneDX, or not 1.4–1.6', async () => {
    expect(await refused([])).toMatchObject({ reason: 'not_cyclonedx' });
    expect(await refused({ spdxVersion: 'SPDX-2.3' })).toMatchObject({ reason: 'not_cyclonedx' });
    expect(await refused(vex((d) => (d.specVersion = '1.7')))).toMatchObject({
      reason: 'unsupported_version',
    });
    expect(await refused(vex((d) => (d.specVersion = 1.4)))).toMatchObject({
      reason: 'unsupported_version',
      message: expect.stringContaining('specVersion 1.4, not a version string'),
    });
  });

  it(`nesting deeper than ${MAX_SBOM_DEPTH} levels, before the schema walks it`, async () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 5_000; level++) deep = [deep];
    expect(
      await refused(vex((d) => (d.vulnerabilities[0].properties = [{ name: 'deep', value: deep }]))),
    ).toMatchObject({ reason: 'too_deep' });
  });
});
