import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox, SecretBoxError } from './secret-box';
import { parseSecretKey, readOrCreateKeyFile } from './secret-key';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));
  const secret = 'opa_the-hmac-key-of-a-source';

  it('seals into the versioned format, differently each time, and opens back', () => {
    const sealed = box.seal(secret, 'row-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(secret);
    expect(box.seal(secret, 'row-1')).not.toBe(sealed);
    expect(box.open(sealed, 'row-1')).toBe(secret);
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(SecretBox.isSealed(secret)).toBe(false);
    expect(box.open(box.seal(''), '')).toBe('');
  });

  it('refuses to open with another key, saying so', () => {
    const sealed = box.seal(secret);
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(sealed)).toThrow(SecretBoxError);
    expect(() => other.open(sealed)).toThrow(/sealed with another key .*same OPSPLANE_SECRET_KEY/);
  });

  it('refuses an altered value, one moved to another record, and anything not sealed', () => {
    const sealed = box.seal(secret, 'row-1');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    const tampered = [...parts.slice(0, 4), flipped.toString('base64url')].join('.');
    expect(() => box.open(tampered, 'row-1')).toThrow(/altered/);
    const otherTag = box.seal(secret, 'row-1').split('.')[3];
    expect(() => box.open([...parts.slice(0, 3), otherTag, parts[4]].join('.'), 'row-1')).toThrow(/altered/);
    expect(() => box.open(sealed, 'row-2')).toThrow(/altered/);
    expect(() => box.open(secret)).toThrow(/Not a sealed secret/);
    for (const error of [() => box.open(tampered, 'row-1'), () => box.open(secret)].map(thrown))
      expect(error.message).not.toContain(secret);
  });

  it('takes 32-byte keys only', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes, got 16/);
  });
});

describe('secret keys', () => {
  it('are 32 bytes of base64, standard or URL alphabet', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64url'))).toEqual(key);
    expect(parseSecretKey(` ${key.toString('base64')}\n`)).toEqual(key);
    expect(parseSecretKey(randomBytes(31).toString('base64'))).toBeUndefined();
    expect(parseSecretKey(randomBytes(33).toString('base64'))).toBeUndefined();
    expect(parseSecretKey(key.toString('hex'))).toBeUndefined();
  });

  it('are generated once into a private file, every caller getting the same one', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'opsplane-key-')), 'data', 'secret.key');
    const created: string[] = [];
    const keys = await Promise.all(
      Array.from({ length: 4 }, () => readOrCreateKeyFile(file, (path) => created.push(path))),
    );
    expect(created).toEqual([file]);
    for (const key of keys) expect(key).toEqual(keys[0]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(await readFile(file, 'utf8'))).toEqual(keys[0]);
    expect(await readOrCreateKeyFile(file, (path) => created.push(path))).toEqual(keys[0]);
    expect(created).toHaveLength(1);
  });

  it('refuse a key file that does not hold a key', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'opsplane-key-')), 'secret.key');
    await writeFile(file, 'not a key');
    await expect(readOrCreateKeyFile(file, () => undefined)).rejects.toThrow(/does not hold a secret key/);
  });
});

function thrown(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing thrown');
}
