import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Bytes of an AES-256 key. */
export const SECRET_KEY_BYTES = 32;

const VERSION = 'v1';
const IV_BYTES = 12; // GCM's native nonce size
const TAG_BYTES = 16;

/** A sealed value that cannot be opened: another key sealed it, or it was altered or cut. */
export class SecretBoxError extends Error {}

/**
 * Keeps secrets the server must read back (HMAC keys, webhook signing secrets) encrypted at rest:
 * AES-256-GCM under the server key (OPSPLANE_SECRET_KEY), a fresh random IV per value.
 *
 * Sealed format, all parts base64url: `v1.<keyId>.<iv>.<tag>.<ciphertext>`. The version leaves
 * room for another algorithm; the key id (a short fingerprint of the key, useless to an attacker)
 * tells "sealed under another key" (replicas not sharing OPSPLANE_SECRET_KEY) apart from "altered".
 * `context` (e.g. the owning row's id) is authenticated with the value, so a sealed value copied
 * to another row does not open there.
 *
 * Secrets that are only compared (API keys, tokens) should be hashed instead: nothing can read them back.
 */
export class SecretBox {
  /** Short fingerprint of the key, written in every sealed value. */
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== SECRET_KEY_BYTES)
      throw new Error(`A secret key is ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
    this.keyId = keyIdOf(key);
  }

  /** True for a value in the sealed format (whatever key sealed it), false for anything else. */
  static isSealed(value: string): boolean {
    return SEALED.test(value);
  }

  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The plaintext; throws SecretBoxError (never revealing the value) when it cannot be opened. */
  open(sealed: string, context = ''): string {
    const match = SEALED.exec(sealed);
    if (!match)
      throw new SecretBoxError(`Not a sealed secret (expected ${VERSION}.<keyId>.<iv>.<tag>.<ciphertext>)`);
    const [, keyId, iv, tag, ciphertext] = match;
    if (keyId !== this.keyId)
      throw new SecretBoxError(
        `The secret was sealed with another key (id ${keyId}; this server's key is ${this.keyId}): ` +
          'every process sharing the database must use the same OPSPLANE_SECRET_KEY',
      );
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        'The sealed secret was altered (or belongs to another record): it cannot be opened',
      );
    }
  }
}

/** version.keyId.iv.tag.ciphertext; a 12-byte IV is 16 base64url characters, a 16-byte tag 22. */
const SEALED = /^v1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;

/** 8 base64url characters of SHA-256 over a label and the key: identifies the key, reveals nothing of it. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('opsplane-secret-key-id:').update(key).digest('base64url').slice(0, 8);
}
