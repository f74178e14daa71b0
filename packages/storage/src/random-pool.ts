import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * The next `length` bytes of the pool, wiped from it once `use` has read
 * them. The pool is refilled from the operating system's CSPRNG 4 KiB at a
 * time, as Node's own `randomUUID` does: each call into OpenSSL's generator
 * costs several microseconds whatever its size, and the login path needs a
 * challenge, ids and a token per request.
 */
function take<T>(length: number, use: (start: number, end: number) => T): T {
  if (!Number.isInteger(length) || length < 1 || length > POOL_BYTES) {
    throw new RangeError(`random: length must be 1 to ${POOL_BYTES} bytes`);
  }
  if (offset + length > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += length;
  try {
    return use(start, offset);
  } finally {
    // A token never stays in memory after its caller has dropped it.
    pool.fill(0, start, offset);
  }
}

/**
 * `length` random bytes encoded as text: for identifiers and bearer tokens.
 *
 * @example
 * ```ts
 * randomString(32, 'base64url'); // a 256-bit session token
 * ```
 */
export function randomString(length: number, encoding: 'hex' | 'base64url'): string {
  return take(length, (start, end) => pool.toString(encoding, start, end));
}

/** Fills `bytes` with random bytes, as `crypto.getRandomValues` does (a core `RandomSource`). */
export function fillRandom(bytes: Uint8Array): void {
  take(bytes.length, (start, end) => bytes.set(pool.subarray(start, end)));
}

/**
 * A uniformly random integer from 0 to `limit - 1` (`limit` at most 256),
 * without modulo bias: a byte at or above the largest multiple of `limit` is
 * drawn again.
 *
 * @example
 * ```ts
 * String(10 + randomIntBelow(90)); // a number to match, '10' to '99'
 * ```
 */
export function randomIntBelow(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 256) {
    throw new RangeError('random: limit must be 1 to 256');
  }
  const ceiling = 256 - (256 % limit);
  for (;;) {
    const byte = take(1, (start) => pool[start] as number);
    if (byte < ceiling) return byte % limit;
  }
}
