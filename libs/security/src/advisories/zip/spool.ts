import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** The stream held more than `maxBytes`; nothing of it is left on disk. */
export class SpoolTooLargeError extends Error {
  override readonly name = 'SpoolTooLargeError';
  readonly reason = 'too_large';

  constructor(readonly maxBytes: number) {
    super(`The upload is larger than ${maxBytes} bytes.`);
  }
}

export interface SpooledFile {
  path: string;
  bytes: number;
  /** Removes the file and its directory; safe to call more than once. */
  cleanup(): Promise<void>;
}

export interface SpoolOptions {
  maxBytes: number;
  /** Aborting destroys the stream (so a stalled one stops waiting) and removes the file. */
  signal?: AbortSignal;
}

/**
 * A path for a new file in a fresh `mkdtemp` directory (0700) under the system's temp directory,
 * not created yet; `cleanup` removes the directory and all in it (safe to call more than once).
 */
export async function newSpoolFile(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'opsplane-spool-'));
  return { path: join(dir, 'spool'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes a stream (a request body, a download) to a new file of its own, because a zip is read
 * from its end and needs random access, and must not be held in memory whole. The file is in a
 * fresh `mkdtemp` directory (0700) under the system's temp directory, so its name is not guessable
 * and `cleanup` can remove everything at once.
 *
 * On any failure the file is removed before the error is thrown. Over `maxBytes`, the stream is
 * left paused and open, not destroyed: its owner may still answer (an HTTP 413) before closing it.
 */
export async function spoolToTempFile(
  stream: Readable,
  { maxBytes, signal }: SpoolOptions,
): Promise<SpooledFile> {
  signal?.throwIfAborted();
  const { path, cleanup } = await newSpoolFile();
  // An abort must also end a wait for data that never comes; the iteration below then fails with the reason.
  const onAbort = () => stream.destroy(signal?.reason as Error);
  signal?.addEventListener('abort', onAbort, { once: true });
  let bytes = 0;
  try {
    const file = await open(path, 'wx', 0o600);
    try {
      signal?.throwIfAborted();
      // Each chunk is written before the next is read: the source is never read ahead of the disk.
      for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<
        Buffer | string
      >) {
        const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        bytes += data.length;
        if (bytes > maxBytes) throw new SpoolTooLargeError(maxBytes);
        // appendFile, not write: it loops until the whole chunk is written.
        await file.appendFile(data);
      }
    } finally {
      await file.close();
    }
  } catch (error) {
    await cleanup();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { path, bytes, cleanup };
}
