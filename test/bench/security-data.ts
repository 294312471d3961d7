import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { matchComponents, type OsvRecord, readSbom } from '@opsplane/security';

/**
 * Data of the security benchmark (suites/security.ts): OSV records made from the shapes of the
 * real fixtures, written as an OSV ecosystem export (a zip, one JSON record per entry), and
 * variants of the juice-shop 14.1.1 SBOM. Everything is deterministic: record `n` is the same in
 * every run, so runs compare.
 */

const FIXTURES = join(__dirname, '..', 'fixtures', 'security');
export const JUICE_SHOP_SBOM = join(FIXTURES, 'sbom', 'juice-shop-14.1.1.via-npm.flat.cdx-1.4.bom.json');

/** One record in this many names a package of the juice-shop SBOM (2,000 of 50,000). */
export const JUICE_SHOP_EVERY = 25;

/** A fixed-seed generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** GHSA ids are three groups of four of these (lowercase), e.g. GHSA-c2qf-rxjj-qqgw. */
const GHSA_ALPHABET = '23456789cfghjmpqrvwx';
const GHSA_SPACE = 20n ** 12n;
/** Odd and not a multiple of 5 (coprime with 20^12, so n → n × it mod 20^12 is a bijection), near 20^12 × 0.618. */
const GHSA_MULTIPLIER = 2_531_011_389_057_227n;

/** The n-th GHSA id: distinct for distinct n (a bijection of 0 … 20^12 - 1), scattered like real ones. */
export function ghsaId(n: number): string {
  let value = ((BigInt(n) + 123_456_789n) * GHSA_MULTIPLIER) % GHSA_SPACE;
  let digits = '';
  for (let i = 0; i < 12; i++) {
    digits = GHSA_ALPHABET[Number(value % 20n)] + digits;
    value /= 20n;
  }
  return `GHSA-${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8)}`;
}

export interface JuiceShopPackage {
  /** The npm name as OSV spells it (`@babel/parser`). */
  name: string;
  /** Every version of it the SBOM lists (npm trees nest copies). */
  versions: string[];
}

interface CycloneDxComponent {
  name: string;
  group?: string;
  version: string;
  purl?: string;
  'bom-ref'?: string;
}

interface CycloneDxDocument {
  serialNumber?: string;
  version: number;
  metadata: { component?: { name: string; version?: string } };
  components: CycloneDxComponent[];
}

let juiceShop: { bytes: Buffer; packages: JuiceShopPackage[] } | undefined;

/** The juice-shop 14.1.1 SBOM as a file, and its distinct npm packages in document order. */
export function juiceShopSbom(): { bytes: Buffer; packages: JuiceShopPackage[] } {
  if (juiceShop) return juiceShop;
  const bytes = readFileSync(JUICE_SHOP_SBOM);
  const document = JSON.parse(bytes.toString('utf8')) as CycloneDxDocument;
  const byName = new Map<string, string[]>();
  for (const component of document.components) {
    const name = component.group ? `${component.group}/${component.name}` : component.name;
    const versions = byName.get(name) ?? [];
    if (!versions.includes(component.version)) versions.push(component.version);
    byName.set(name, versions);
  }
  juiceShop = { bytes, packages: [...byName].map(([name, versions]) => ({ name, versions })) };
  return juiceShop;
}

/**
 * The `index`-th variant of the juice-shop SBOM: its own serialNumber (so its own hash), its own
 * subject version, and `changed` components a patch version ahead (version and purl; bom-refs
 * and the dependency graph stay as they are), so the variants differ in what they contain too.
 */
export function sbomVariant(index: number, changed = 5): Buffer {
  const document = JSON.parse(juiceShopSbom().bytes.toString('utf8')) as CycloneDxDocument;
  document.serialNumber = `urn:uuid:5ec0be0c-0000-4000-8000-${String(index).padStart(12, '0')}`;
  if (document.metadata.component) document.metadata.component.version = `14.1.1-bench.${index}`;
  const count = document.components.length;
  for (let k = 0; k < changed; k++) {
    const component = document.components[(index * 7919 + k * 104_729) % count]!;
    const bumped = bumpPatch(component.version, 1 + (index % 3));
    if (component.purl) component.purl = component.purl.replace(`@${component.version}`, `@${bumped}`);
    component.version = bumped;
  }
  return Buffer.from(JSON.stringify(document));
}

/** The real GHSA fixtures (eight npm records, several of which name juice-shop packages). */
export function fixtureRecords(): Record<string, unknown>[] {
  const dir = join(FIXTURES, 'osv');
  return readdirSync(dir)
    .filter((file) => file.startsWith('GHSA-'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>);
}

const WORDS = [
  'async',
  'body',
  'buffer',
  'cache',
  'chalk',
  'cli',
  'color',
  'config',
  'cookie',
  'core',
  'crypto',
  'css',
  'date',
  'deep',
  'dom',
  'dot',
  'env',
  'event',
  'express',
  'fast',
  'file',
  'form',
  'fs',
  'glob',
  'graph',
  'hash',
  'html',
  'http',
  'image',
  'json',
  'jwt',
  'key',
  'lazy',
  'log',
  'mark',
  'merge',
  'micro',
  'mime',
  'mini',
  'mongo',
  'node',
  'object',
  'parse',
  'path',
  'pdf',
  'plugin',
  'proxy',
  'query',
  'react',
  'redis',
  'render',
  'request',
  'route',
  'safe',
  'sanitize',
  'schema',
  'serve',
  'session',
  'shell',
  'sql',
  'stream',
  'string',
  'style',
  'tar',
  'template',
  'text',
  'tiny',
  'token',
  'tree',
  'type',
  'upload',
  'url',
  'util',
  'validator',
  'view',
  'vue',
  'web',
  'xml',
  'yaml',
  'zip',
];

const WEAKNESSES: { summary: string; cwe: string; details: string }[] = [
  {
    summary: 'Prototype Pollution',
    cwe: 'CWE-1321',
    details:
      'allows an attacker to add or modify properties of Object.prototype through a crafted object passed to a merge, set or parse function',
  },
  {
    summary: 'Regular Expression Denial of Service (ReDoS)',
    cwe: 'CWE-1333',
    details:
      'uses a regular expression with catastrophic backtracking, so a crafted input string makes the event loop spin for seconds or minutes',
  },
  {
    summary: 'Command Injection',
    cwe: 'CWE-77',
    details:
      'passes part of its input to a shell without escaping it, so an attacker who controls that input can run arbitrary commands',
  },
  {
    summary: 'Cross-site Scripting',
    cwe: 'CWE-79',
    details:
      'does not escape user-supplied values before writing them into HTML, allowing script injection into the rendered page',
  },
  {
    summary: 'Path Traversal',
    cwe: 'CWE-22',
    details:
      'resolves user-supplied paths without confining them to the intended directory, so `../` sequences read or write files outside it',
  },
  {
    summary: 'Improper Input Validation',
    cwe: 'CWE-20',
    details:
      'accepts malformed input that later code assumes to be well-formed, leading to a crash or a bypass of a security check',
  },
  {
    summary: 'Uncontrolled Resource Consumption',
    cwe: 'CWE-400',
    details:
      'allocates memory proportional to a length field read from the input, so a small request exhausts the process memory',
  },
  {
    summary: 'Server-Side Request Forgery',
    cwe: 'CWE-918',
    details:
      'follows redirects to any host, so a request to an attacker-controlled URL can be redirected to internal services',
  },
  {
    summary: 'Improper Verification of Cryptographic Signature',
    cwe: 'CWE-347',
    details:
      'accepts tokens whose algorithm is `none` or whose key type does not match the configured one, so signatures can be forged',
  },
  {
    summary: 'Exposure of Sensitive Information',
    cwe: 'CWE-200',
    details:
      'includes credentials from the configuration in error messages and debug logs, where unprivileged users can read them',
  },
  {
    summary: 'SQL Injection',
    cwe: 'CWE-89',
    details:
      'builds SQL statements by concatenating identifiers taken from the input, allowing an attacker to run arbitrary queries',
  },
  {
    summary: 'Arbitrary File Write',
    cwe: 'CWE-73',
    details:
      'extracts archive entries whose names are absolute paths or symlinks outside the destination, overwriting arbitrary files',
  },
];

const DATABASE_SEVERITIES = ['LOW', 'MODERATE', 'MODERATE', 'HIGH', 'HIGH', 'CRITICAL'];
const DAY_MS = 86_400_000;
const FIRST_PUBLISHED = Date.parse('2016-01-01T00:00:00Z');
const LAST_MODIFIED = Date.parse('2025-12-01T00:00:00Z');

type Event = { introduced: string } | { fixed: string } | { last_affected: string };

/**
 * The `n`-th generated OSV record (npm, the GHSA database's shape: aliases, summary, details,
 * CVSS severity, affected packages with ECOSYSTEM ranges, references, database_specific). One in
 * JUICE_SHOP_EVERY names a package of the juice-shop SBOM, with ranges placed around a version it
 * has (about half of them affect it); the others name made-up packages, most their own, some
 * shared with a neighbouring record, so packages have several advisories.
 */
export function osvRecord(n: number): Record<string, unknown> {
  const random = seededRandom(n * 2_654_435 + 17);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const juice = n % JUICE_SHOP_EVERY === 0;
  const { packages } = juiceShopSbom();
  const weakness = pick(WEAKNESSES);
  let name: string;
  let affected: {
    package: { ecosystem: string; name: string };
    ranges: { type: string; events: Event[] }[];
  }[];
  if (juice) {
    const pkg = packages[(n / JUICE_SHOP_EVERY) % packages.length]!;
    name = pkg.name;
    affected = [{ package: { ecosystem: 'npm', name }, ranges: rangesAround(pick(pkg.versions), random) }];
  } else {
    // One in six shares its package with the record before it (a package with several advisories).
    const owner = n % 6 === 5 ? n - 1 : n;
    name = syntheticName(owner);
    affected = [{ package: { ecosystem: 'npm', name }, ranges: syntheticRanges(random) }];
    // Some advisories name a sibling package too (lodash and lodash-es, say).
    if (random() < 0.12)
      affected.push({ package: { ecosystem: 'npm', name: `${name}-es` }, ranges: syntheticRanges(random) });
  }
  const id = ghsaId(n);
  const year = 2016 + (n % 10);
  const cve = random() < 0.9 ? `CVE-${year}-${String(10_000 + (n % 90_000)).padStart(5, '0')}` : null;
  const published = FIRST_PUBLISHED + Math.floor(random() * 3_400) * DAY_MS;
  const modified = Math.min(LAST_MODIFIED, published + Math.floor(random() * 900) * DAY_MS);
  const severity = cvss(random);
  const repository = `https://github.com/${name.replace(/^@/, '').replace('/', '-')}/${name.split('/').pop()}`;
  const references = [
    ...(cve ? [{ type: 'ADVISORY', url: `https://nvd.nist.gov/vuln/detail/${cve}` }] : []),
    ...Array.from({ length: 1 + Math.floor(random() * 5) }, () => ({
      type: 'WEB',
      url: `${repository}/commit/${hex(random, 40)}`,
    })),
    ...(random() < 0.5
      ? [{ type: 'WEB', url: `${repository}/issues/${1 + Math.floor(random() * 3000)}` }]
      : []),
    ...(random() < 0.4
      ? [
          {
            type: 'WEB',
            url: `https://snyk.io/vuln/SNYK-JS-${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}-${1_000_000 + Math.floor(random() * 9_000_000)}`,
          },
        ]
      : []),
    { type: 'ADVISORY', url: `https://github.com/advisories/${id}` },
    { type: 'PACKAGE', url: repository },
  ];
  const fixed = affected[0]!.ranges.flatMap((range) => range.events).find((event) => 'fixed' in event) as
    { fixed: string } | undefined;
  return {
    schema_version: '1.4.0',
    id,
    modified: isoSeconds(modified),
    published: isoSeconds(published),
    aliases: cve ? [cve] : [],
    summary: `${weakness.summary} in ${name}`,
    details:
      `\`${name}\` ${weakness.details}.` +
      (random() < 0.6
        ? `\n\n### Impact\nApplications that pass untrusted input to \`${name}\` are affected; ${pick(['no authentication is needed', 'an authenticated user can exploit it', 'it requires a non-default option'])}.`
        : '') +
      (fixed
        ? `\n\n### Patches\nFixed in ${fixed.fixed}. Users should upgrade.`
        : '\n\n### Patches\nNo fixed version is available.') +
      (random() < 0.3 ? `\n\n### Workarounds\nValidate the input before passing it to \`${name}\`.` : ''),
    severity,
    affected,
    references,
    database_specific: {
      cwe_ids: random() < 0.2 ? [weakness.cwe, pick(WEAKNESSES).cwe] : [weakness.cwe],
      severity: pick(DATABASE_SEVERITIES),
      github_reviewed: random() < 0.9,
      github_reviewed_at: isoSeconds(published + Math.floor(random() * 30) * DAY_MS),
      nvd_published_at: cve ? isoSeconds(published - Math.floor(random() * 10) * DAY_MS) : null,
    },
  };
}

/**
 * `count` new records naming juice-shop packages (as a new batch of advisories would name what is
 * deployed): records `first`, `first + JUICE_SHOP_EVERY`, …; `first` a multiple of JUICE_SHOP_EVERY
 * past the records imported before, so their ids are new.
 */
export function juiceShopRecords(first: number, count: number): Record<string, unknown>[] {
  if (first % JUICE_SHOP_EVERY !== 0)
    throw new Error(`juiceShopRecords: ${first} is not a multiple of ${JUICE_SHOP_EVERY}`);
  return Array.from({ length: count }, (_, i) => osvRecord(first + i * JUICE_SHOP_EVERY));
}

function syntheticName(owner: number): string {
  const random = seededRandom(owner * 7_919 + 3);
  const first = WORDS[Math.floor(random() * WORDS.length)]!;
  const second = WORDS[Math.floor(random() * WORDS.length)]!;
  const base = `${first}-${second}-${owner.toString(36)}`;
  return random() < 0.15 ? `@${first}/${second}-${owner.toString(36)}` : base;
}

/** Ranges of a made-up package: fixed, last_affected, or several branches. */
function syntheticRanges(random: () => number): { type: string; events: Event[] }[] {
  const version = () =>
    `${Math.floor(random() * 8)}.${Math.floor(random() * 20)}.${Math.floor(random() * 15)}`;
  const roll = random();
  if (roll < 0.6) return [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version() }] }];
  if (roll < 0.75)
    return [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { last_affected: version() }] }];
  const major = 1 + Math.floor(random() * 6);
  return [
    {
      type: 'ECOSYSTEM',
      events: [
        { introduced: `${major}.0.0` },
        { fixed: `${major}.${1 + Math.floor(random() * 9)}.${Math.floor(random() * 9)}` },
      ],
    },
    {
      type: 'ECOSYSTEM',
      events: [
        { introduced: '0' },
        { fixed: `${major - 1}.${1 + Math.floor(random() * 9)}.${Math.floor(random() * 9)}` },
      ],
    },
  ];
}

/** Ranges placed around `version`: about half contain it (fixed after it, last_affected at it), half stop before it. */
function rangesAround(version: string, random: () => number): { type: string; events: Event[] }[] {
  const [major, minor, patch] = semverParts(version);
  const roll = random();
  if (roll < 0.3)
    return [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: bumpPatch(version, 1) }] }];
  if (roll < 0.45)
    return [
      {
        type: 'ECOSYSTEM',
        events: [{ introduced: `${major}.0.0` }, { last_affected: `${major}.${minor}.${patch}` }],
      },
    ];
  if (roll < 0.55)
    return [
      { type: 'ECOSYSTEM', events: [{ introduced: `${major + 1}.0.0` }, { fixed: `${major + 1}.2.1` }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${major}.${minor + 1}.0` }] },
    ];
  if (roll < 0.85)
    return [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${major}.${minor}.${patch}` }] }];
  return [
    { type: 'ECOSYSTEM', events: [{ introduced: `${major + 1}.0.0` }, { fixed: `${major + 1}.4.0` }] },
    { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.0.1' }] },
  ];
}

function semverParts(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
}

function bumpPatch(version: string, by: number): string {
  const [major, minor, patch] = semverParts(version);
  return `${major}.${minor}.${patch + by}`;
}

/** CVSS 3.1 vectors mostly, some 4.0, some records without any (the database's rating then). */
function cvss(random: () => number): { type: string; score: string }[] {
  const pick = (values: string) => values[Math.floor(random() * values.length)]!;
  const roll = random();
  if (roll < 0.1) return [];
  if (roll < 0.15)
    return [
      {
        type: 'CVSS_V4',
        score: `CVSS:4.0/AV:${pick('NNALP')}/AC:${pick('LH')}/AT:${pick('NP')}/PR:${pick('NLH')}/UI:${pick('NPA')}/VC:${pick('HLN')}/VI:${pick('HLN')}/VA:${pick('HLN')}/SC:${pick('NLH')}/SI:${pick('NLH')}/SA:${pick('NLH')}`,
      },
    ];
  return [
    {
      type: 'CVSS_V3',
      score: `CVSS:3.1/AV:${pick('NNNALP')}/AC:${pick('LLH')}/PR:${pick('NNLH')}/UI:${pick('NR')}/S:${pick('UUC')}/C:${pick('HLN')}/I:${pick('HLN')}/A:${pick('HHLN')}`,
    },
  ];
}

function hex(random: () => number, length: number): string {
  let text = '';
  while (text.length < length)
    text += Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return text.slice(0, length);
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const UTF8_NAMES = 0x0800;

/**
 * Writes records as an OSV export does (`<id>.json` per record, deflated) to `path`, one entry at
 * a time, so that neither the records nor the archive are ever in memory whole (the server's RSS is
 * what the import measures, and it shares this process). No zip64: at most 65,535 entries and 4 GiB.
 * Answers the file's size.
 */
export function writeOsvZip(path: string, records: Iterable<Record<string, unknown>>): number {
  mkdirSync(dirname(path), { recursive: true });
  const file = openSync(path, 'w');
  const centrals: Buffer[] = [];
  let offset = 0;
  let entries = 0;
  try {
    for (const record of records) {
      const name = Buffer.from(`${record.id as string}.json`, 'utf8');
      const data = Buffer.from(JSON.stringify(record, null, 2));
      const compressed = deflateRawSync(data);
      const crc = crc32(data);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(UTF8_NAMES, 6);
      local.writeUInt16LE(8, 8); // deflate
      local.writeUInt16LE(0x21, 12); // 1980-01-01
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(compressed.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(name.length, 26);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(UTF8_NAMES, 8);
      central.writeUInt16LE(8, 10);
      central.writeUInt16LE(0x21, 14);
      central.writeUInt32LE(crc, 16);
      central.writeUInt32LE(compressed.length, 20);
      central.writeUInt32LE(data.length, 24);
      central.writeUInt16LE(name.length, 28);
      central.writeUInt32LE(offset, 42);
      centrals.push(central, name);
      for (const part of [local, name, compressed]) writeSync(file, part);
      offset += local.length + name.length + compressed.length;
      entries += 1;
      if (entries > 0xffff || offset > 0xffffffff) throw new Error('writeOsvZip writes no zip64');
    }
    const directory = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries, 8);
    end.writeUInt16LE(entries, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    writeSync(file, directory);
    writeSync(file, end);
    return offset + directory.length + end.length;
  } finally {
    closeSync(file);
  }
}

/** Records 0 … count - 1: the eight real fixtures first, then generated ones. */
export function* advisoryRecords(count: number): Generator<Record<string, unknown>> {
  const fixtures = fixtureRecords();
  for (let n = 0; n < count; n++) yield n < fixtures.length ? fixtures[n]! : osvRecord(n);
}

/** A vulnerability finding as a scan reports it: what `findings` rows of kind `vulnerability` hold. */
export interface VulnerabilityTemplate {
  dedupKey: string;
  title: string;
  description: string | null;
  severity: string;
  evidence: Record<string, unknown>;
}

/**
 * The vulnerability findings a scan of the juice-shop SBOM reports against the generated records
 * naming its packages (and the real fixtures): matched by the security lib's own `matchComponents`,
 * shaped as the scan's `toObservation` shapes them (one per package version and alias group,
 * evidence naming the component, the alias group and every matching record with why it matched).
 */
export async function vulnerabilityTemplates(advisories: number): Promise<VulnerabilityTemplate[]> {
  const read = await readSbom(juiceShopSbom().bytes);
  if (!read.ok) throw new Error(`the juice-shop SBOM does not read: ${read.message}`);
  const components = read.sbom.components.map((component) => ({ ...component, id: randomUUID() }));
  // Of the records imported, those that can match (the fixtures and those naming juice-shop packages).
  const fixtures = fixtureRecords();
  const records = [
    ...fixtures,
    ...Array.from({ length: Math.ceil(advisories / JUICE_SHOP_EVERY) }, (_, i) => i * JUICE_SHOP_EVERY)
      .filter((n) => n >= fixtures.length)
      .map((n) => osvRecord(n)),
  ] as unknown as OsvRecord[];
  const matches = matchComponents(components, (component) => component.osvPackage, records);
  const byKey = new Map<string, VulnerabilityTemplate & { componentIds: string[] }>();
  for (const { component, primaryId, aliasGroup, matches: matched, severity } of matches.vulnerabilities) {
    const { ecosystem, name: packageName, version } = component.osvPackage;
    const key = `${component.purl ?? `${ecosystem ?? '?'}:${packageName}@${version ?? ''}`}|${primaryId}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.componentIds.push(component.id);
      continue;
    }
    const name = component.group ? `${component.group}/${component.name}` : component.name;
    const summary = matched.find((match) => match.record.summary)?.record.summary;
    const componentIds = [component.id];
    byKey.set(key, {
      dedupKey: key,
      title: `${primaryId} in ${name}@${component.version ?? '?'}${summary ? `: ${summary}` : ''}`.slice(
        0,
        500,
      ),
      description: matched.find((match) => match.record.details)?.record.details?.slice(0, 10_000) ?? null,
      severity,
      componentIds,
      evidence: {
        component: {
          name,
          version: component.version,
          purl: component.purl,
          ecosystem,
          packageName,
          ref: component.ref,
          componentIds,
        },
        vulnerabilityId: primaryId,
        aliasGroup,
        advisories: matched.map((match) => ({
          id: match.record.id,
          modified: match.record.modified,
          summary: match.record.summary ?? null,
          severity: match.severity,
          matched: match.evidence,
        })),
      },
    });
  }
  return [...byKey.values()].map(({ componentIds: _ids, ...template }) => template);
}

/** What a child process writes: the first `count` records, or `count` new juice-shop ones from `first`. */
export type OsvZipSpec =
  { kind: 'advisories'; count: number } | { kind: 'juice-shop'; first: number; count: number };

/**
 * Writes the zip in a child process (this file run as a script), so that making 50,000 records
 * and deflating them leaves nothing in this process's memory, which is the server's and measured.
 * Answers the zip's size.
 */
export function writeOsvZipInChild(path: string, spec: OsvZipSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, __filename, WRITE_ZIP, path, JSON.stringify(spec)],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(statSync(path).size) : reject(new Error(`writing ${path} failed (exit ${code})`)),
    );
  });
}

const WRITE_ZIP = 'write-osv-zip';

function recordsOf(spec: OsvZipSpec): Iterable<Record<string, unknown>> {
  return spec.kind === 'advisories' ? advisoryRecords(spec.count) : juiceShopRecords(spec.first, spec.count);
}

if (require.main === module && process.argv[2] === WRITE_ZIP)
  writeOsvZip(process.argv[3]!, recordsOf(JSON.parse(process.argv[4]!) as OsvZipSpec));
