import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { isZip, OsvZipError, readOsvZip, type OsvZipEntry, type OsvZipLimits } from './osv-zip';
import { buildZip, type TestZipEntry } from './zip-writer.testing';

// The real OSV records of test/fixtures/security/SOURCES.md (the GraphQL one is not an OSV record).
const FIXTURES = join(__dirname, '../../../../../test/fixtures/security/osv');
const FIXTURE_FILES = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json') && !file.includes('ghsa-graphql'))
  .sort();
const fixtureText = (file: string) => readFileSync(join(FIXTURES, file), 'utf8');
const fixture = (file: string): unknown => JSON.parse(fixtureText(file));

const LIMITS: OsvZipLimits = { maxEntryBytes: 1024 * 1024, maxEntries: 10_000 };

let dir: string;
let written = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'osv-zip-spec-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `bytes` to a new file of the test directory; answers its path. */
async function file(bytes: Buffer): Promise<string> {
  const path = join(dir, `archive-${++written}.zip`);
  await writeFile(path, bytes);
  return realpathSync(path);
}

async function readAll(path: string, limits: OsvZipLimits = LIMITS): Promise<OsvZipEntry[]> {
  const entries: OsvZipEntry[] = [];
  for await (const entry of readOsvZip(path, limits)) entries.push(entry);
  return entries;
}

/** The reason of the OsvZipError reading `path` throws, and the entries yielded before it. */
async function failure(path: string, limits: OsvZipLimits = LIMITS) {
  const entries: OsvZipEntry[] = [];
  try {
    for await (const entry of readOsvZip(path, limits)) entries.push(entry);
  } catch (error) {
    expect(error).toBeInstanceOf(OsvZipError);
    return { reason: (error as OsvZipError).reason, message: (error as OsvZipError).message, entries };
  }
  throw new Error('expected an OsvZipError');
}

// Whether this process still holds a descriptor on the file: Linux's /proc, the one portable-enough
// way to see that the zip was really closed, not just dropped.
const onLinux = existsSync('/proc/self/fd') ? it : it.skip;
function isOpen(path: string): boolean {
  return readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // the descriptor readdir itself used, closed since
    }
  });
}
/** After a zip error yauzl closes the descriptor itself, a moment after reporting the error. */
async function closedSoon(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100 && isOpen(path); attempt++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return !isOpen(path);
}

const records = (files: string[]): TestZipEntry[] => files.map((name) => ({ name, data: fixtureText(name) }));

describe('isZip', () => {
  it('knows a zip by its first local header or, for an empty zip, its end record', () => {
    expect(isZip(Buffer.from('PK\x03\x04rest', 'latin1'))).toBe(true);
    expect(isZip(Buffer.from('PK\x05\x06', 'latin1'))).toBe(true);
  });

  it('does not take JSON, a short buffer or another PK marker for one', () => {
    expect(isZip(Buffer.from('{"id":"GHSA-xxxx"}'))).toBe(false);
    expect(isZip(Buffer.from('[{"id":1}]'))).toBe(false);
    expect(isZip(Buffer.from('PK'))).toBe(false);
    expect(isZip(new Uint8Array())).toBe(false);
    expect(isZip(Buffer.from('PK\x07\x08', 'latin1'))).toBe(false);
  });
});

describe('readOsvZip', () => {
  onLinux(
    'reads every record in archive order, deflated or stored, and closes the file at the end',
    async () => {
      const entries = records(FIXTURE_FILES);
      entries[1] = { ...entries[1], method: 0 };
      const path = await file(buildZip(entries));

      const read = await readAll(path);

      expect(read).toEqual(FIXTURE_FILES.map((name) => ({ name, record: fixture(name) })));
      expect(isOpen(path)).toBe(false);
    },
  );

  it('skips directories and files not named .json, reports bad JSON and non-UTF-8, and reads on', async () => {
    const [first, second] = FIXTURE_FILES;
    const path = await file(
      buildZip([
        { name: first, data: fixtureText(first) },
        { name: 'advisories/' },
        { name: 'README.md', data: '# not a record' },
        { name: 'broken.json', data: '{"id": "GHSA-broken",' },
        { name: 'latin1.json', data: Buffer.from('{"summary": "caf\xe9"}', 'latin1') },
        { name: `advisories/${second}`, data: fixtureText(second) },
      ]),
    );

    const read = await readAll(path);

    expect(read).toEqual([
      { name: first, record: fixture(first) },
      { name: 'advisories/', skipped: true },
      { name: 'README.md', skipped: true },
      { name: 'broken.json', error: 'not_json', message: expect.stringContaining('not JSON') },
      { name: 'latin1.json', error: 'not_utf8', message: 'The entry is not UTF-8 text.' },
      { name: `advisories/${second}`, record: fixture(second) },
    ]);
  });

  it('reports an entry larger than maxEntryBytes without inflating it, and reads on', async () => {
    const [first, second] = FIXTURE_FILES;
    const path = await file(
      buildZip([
        { name: 'MAL-2024-1.json', data: JSON.stringify({ id: 'MAL-2024-1', details: 'x'.repeat(10_000) }) },
        { name: first, data: fixtureText(first) },
        { name: second, data: fixtureText(second) },
      ]),
    );

    const read = await readAll(path, { ...LIMITS, maxEntryBytes: 4096 + 1024 });

    expect(read).toEqual([
      { name: 'MAL-2024-1.json', error: 'too_large', message: expect.stringContaining('at most 5120') },
      { name: first, record: fixture(first) },
      { name: second, record: fixture(second) },
    ]);
  });

  it('reports an entry that does not inflate, is shorter than declared, fails its CRC or is unsupported', async () => {
    const [first, last] = [FIXTURE_FILES[0], FIXTURE_FILES[FIXTURE_FILES.length - 1]];
    const text = fixtureText(first);
    const path = await file(
      buildZip([
        { name: 'bad-deflate.json', data: text, compressed: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]) },
        { name: 'short.json', data: text, declaredSize: Buffer.byteLength(text) + 10 },
        // Same length, other bytes: sizes agree, only the checksum tells.
        { name: 'bad-crc.json', data: text, compressed: deflateRawSync(text.toUpperCase()) },
        { name: 'bzip2.json', data: text, method: 12 },
        { name: last, data: fixtureText(last) },
      ]),
    );

    const read = await readAll(path);

    expect(read.map((entry) => ('error' in entry ? [entry.name, entry.error] : [entry.name]))).toEqual([
      ['bad-deflate.json', 'corrupt'],
      ['short.json', 'corrupt'],
      ['bad-crc.json', 'corrupt'],
      ['bzip2.json', 'unsupported'],
      [last],
    ]);
    expect(read[1]).toMatchObject({ message: expect.stringContaining('not enough bytes') });
    expect(read[2]).toMatchObject({ message: expect.stringContaining('CRC-32') });
    expect(read[4]).toEqual({ name: last, record: fixture(last) });
  });

  onLinux('refuses, as a zip bomb, an entry inflating beyond the size it declares', async () => {
    const [first] = FIXTURE_FILES;
    const path = await file(
      buildZip([
        { name: first, data: fixtureText(first) },
        // 16 MiB of zeros deflate to ~16 KiB; it claims 100 bytes, under any maxEntryBytes.
        { name: 'MAL-bomb.json', data: Buffer.alloc(16 * 1024 * 1024), declaredSize: 100 },
        { name: 'after.json', data: '{}' },
      ]),
    );

    const { reason, entries } = await failure(path);

    expect(reason).toBe('zip_bomb');
    expect(entries).toEqual([{ name: first, record: fixture(first) }]);
    expect(await closedSoon(path)).toBe(true);
  });

  it('refuses a zip whose entries together inflate beyond maxTotalBytes', async () => {
    const path = await file(buildZip(records(FIXTURE_FILES)));
    const firstTwo = FIXTURE_FILES.slice(0, 2).reduce(
      (sum, name) => sum + Buffer.byteLength(fixtureText(name)),
      0,
    );

    const { reason, entries } = await failure(path, { ...LIMITS, maxTotalBytes: firstTwo });

    expect(reason).toBe('total_too_large');
    expect(entries.map((entry) => entry.name)).toEqual(FIXTURE_FILES.slice(0, 2));
  });

  it('refuses a zip listing more than maxEntries, before reading any', async () => {
    const path = await file(buildZip(records(FIXTURE_FILES.slice(0, 3))));

    const { reason, entries } = await failure(path, { ...LIMITS, maxEntries: 2 });

    expect(reason).toBe('too_many_entries');
    expect(entries).toEqual([]);
  });

  it('refuses a JSON file, an empty file and a missing one, each with its reason', async () => {
    const [first] = FIXTURE_FILES;
    expect((await failure(await file(Buffer.from(fixtureText(first))))).reason).toBe('not_a_zip');
    expect((await failure(await file(Buffer.alloc(0)))).reason).toBe('not_a_zip');
    expect((await failure(join(dir, 'missing.zip'))).reason).toBe('unreadable');
  });

  it('refuses a zip cut short, as an interrupted upload leaves it', async () => {
    const zip = buildZip(records(FIXTURE_FILES));

    for (const length of [zip.length - 1, zip.length - 100, Math.floor(zip.length / 2)])
      expect((await failure(await file(zip.subarray(0, length)))).reason).toBe('truncated');
  });

  it('refuses a central directory ending before the count its end record gives', async () => {
    const path = await file(buildZip(records(FIXTURE_FILES.slice(0, 3)), { entryCount: 4 }));

    const { reason, entries } = await failure(path);

    expect(reason).toBe('truncated');
    expect(entries).toHaveLength(3);
  });

  onLinux('refuses a malformed central directory record, and closes the file', async () => {
    const [first, second] = FIXTURE_FILES;
    const zip = buildZip(records([first, second]));
    // The second directory record: after the first (46 bytes and its name).
    const directory = zip.length - 22 - (46 + first.length) - (46 + second.length);
    zip.writeUInt32LE(0xdeadbeef, directory + 46 + first.length);
    const path = await file(zip);

    const { reason, message, entries } = await failure(path);

    expect(reason).toBe('corrupt');
    expect(message).toContain('central directory');
    expect(entries).toEqual([{ name: first, record: fixture(first) }]);
    expect(await closedSoon(path)).toBe(true);
  });

  onLinux('closes the file when the consumer stops early', async () => {
    const path = await file(buildZip(records(FIXTURE_FILES)));

    const seen: string[] = [];
    for await (const entry of readOsvZip(path, LIMITS)) {
      seen.push(entry.name);
      expect(isOpen(path)).toBe(true);
      if (seen.length === 2) break;
    }

    expect(seen).toEqual(FIXTURE_FILES.slice(0, 2));
    // Closed when the loop is left, not some time later.
    expect(isOpen(path)).toBe(false);
  });

  it('reads an entry only when the consumer asks for it', async () => {
    const [first, second, third] = FIXTURE_FILES;
    const path = await file(buildZip(records([first, second, third])));
    // Where the second entry's data starts: after the first entry and the second's header.
    const secondData =
      30 +
      Buffer.byteLength(first) +
      deflateRawSync(fixtureText(first)).length +
      30 +
      Buffer.byteLength(second);

    const read: OsvZipEntry[] = [];
    for await (const entry of readOsvZip(path, LIMITS)) {
      read.push(entry);
      if (read.length === 1) {
        // Had the reader read ahead, the second record would already be parsed, intact.
        const handle = await open(path, 'r+');
        await handle.write(Buffer.alloc(8), 0, 8, secondData);
        await handle.close();
      }
    }

    expect(read.map((entry) => [entry.name, 'error' in entry ? entry.error : 'record'])).toEqual([
      [first, 'record'],
      [second, 'corrupt'],
      [third, 'record'],
    ]);
  });

  it('reads a 5,000-entry export one entry at a time', async () => {
    const template = fixture(FIXTURE_FILES[0]) as Record<string, unknown>;
    const entries = Array.from({ length: 5000 }, (_, index) => ({
      name: `MAL-2024-${index}.json`,
      data: JSON.stringify({ ...template, id: `MAL-2024-${index}` }),
    }));
    const path = await file(buildZip(entries));

    let count = 0;
    let lastId: unknown;
    for await (const entry of readOsvZip(path, LIMITS)) {
      if ('record' in entry) {
        count++;
        lastId = (entry.record as { id: unknown }).id;
      }
    }

    expect(count).toBe(5000);
    expect(lastId).toBe('MAL-2024-4999');
  });
});
