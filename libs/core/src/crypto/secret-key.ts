import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SECRET_KEY_BYTES } from './secret-box';

/**
 * A 32-byte key written in base64 (standard or URL alphabet, padding optional), as
 * `openssl rand -base64 32` prints it; undefined for anything else. The value never goes into a
 * message.
 */
export function parseSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === SECRET_KEY_BYTES ? key : undefined;
}

export const SECRET_KEY_FORMAT =
  `${SECRET_KEY_BYTES} random bytes in base64, ` + 'e.g. the output of `openssl rand -base64 32`';

/**
 * The key kept in `file`, created (32 random bytes, mode 0600) when there is none yet. Creation is
 * atomic and exclusive: the key is written to a private temporary file, then hard-linked into
 * place, which fails if the file already exists; so two processes starting together (or two apps
 * in one test process) end up with the same key, and nobody ever reads a half-written file.
 */
export async function readOrCreateKeyFile(file: string, onCreated: (file: string) => void): Promise<Buffer> {
  const path = resolve(file);
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  try {
    await link(temporary, path);
    onCreated(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  return (await readKeyFile(path))!;
}

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = parseSecretKey(text);
  if (!key) throw new Error(`${path} does not hold a secret key (${SECRET_KEY_FORMAT})`);
  return key;
}
