import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSbom } from './read-sbom';
import { MAX_SBOM_DEPTH } from './recognise-sbom';
import type { Sbom, SbomComponent, SbomRejection } from './sbom';

// The real SBOMs of test/fixtures/security/SOURCES.md.
const FIXTURES = join(__dirname, '../../../../test/fixtures/security/sbom');
const JUICE_SHOP_11 = 'juice-shop-11.1.2.cdx-1.2.bom.json';
const JUICE_SHOP_14 = 'juice-shop-14.1.1.via-npm.flat.cdx-1.4.bom.json';
const CERN = 'cern-lhc-vdm-editor.cdx-1.2.bom.json';
const DTRACK = 'dtrack-apiserver-4.5.0.cdx.bom.json';
const ALPINE_ZLIB = 'osv-scanner-testdata-alpine-zlib-16.cdx-1.6.json';
const SPDX_UBUNTU = 'osv-scanner-testdata-only-unimportant.spdx-2.3.json';

const fixtureText = (file: string) => readFileSync(join(FIXTURES, file), 'utf8');
const fixture = (file: string) => JSON.parse(fixtureText(file));

async function accepted(input: string | Uint8Array | object): Promise<Sbom> {
  const result = await readSbom(
    typeof input === 'string' || input instanceof Uint8Array ? input : JSON.stringify(input),
  );
  if (!result.ok) throw new Error(`expected the SBOM to be accepted: ${JSON.stringify(result)}`);
  return result.sbom;
}

async function refused(input: string | Uint8Array | object): Promise<SbomRejection> {
  const result = await readSbom(
    typeof input === 'string' || input instanceof Uint8Array ? input : JSON.stringify(input),
  );
  if (result.ok) throw new Error('expected the SBOM to be refused');
  return result;
}

/** The versions of one OSV package in the SBOM, each once, sorted. */
const versionsOf = (sbom: Sbom, osvName: string) =>
  [
    ...new Set(sbom.components.filter((c) => c.osvPackage.name === osvName).map((c) => c.osvPackage.version)),
  ].sort();

const byRef = (sbom: Sbom, ref: string) => sbom.components.find((c) => c.ref === ref);

const countBy = (components: SbomComponent[], key: (c: SbomComponent) => unknown) =>
  components.reduce<Record<string, number>>((counts, c) => {
    const value = String(key(c));
    counts[value] = (counts[value] ?? 0) + 1;
    return counts;
  }, {});

describe('readSbom: CycloneDX 1.2 without a dependency graph (juice-shop 11.1.2)', () => {
  let sbom: Sbom;
  beforeAll(async () => {
    sbom = await accepted(readFileSync(join(FIXTURES, JUICE_SHOP_11)));
  });

  it('reads the format, the subject and all 840 npm components', () => {
    expect(sbom).toMatchObject({
      format: 'cyclonedx',
      specVersion: '1.2',
      subject: { name: 'juice-shop', version: '11.1.2', purl: 'pkg:npm/juice-shop@11.1.2' },
      hasDependencyGraph: false,
      problems: [],
    });
    expect(sbom.components).toHaveLength(840);
    expect(countBy(sbom.components, (c) => c.osvPackage.ecosystem)).toEqual({ npm: 840 });
    expect(sbom.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('has each version of the packages the fixture advisories affect', () => {
    expect(versionsOf(sbom, 'semver')).toEqual(['5.7.1', '6.3.0', '7.3.2']);
    expect(versionsOf(sbom, 'minimist')).toEqual(['0.2.1', '1.2.5']);
    expect(versionsOf(sbom, 'lodash')).toEqual(['2.4.2', '4.17.19']);
    expect(versionsOf(sbom, 'ws')).toEqual(['6.1.4', '7.3.1']);
    expect(versionsOf(sbom, 'moment')).toEqual(['2.0.0', '2.27.0']);
    expect(versionsOf(sbom, 'json5')).toEqual(['2.1.3']);
    expect(versionsOf(sbom, 'express-jwt')).toEqual(['0.1.3']);
    expect(versionsOf(sbom, 'jsonwebtoken')).toEqual(['0.1.0', '0.4.0']);
  });

  it('joins the scope CycloneDX keeps in group into the npm name', () => {
    expect(sbom.components.find((c) => c.name === 'is' && c.group === '@sindresorhus')).toEqual({
      path: expect.stringMatching(/^\/components\/\d+$/),
      ref: 'pkg:npm/%40sindresorhus/is@0.7.0',
      name: 'is',
      group: '@sindresorhus',
      version: '0.7.0',
      purl: 'pkg:npm/%40sindresorhus/is@0.7.0',
      osvPackage: { ecosystem: 'npm', name: '@sindresorhus/is', version: '0.7.0' },
      licenses: ['MIT'],
      scope: null,
      dependency: null,
    });
    expect(sbom.components.filter((c) => c.osvPackage.name.startsWith('@'))).toHaveLength(6);
  });

  it('states licences as the SBOM does: ids, and names that are really expressions', () => {
    expect(sbom.components[0]).toMatchObject({ name: 'body-parser', licenses: ['MIT'] });
    expect(sbom.components[103]).toMatchObject({ name: 'atob', licenses: ['(MIT OR Apache-2.0)'] });
    expect(sbom.components[205]).toMatchObject({ name: 'config-chain', licenses: [] });
  });
});

describe('readSbom: CycloneDX 1.4 with a dependency graph (juice-shop 14.1.1)', () => {
  let sbom: Sbom;
  beforeAll(async () => {
    sbom = await accepted(fixtureText(JUICE_SHOP_14));
  });

  it('reads all 1,115 components and marks the 71 the subject depends on as direct', () => {
    expect(sbom).toMatchObject({ specVersion: '1.4', hasDependencyGraph: true, problems: [] });
    expect(sbom.subject).toMatchObject({ name: 'juice-shop', version: '14.1.1' });
    expect(sbom.components).toHaveLength(1115);
    expect(countBy(sbom.components, (c) => c.dependency)).toEqual({ direct: 71, transitive: 1044 });
  });

  it('tells a direct dependency from the same package deeper in the tree', () => {
    expect(byRef(sbom, 'express@4.18.2')?.dependency).toBe('direct');
    expect(byRef(sbom, 'body-parser@1.20.2')?.dependency).toBe('direct');
    expect(byRef(sbom, 'express@4.18.2|body-parser@1.20.1')).toMatchObject({
      osvPackage: { ecosystem: 'npm', name: 'body-parser', version: '1.20.1' },
      dependency: 'transitive',
    });
  });

  it('drops the #subpath from scoped purls and names the package @scope/name', () => {
    expect(byRef(sbom, '@babel/helper-string-parser@7.19.4')).toMatchObject({
      name: 'helper-string-parser',
      group: '@babel',
      purl: 'pkg:npm/%40babel/helper-string-parser@7.19.4',
      osvPackage: { ecosystem: 'npm', name: '@babel/helper-string-parser', version: '7.19.4' },
      dependency: 'transitive',
    });
  });

  it('keeps every installed copy of a package, and the scope and licence expressions stated', () => {
    expect(sbom.components.filter((c) => c.name === 'semver')).toHaveLength(7);
    expect(versionsOf(sbom, 'semver')).toEqual(['5.7.1', '6.3.0', '7.3.8']);
    expect(countBy(sbom.components, (c) => c.scope)).toEqual({ null: 1039, optional: 76 });
    expect(sbom.components.filter((c) => c.licenses.includes('(MIT OR Apache-2.0)')).length).toBeGreaterThan(
      0,
    );
  });

  it('says so when the graph does not include the subject, and then knows no relation', async () => {
    const bom = fixture(JUICE_SHOP_14);
    bom.dependencies = bom.dependencies.filter((entry: { ref: string }) => entry.ref !== 'juice-shop@14.1.1');
    const read = await accepted(bom);
    expect(read.hasDependencyGraph).toBe(true);
    expect(countBy(read.components, (c) => c.dependency)).toEqual({ null: 1115 });
    expect(read.problems).toEqual([
      {
        path: '/dependencies',
        code: 'subject_not_in_graph',
        message: expect.stringContaining('"juice-shop@14.1.1"'),
      },
    ]);
  });
});

describe('readSbom: CycloneDX, other ecosystems and small SBOMs', () => {
  it('names Maven packages group:artifact and leaves components the graph does not reach unknown (dtrack 4.5.0)', async () => {
    const sbom = await accepted(fixtureText(DTRACK));
    expect(sbom.subject).toEqual({
      name: 'dependency-track',
      version: '4.5.0',
      purl: 'pkg:maven/org.dependencytrack/dependency-track@4.5.0?type=war',
    });
    expect(sbom.components).toHaveLength(132);
    expect(countBy(sbom.components, (c) => c.osvPackage.ecosystem)).toEqual({ Maven: 132 });
    expect(sbom.components.find((c) => c.name === 'jackson-databind')).toMatchObject({
      group: 'com.fasterxml.jackson.core',
      purl: 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.2.2?type=jar',
      osvPackage: {
        ecosystem: 'Maven',
        name: 'com.fasterxml.jackson.core:jackson-databind',
        version: '2.13.2.2',
      },
    });
    expect(sbom.components[0]).toMatchObject({
      name: 'alpine-common',
      scope: 'optional',
      dependency: 'direct',
    });
    expect(countBy(sbom.components, (c) => c.dependency)).toEqual({ direct: 26, transitive: 101, null: 5 });
    expect(byRef(sbom, 'pkg:maven/com.google.guava/guava@31.1-jre?type=jar')?.dependency).toBeNull();
    expect(sbom.components.flatMap((c) => c.licenses)).toEqual(
      expect.arrayContaining(['EDL 1.0', 'EPL-2.0']),
    );
  });

  it('reads the 43 components of cern-lhc-vdm-editor', async () => {
    const sbom = await accepted(fixtureText(CERN));
    expect(sbom.components).toHaveLength(43);
    expect(versionsOf(sbom, 'minimist')).toEqual(['0.0.8']);
    expect(versionsOf(sbom, 'ws')).toEqual(['6.2.1']);
  });

  it('reads nested components too, after their parent', async () => {
    const bom = fixture(CERN);
    const [debug] = bom.components.splice(1, 1);
    bom.components[0].components = [debug];
    const sbom = await accepted(bom);
    expect(sbom.components).toHaveLength(43);
    expect(sbom.components.slice(0, 3).map((c) => [c.path, c.name])).toEqual([
      ['/components/0', 'puppeteer'],
      ['/components/0/components/0', 'debug'],
      ['/components/1', 'ms'],
    ]);
  });

  it('reports a purl that does not parse on its component and reads the rest', async () => {
    const bom = fixture(CERN);
    bom.components[2].purl = 'npm:ms@2.1.2';
    const sbom = await accepted(bom);
    expect(sbom.components).toHaveLength(43);
    expect(sbom.problems).toEqual([
      {
        path: '/components/2/purl',
        code: 'invalid_purl',
        message: expect.stringContaining('"npm:ms@2.1.2"'),
      },
    ]);
    // The stated purl is wrong, so the bom-ref that looks like one is not trusted either.
    expect(sbom.components[2]).toMatchObject({
      purl: null,
      osvPackage: { ecosystem: null, name: 'ms', version: '2.1.2' },
    });
    expect(sbom.components[3].osvPackage.ecosystem).toBe('npm');
  });

  it('without a purl, uses a bom-ref that is one, else group/name with no ecosystem', async () => {
    const cern = fixture(CERN);
    delete cern.components[0].purl;
    expect((await accepted(cern)).components[0]).toMatchObject({
      purl: 'pkg:npm/puppeteer@1.19.0',
      osvPackage: { ecosystem: 'npm', name: 'puppeteer', version: '1.19.0' },
    });

    const juiceShop = fixture(JUICE_SHOP_14);
    delete juiceShop.components[0].purl;
    const sbom = await accepted(juiceShop);
    expect(sbom.components[0]).toMatchObject({
      ref: '@babel/helper-string-parser@7.19.4',
      purl: null,
      osvPackage: { ecosystem: null, name: '@babel/helper-string-parser', version: '7.19.4' },
    });
    expect(sbom.problems).toEqual([]);
  });

  it('refuses the alpine-zlib fixture as published: its subject has type "", not a CycloneDX type', async () => {
    const refusal = await refused(fixtureText(ALPINE_ZLIB));
    expect(refusal).toMatchObject({ reason: 'schema', found: 'CycloneDX 1.6' });
    expect(refusal.errors).toEqual([
      {
        path: '/metadata/component/type',
        keyword: 'enum',
        message: expect.stringContaining('"application"'),
      },
    ]);
  });

  it('reads a pkg:apk component of CycloneDX 1.6 as Alpine, scoped to the distro release', async () => {
    const bom = fixture(ALPINE_ZLIB);
    bom.metadata.component.type = 'container';
    const sbom = await accepted(bom);
    expect(sbom.specVersion).toBe('1.6');
    expect(sbom.components).toEqual([
      expect.objectContaining({
        name: 'zlib',
        version: '1.2.12-r1',
        purl: 'pkg:apk/alpine/zlib@1.2.12-r1?arch=x86_64&distro=3.22.0&origin=zlib',
        osvPackage: { ecosystem: 'Alpine:v3.22', name: 'zlib', version: '1.2.12-r1' },
      }),
    ]);
  });

  it('accepts CycloneDX 1.7', async () => {
    const bom = fixture(ALPINE_ZLIB);
    bom.specVersion = '1.7';
    bom.metadata.component.type = 'container';
    expect((await accepted(bom)).specVersion).toBe('1.7');
  });
});

describe('readSbom: SPDX 2.3', () => {
  it('reads the packages of the osv-scanner fixture, a pkg:deb/ubuntu one as Ubuntu 20.04 LTS', async () => {
    const sbom = await accepted(fixtureText(SPDX_UBUNTU));
    expect(sbom).toMatchObject({
      format: 'spdx',
      specVersion: '2.3',
      subject: null,
      hasDependencyGraph: false,
      problems: [],
    });
    expect(sbom.components).toEqual([
      {
        path: '/packages/0',
        ref: 'SPDXRef-Package-libpcre3-9f1e7f2f-24ab-4eb2-8be4-7d3be9403a72',
        name: 'libpcre3',
        group: null,
        version: '2:8.39-12ubuntu0.1',
        purl: 'pkg:deb/ubuntu/pcre3@2:8.39-12ubuntu0.1?arch=amd64&distro=focal&source=pcre3',
        osvPackage: { ecosystem: 'Ubuntu:20.04:LTS', name: 'pcre3', version: '2:8.39-12ubuntu0.1' },
        licenses: [],
        scope: null,
        dependency: null,
      },
    ]);
  });

  /** The fixture with an application that DESCRIBES it and a few related packages. */
  function spdxWithRelationships() {
    const document = fixture(SPDX_UBUNTU);
    const pkg = (id: string, name: string, extra: object = {}) => ({
      SPDXID: `SPDXRef-${id}`,
      name,
      versionInfo: '1.0.0',
      downloadLocation: 'NOASSERTION',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: `pkg:npm/${name}@1.0.0`,
        },
      ],
      ...extra,
    });
    document.packages.push(
      pkg('app', 'app'),
      pkg('a', 'a', { licenseConcluded: 'MIT', licenseDeclared: 'MIT OR Apache-2.0' }),
      pkg('b', 'b', { licenseConcluded: 'NOASSERTION', licenseDeclared: 'ISC' }),
      pkg('c', 'c'),
      pkg('d', 'd'),
      pkg('e', 'e'),
    );
    const rel = (from: string, type: string, to: string) => ({
      spdxElementId: from,
      relationshipType: type,
      relatedSpdxElement: to,
    });
    document.relationships = [
      rel('SPDXRef-DOCUMENT', 'DESCRIBES', 'SPDXRef-app'),
      rel('SPDXRef-app', 'DEPENDS_ON', 'SPDXRef-a'),
      rel('SPDXRef-b', 'DEPENDENCY_OF', 'SPDXRef-app'),
      rel('SPDXRef-app', 'CONTAINS', document.packages[0].SPDXID),
      rel('SPDXRef-c', 'DEV_DEPENDENCY_OF', 'SPDXRef-a'),
      rel('SPDXRef-c', 'DEPENDS_ON', 'SPDXRef-d'),
      rel('SPDXRef-d', 'DEPENDS_ON', 'SPDXRef-c'),
    ];
    return document;
  }

  it('takes the package the document DESCRIBES as subject and follows relationships from it', async () => {
    const sbom = await accepted(spdxWithRelationships());
    expect(sbom.subject).toEqual({ name: 'app', version: '1.0.0', purl: 'pkg:npm/app@1.0.0' });
    expect(sbom.hasDependencyGraph).toBe(true);
    expect(sbom.components.map((c) => [c.name, c.dependency])).toEqual([
      ['libpcre3', 'direct'], // CONTAINS
      ['a', 'direct'], // DEPENDS_ON
      ['b', 'direct'], // DEPENDENCY_OF, the other way round
      ['c', 'transitive'], // through a
      ['d', 'transitive'], // through c, in a cycle with it
      ['e', null], // related to nothing
    ]);
    expect(sbom.components.map((c) => c.path)).toEqual([
      '/packages/0',
      '/packages/2',
      '/packages/3',
      '/packages/4',
      '/packages/5',
      '/packages/6',
    ]);
  });

  it('states licenseConcluded, else licenseDeclared, never NOASSERTION', async () => {
    const sbom = await accepted(spdxWithRelationships());
    expect(sbom.components.find((c) => c.name === 'a')?.licenses).toEqual(['MIT']);
    expect(sbom.components.find((c) => c.name === 'b')?.licenses).toEqual(['ISC']);
  });

  it('keeps described packages as components when there are several, and has no one subject', async () => {
    const document = spdxWithRelationships();
    document.documentDescribes = ['SPDXRef-e'];
    const sbom = await accepted(document);
    expect(sbom.subject).toBeNull();
    expect(sbom.components).toHaveLength(7);
    expect(sbom.components.find((c) => c.name === 'app')?.dependency).toBeNull();
    expect(sbom.components.find((c) => c.name === 'a')?.dependency).toBe('direct');
  });

  it('says so when relationships exist but nothing is described', async () => {
    const document = spdxWithRelationships();
    document.relationships.shift();
    const sbom = await accepted(document);
    expect(sbom.problems).toEqual([
      expect.objectContaining({ path: '/relationships', code: 'subject_not_in_graph' }),
    ]);
    expect(sbom.components.every((c) => c.dependency === null)).toBe(true);
  });

  it('reports a purl that does not parse at its externalRef', async () => {
    const document = fixture(SPDX_UBUNTU);
    document.packages[0].externalRefs[0].referenceLocator = 'pkg:deb/';
    const sbom = await accepted(document);
    expect(sbom.problems).toEqual([
      expect.objectContaining({ path: '/packages/0/externalRefs/0/referenceLocator', code: 'invalid_purl' }),
    ]);
    expect(sbom.components[0].osvPackage).toEqual({
      ecosystem: null,
      name: 'libpcre3',
      version: '2:8.39-12ubuntu0.1',
    });
  });
});

describe('readSbom: refusals', () => {
  const cyclonedx = (specVersion: unknown) => ({ bomFormat: 'CycloneDX', specVersion, version: 1 });

  it.each([
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'not_json', null],
    ['text that is not JSON', '{"bomFormat": "CycloneDX",', 'not_json', null],
    [
      'CycloneDX XML',
      '<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"/>',
      'unknown_format',
      'CycloneDX XML',
    ],
    ['other XML', '<html></html>', 'unknown_format', 'XML'],
    [
      'SPDX tag-value',
      'SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n',
      'unknown_format',
      'SPDX tag-value (SPDX-2.3)',
    ],
    ['a JSON array', '[{"bomFormat": "CycloneDX"}]', 'unknown_format', 'a JSON array'],
    ['a JSON string', '"CycloneDX"', 'unknown_format', 'a JSON string'],
    ['JSON null', 'null', 'unknown_format', 'JSON null'],
    [
      'an object of neither format',
      '{"name": "my-app"}',
      'unknown_format',
      'a JSON object without bomFormat or spdxVersion',
    ],
    [
      'another bomFormat',
      { bomFormat: 'cyclonedx', specVersion: '1.4' },
      'unknown_format',
      'bomFormat "cyclonedx"',
    ],
    ['CycloneDX 1.1', cyclonedx('1.1'), 'unsupported_version', 'CycloneDX 1.1'],
    ['CycloneDX 1.8', cyclonedx('1.8'), 'unsupported_version', 'CycloneDX 1.8'],
    ['a numeric specVersion', cyclonedx(1.4), 'unsupported_version', 'CycloneDX with specVersion 1.4'],
    ['SPDX 2.2', { spdxVersion: 'SPDX-2.2', SPDXID: 'SPDXRef-DOCUMENT' }, 'unsupported_version', 'SPDX-2.2'],
    [
      'SPDX 3 JSON-LD',
      { '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [] },
      'unsupported_version',
      'SPDX 3',
    ],
  ])('refuses %s, naming it and what is accepted', async (_what, input, reason, found) => {
    const refusal = await refused(input);
    expect(refusal).toEqual({ ok: false, reason, found, message: expect.any(String), errors: [] });
    expect(refusal.message).toContain('Accepted: CycloneDX JSON 1.2–1.7 or SPDX 2.3 JSON.');
    if (found) expect(refusal.message).toContain(found);
  });

  it('refuses nesting deeper than it can walk without exhausting the stack, and reads what is not', async () => {
    /** Each level of nested components is two levels of JSON (the object and its components array). */
    const nestedComponents = (levels: number) => {
      const bom = fixture(CERN);
      let nested = { type: 'library', name: 'leaf', version: '1.0.0' };
      for (let level = 0; level < levels; level++)
        nested = {
          type: 'library',
          name: `level-${level}`,
          version: '1.0.0',
          components: [nested],
        } as typeof nested;
      bom.components = [nested];
      return bom;
    };
    expect(await refused(nestedComponents(MAX_SBOM_DEPTH / 2))).toMatchObject({
      reason: 'too_deep',
      found: null,
    });
    expect((await accepted(nestedComponents(MAX_SBOM_DEPTH / 2 - 8))).components).toHaveLength(
      MAX_SBOM_DEPTH / 2 - 7,
    );
  });

  it('takes a UTF-8 byte order mark, in bytes or text, as the same SBOM', async () => {
    const bytes = readFileSync(join(FIXTURES, CERN));
    const plain = await accepted(bytes);
    expect((await accepted(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]))).sha256).toBe(
      plain.sha256,
    );
    expect((await accepted(`\uFEFF${bytes.toString('utf8')}`)).sha256).toBe(plain.sha256);
  });
});

describe('readSbom: schema failures', () => {
  it('names the path and rule of a wrong enum value', async () => {
    const bom = fixture(CERN);
    bom.components[3].type = 'libary';
    const refusal = await refused(bom);
    expect(refusal).toMatchObject({ reason: 'schema', found: 'CycloneDX 1.2' });
    expect(refusal.errors).toEqual([
      { path: '/components/3/type', keyword: 'enum', message: expect.stringContaining('"library"') },
    ]);
    expect(refusal.message).toContain('/components/3/type must be equal to one of the allowed values');
  });

  it('points at a missing required property', async () => {
    const bom = fixture(JUICE_SHOP_14);
    delete bom.components[5].name;
    const refusal = await refused(bom);
    expect(refusal.errors).toEqual([
      { path: '/components/5/name', keyword: 'required', message: 'is required' },
    ]);
  });

  it('checks licence ids against the SPDX licence list the CycloneDX schema refers to', async () => {
    const bom = fixture(DTRACK);
    bom.components[0].licenses = [{ license: { id: 'Not-A-Licence-1.0' } }];
    const refusal = await refused(bom);
    expect(refusal.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/components/0/licenses/0/license/id', keyword: 'enum' }),
      ]),
    );
    expect(refusal.errors.length).toBeLessThanOrEqual(10);
  });

  it('finds duplicate components, whatever their key order', async () => {
    const bom = fixture(CERN);
    const copy = Object.fromEntries(Object.entries(bom.components[2]).reverse());
    bom.components.push(copy);
    expect((await refused(bom)).errors).toEqual([
      {
        path: '/components',
        keyword: 'uniqueItems',
        message: 'must NOT have duplicate items (items ## 2 and 43 are identical)',
      },
    ]);
  });

  it('checks SPDX against the SPDX 2.3 schema', async () => {
    const missing = fixture(SPDX_UBUNTU);
    delete missing.packages[0].downloadLocation;
    expect(await refused(missing)).toMatchObject({
      reason: 'schema',
      found: 'SPDX 2.3',
      errors: [{ path: '/packages/0/downloadLocation', keyword: 'required', message: 'is required' }],
    });

    const wrongType = fixture(SPDX_UBUNTU);
    wrongType.relationships = [
      {
        spdxElementId: 'SPDXRef-DOCUMENT',
        relationshipType: 'DEPENDS_UPON',
        relatedSpdxElement: 'SPDXRef-x',
      },
    ];
    expect((await refused(wrongType)).errors).toEqual([
      expect.objectContaining({ path: '/relationships/0/relationshipType', keyword: 'enum' }),
    ]);
  });

  it('points at a property the schema does not allow', async () => {
    const bom = fixture(JUICE_SHOP_14);
    bom.metadata.colour = 'blue';
    expect((await refused(bom)).errors).toEqual([
      {
        path: '/metadata/colour',
        keyword: 'additionalProperties',
        message: 'is not a property the schema allows here',
      },
    ]);
  });
});

describe('readSbom: the content hash', () => {
  it('is the SHA-256 of the canonical JSON, as another tool recomputes it', async () => {
    // python3: sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
    expect((await accepted(fixtureText(SPDX_UBUNTU))).sha256).toBe(
      'ff98863c1deec83adfe1c4b5fde4d2db312add432a417cbcd4ddc4e0e48541ae',
    );
    expect((await accepted(fixtureText(CERN))).sha256).toBe(
      '0aadfd3e7de51bc38191553470539e47b81fe4e26f64ce4a81001815ac369ad8',
    );
  });

  it('stays the same when the same SBOM is re-serialised, and changes with its content', async () => {
    const text = fixtureText(CERN);
    const original = (await accepted(text)).sha256;
    const document = JSON.parse(text);
    const reordered = Object.fromEntries(Object.entries(document).reverse());
    expect((await accepted(JSON.stringify(document))).sha256).toBe(original);
    expect((await accepted(JSON.stringify(reordered, null, 4).replace(/\n/g, '\r\n'))).sha256).toBe(original);

    document.components[0].version = '1.19.1';
    expect((await accepted(document)).sha256).not.toBe(original);
  });
});
