import { open as openFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { openPromise, type Entry, type ZipFile } from 'yauzl';

/**
 * Reading an OSV ecosystem export (`<ecosystem>/all.zip`: one JSON record per entry) from a file,
 * one entry at a time, so a zip of hundreds of MB never sits in memory whole. The file is what
 * `spoolToTempFile` wrote; a zip needs random access (its directory is at the end), so a stream
 * cannot be read as one.
 */

/** Why a whole zip was refused. Entries yielded before the failure stand; none after it are read. */
export type OsvZipErrorReason =
  /** The file could not be opened or read (an I/O error, not its content). */
  | 'unreadable'
  /** It does not start like a zip: probably JSON or something else sent as one. */
  | 'not_a_zip'
  /** It starts like a zip but ends early: an interrupted upload or download. */
  | 'truncated'
  /** Its central directory is malformed (bad signatures, unsafe file names, multi-disk …). */
  | 'corrupt'
  /** Its central directory lists more entries than `maxEntries`. */
  | 'too_many_entries'
  /** An entry inflates to more bytes than it declares: the shape of a zip bomb. */
  | 'zip_bomb'
  /** The entries read would inflate to more than `maxTotalBytes` together. */
  | 'total_too_large';

export class OsvZipError extends Error {
  override readonly name = 'OsvZipError';

  constructor(
    readonly reason: OsvZipErrorReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Why one entry was not read; the entries after it still are. */
export type OsvZipEntryProblem =
  /** It declares more than `maxEntryBytes` inflated; it is not inflated at all. */
  | 'too_large'
  /** Encrypted, or compressed other than stored or deflated. */
  | 'unsupported'
  /** Its data does not inflate, is shorter than declared, or fails its CRC-32. */
  | 'corrupt'
  | 'not_utf8'
  | 'not_json';

/** One entry of the archive, in archive (central directory) order. */
export type OsvZipEntry =
  /** A `.json` entry parsed; `record` is not checked against the OSV schema here. */
  | { name: string; record: unknown }
  | { name: string; error: OsvZipEntryProblem; message: string }
  /** A directory, or a file whose name does not end in `.json`. */
  | { name: string; skipped: true };

export interface OsvZipLimits {
  /** The largest entry, inflated, that is read: a larger one is reported `too_large`. */
  maxEntryBytes: number;
  /** The most entries (directories and skipped files included) the zip may list. */
  maxEntries: number;
  /** The most bytes inflated over the whole archive (default `DEFAULT_MAX_TOTAL_BYTES`). */
  maxTotalBytes?: number;
}

/**
 * Bounds the work (CPU), not the memory, which one entry bounds: generous for an OSV export
 * (npm's all.zip inflates to well under this), small against a zip of many maximal entries.
 */
export const DEFAULT_MAX_TOTAL_BYTES = 4 * 1024 ** 3;

/** Local file header (PK\3\4) or end of central directory, which starts an empty zip (PK\5\6). */
export function isZip(firstBytes: Uint8Array): boolean {
  return (
    firstBytes.length >= 4 &&
    firstBytes[0] === 0x50 &&
    firstBytes[1] === 0x4b &&
    ((firstBytes[2] === 0x03 && firstBytes[3] === 0x04) || (firstBytes[2] === 0x05 && firstBytes[3] === 0x06))
  );
}

/**
 * The entries of the zip at `path`, one at a time: the next is read only when the consumer asks
 * for it, so a 50,000-entry export holds one entry in memory. A bad entry is yielded as an error
 * and reading goes on; a bad zip throws `OsvZipError`. The file is closed when the iteration ends,
 * throws, or is left early (`break`): before the generator returns, except after a malformed
 * central directory, which yauzl closes itself a moment after reporting it.
 */
export async function* readOsvZip(path: string, limits: OsvZipLimits): AsyncGenerator<OsvZipEntry, void> {
  const { maxEntryBytes, maxEntries, maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES } = limits;
  const zipfile = await openZip(path);
  const closed = fileClosed(zipfile);
  const entries = zipfile.eachEntry();
  try {
    // The count is the end record's: refused before anything is read.
    if (zipfile.entryCount > maxEntries)
      throw new OsvZipError(
        'too_many_entries',
        `The zip lists ${zipfile.entryCount} entries; at most ${maxEntries} are read.`,
      );
    // Declared sizes: validateEntrySizes fails an entry that inflates to more than it declares,
    // so the bytes actually inflated never exceed this sum.
    let inflated = 0;
    for (;;) {
      const next = await entries.next().catch((error: unknown) => {
        throw centralDirectoryError(error);
      });
      if (next.done) return;
      const entry = next.value;
      const name = entry.fileName;
      if (name.endsWith('/') || !name.toLowerCase().endsWith('.json')) {
        yield { name, skipped: true };
        continue;
      }
      if (entry.uncompressedSize > maxEntryBytes) {
        yield {
          name,
          error: 'too_large',
          message: `The entry inflates to ${entry.uncompressedSize} bytes; at most ${maxEntryBytes} are read.`,
        };
        continue;
      }
      if (!entry.canDecodeFileData()) {
        yield {
          name,
          error: 'unsupported',
          message: entry.isEncrypted()
            ? 'The entry is encrypted.'
            : `The entry uses compression method ${entry.compressionMethod}; only stored (0) and deflated (8) are read.`,
        };
        continue;
      }
      inflated += entry.uncompressedSize;
      if (inflated > maxTotalBytes)
        throw new OsvZipError(
          'total_too_large',
          `The zip inflates to more than ${maxTotalBytes} bytes (at ${name}).`,
        );
      yield await readEntry(zipfile, entry);
    }
  } finally {
    // Detaches the iterator's listeners (it would fail on an event arriving with no pending read).
    await entries.return?.();
    zipfile.close();
    await closed;
  }
}

/** Opens with yauzl, telling "not a zip" from "a zip cut short" by the first bytes. */
async function openZip(path: string): Promise<ZipFile> {
  try {
    return await openPromise(path, {
      // One entry per readEntry(): the consumer's pace, not the disk's.
      lazyEntries: true,
      // Closes the descriptor at the end of the entries or on a zip error; readOsvZip closes it otherwise.
      autoClose: true,
      // Fails the stream of an entry inflating to more than its declared size (a zip bomb's lie).
      validateEntrySizes: true,
      // Names decoded (CP437 or UTF-8) and checked (no absolute or `..` paths).
      decodeStrings: true,
    });
  } catch (error) {
    if (isSystemError(error))
      throw new OsvZipError('unreadable', `The zip file cannot be read: ${error.message}`, { cause: error });
    const message = messageOf(error);
    if (!isZip(await firstBytes(path)))
      throw new OsvZipError('not_a_zip', 'The file is not a zip archive.', { cause: error });
    // A zip's end record is its last bytes: a zip without one was cut short.
    if (message.startsWith('End of central directory record signature not found'))
      throw new OsvZipError('truncated', 'The zip file is truncated: it has no end of central directory.', {
        cause: error,
      });
    throw new OsvZipError('corrupt', `The zip file is malformed: ${message}`, { cause: error });
  }
}

/**
 * Settles once the descriptor is released (yauzl's 'close', after every stream of it has ended).
 * yauzl reports a failure to close it as 'error' instead, and never emits 'close'; an 'error' after
 * close() therefore settles too, or the generator would never return. The listener also means an
 * 'error' never goes unheard, which would crash the process.
 */
function fileClosed(zipfile: ZipFile): Promise<void> {
  return new Promise((resolve) => {
    zipfile.once('close', () => resolve());
    zipfile.on('error', () => {
      if (!zipfile.isOpen) resolve();
    });
  });
}

/** An error reading the next central directory record: the zip as a whole is bad. */
function centralDirectoryError(error: unknown): OsvZipError {
  if (isSystemError(error))
    return new OsvZipError('unreadable', `The zip file cannot be read: ${error.message}`, { cause: error });
  const message = messageOf(error);
  // yauzl reads records at the offsets the end record gives; a short read means the file ends early.
  if (message === 'unexpected EOF')
    return new OsvZipError('truncated', 'The zip file is truncated: its central directory ends early.', {
      cause: error,
    });
  return new OsvZipError('corrupt', `The zip's central directory is malformed: ${message}`, { cause: error });
}

// Fatal: invalid UTF-8 is reported, not replaced with U+FFFD. A leading BOM is dropped.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Inflates, decodes and parses one entry; throws only when the zip as a whole is bad. */
async function readEntry(zipfile: ZipFile, entry: Entry): Promise<OsvZipEntry> {
  const name = entry.fileName;
  let bytes: Buffer;
  try {
    bytes = await inflate(zipfile, entry);
  } catch (error) {
    // validateEntrySizes' words for more bytes than declared: the size that passed maxEntryBytes was a lie.
    if (messageOf(error).startsWith('too many bytes in the stream'))
      throw new OsvZipError(
        'zip_bomb',
        `${name} inflates to more than the ${entry.uncompressedSize} bytes it declares.`,
        { cause: error },
      );
    if (isSystemError(error))
      throw new OsvZipError('unreadable', `The zip file cannot be read: ${error.message}`, { cause: error });
    // Bad deflate data, fewer bytes than declared, a bad local header: this entry only, since every
    // entry is found from the central directory, not from the one before it.
    return { name, error: 'corrupt', message: `The entry cannot be read: ${messageOf(error)}` };
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { name, error: 'not_utf8', message: 'The entry is not UTF-8 text.' };
  }
  try {
    return { name, record: JSON.parse(text) as unknown };
  } catch (error) {
    return { name, error: 'not_json', message: `The entry is not JSON: ${messageOf(error)}` };
  }
}

/** The entry's bytes, at most its declared size (validateEntrySizes), checked against its CRC-32. */
async function inflate(zipfile: ZipFile, entry: Entry): Promise<Buffer> {
  const stream = await zipfile.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let crc = 0;
  // for await destroys the stream when it fails, which releases its hold on the descriptor.
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    crc = crc32(chunk, crc);
  }
  // yauzl checks sizes, not checksums.
  if (crc !== entry.crc32) throw new Error('CRC-32 mismatch');
  return Buffer.concat(chunks);
}

async function firstBytes(path: string): Promise<Uint8Array> {
  const file = await openFile(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

// Duck-typed, not instanceof Error: errors from Node's own modules come from another realm under jest.

/** An error from the operating system (it names the failed call), not from the zip's content. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return typeof (error as NodeJS.ErrnoException | undefined)?.syscall === 'string';
}

function messageOf(error: unknown): string {
  const message = (error as Error | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
