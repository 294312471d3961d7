import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { isZip, readOsvZip, type OsvZipEntry } from './osv-zip';
import { spoolToTempFile, SpoolTooLargeError } from './spool';
import { buildZip } from './zip-writer.testing';

const FIXTURES = join(__dirname, '../../../../../test/fixtures/security/osv');

/** The spool directories in the system's temp directory: none may outlive a failed spool. */
const spoolDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('opsplane-spool-'));

const chunks = (...parts: string[]) => Readable.from(parts.map((part) => Buffer.from(part)));

/** A source that sends `first` and then nothing, like a stalled upload. */
function stalled(first: string): Readable {
  const source = new Readable({ read() {} });
  source.push(Buffer.from(first));
  return source;
}

describe('spoolToTempFile', () => {
  it('writes the stream to a private file of its own under the temp directory', async () => {
    const spooled = await spoolToTempFile(chunks('{"id":', '"GHSA-xxxx"', '}'), { maxBytes: 1024 });

    expect(readFileSync(spooled.path, 'utf8')).toBe('{"id":"GHSA-xxxx"}');
    expect(spooled.bytes).toBe(18);
    expect(dirname(dirname(spooled.path))).toBe(tmpdir());
    expect(basename(dirname(spooled.path))).toMatch(/^opsplane-spool-/);
    expect(statSync(dirname(spooled.path)).mode & 0o777).toBe(0o700);
    expect(statSync(spooled.path).mode & 0o777).toBe(0o600);

    await spooled.cleanup();
    expect(existsSync(dirname(spooled.path))).toBe(false);
    await expect(spooled.cleanup()).resolves.toBeUndefined();
  });

  it('takes a stream of exactly maxBytes, and string chunks', async () => {
    const spooled = await spoolToTempFile(Readable.from(['abc', 'def']), { maxBytes: 6 });

    expect(spooled.bytes).toBe(6);
    expect(readFileSync(spooled.path, 'utf8')).toBe('abcdef');
    await spooled.cleanup();
  });

  it('fails over maxBytes, leaves no file, and leaves the source open for its owner to answer', async () => {
    const before = spoolDirs();
    const source = chunks('12345', '67890', 'more');

    const failure = spoolToTempFile(source, { maxBytes: 8 });

    await expect(failure).rejects.toBeInstanceOf(SpoolTooLargeError);
    await expect(failure).rejects.toMatchObject({ reason: 'too_large', maxBytes: 8 });
    expect(spoolDirs()).toEqual(before);
    expect(source.destroyed).toBe(false);
  });

  it('stops a stalled stream when the signal aborts, and leaves no file', async () => {
    const before = spoolDirs();
    const source = stalled('PK\x03\x04');
    const controller = new AbortController();

    const failure = spoolToTempFile(source, { maxBytes: 1024, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);

    await expect(failure).rejects.toMatchObject({ name: 'AbortError' });
    expect(spoolDirs()).toEqual(before);
    expect(source.destroyed).toBe(true);
  });

  it('does not start under a signal already aborted', async () => {
    const before = spoolDirs();

    await expect(
      spoolToTempFile(chunks('x'), { maxBytes: 1024, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(spoolDirs()).toEqual(before);
  });

  it('fails with the error of the stream, and leaves no file', async () => {
    const before = spoolDirs();
    const source = stalled('part of an upload');
    setTimeout(() => source.destroy(new Error('connection reset')), 20);

    await expect(spoolToTempFile(source, { maxBytes: 1024 })).rejects.toThrow('connection reset');
    expect(spoolDirs()).toEqual(before);
  });

  it('spools a zip upload that is then told from JSON by content and read', async () => {
    const names = readdirSync(FIXTURES).filter((name) => /^GHSA-.*\.json$/.test(name));
    const zip = buildZip(names.map((name) => ({ name, data: readFileSync(join(FIXTURES, name)) })));
    // Sent in 1 KiB chunks, as a request body arrives.
    const parts = Array.from({ length: Math.ceil(zip.length / 1024) }, (_, i) =>
      zip.subarray(i * 1024, (i + 1) * 1024),
    );

    const spooled = await spoolToTempFile(Readable.from(parts), { maxBytes: zip.length });
    try {
      const handle = await open(spooled.path, 'r');
      const { buffer } = await handle.read(Buffer.alloc(4), 0, 4, 0);
      await handle.close();
      expect(isZip(buffer)).toBe(true);

      const read: OsvZipEntry[] = [];
      for await (const entry of readOsvZip(spooled.path, { maxEntryBytes: 1 << 20, maxEntries: 100 }))
        read.push(entry);
      expect(read.map((entry) => 'record' in entry && (entry.record as { id: string }).id)).toEqual(
        names.map((name) => name.replace(/\.json$/, '')),
      );
    } finally {
      await spooled.cleanup();
    }
  });
});
