import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Random bytes for 256 ids, refilled when used up. */
const pool = Buffer.allocUnsafe(16 * 256);
let next = pool.length;

/**
 * A UUIDv7 for a request that did not bring a usable `x-request-id`: time-ordered, so log lines
 * sort by it. Made here rather than with `uuid` because that package draws 16 bytes from
 * `crypto.getRandomValues` per id, which costs more than the rest of the id on every request;
 * this takes them from a pool filled 4 KiB at a time. (Database ids keep `newId()`, whose ids
 * are also strictly increasing within one millisecond.)
 */
export function newRequestId(now = Date.now()): string {
  if (next + 10 > pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const r = next;
  next += 10;
  const h = HEX;
  const ms = now;
  // 48-bit big-endian milliseconds; `/ 2 ** 8` etc. because bitwise operators stop at 32 bits.
  return (
    h[Math.floor(ms / 2 ** 40) & 0xff] +
    h[Math.floor(ms / 2 ** 32) & 0xff] +
    h[Math.floor(ms / 2 ** 24) & 0xff] +
    h[Math.floor(ms / 2 ** 16) & 0xff] +
    '-' +
    h[Math.floor(ms / 2 ** 8) & 0xff] +
    h[ms & 0xff] +
    '-' +
    h[0x70 | (pool[r] & 0x0f)] +
    h[pool[r + 1]] +
    '-' +
    h[0x80 | (pool[r + 2] & 0x3f)] +
    h[pool[r + 3]] +
    '-' +
    h[pool[r + 4]] +
    h[pool[r + 5]] +
    h[pool[r + 6]] +
    h[pool[r + 7]] +
    h[pool[r + 8]] +
    h[pool[r + 9]]
  );
}
