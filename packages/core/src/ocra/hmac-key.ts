import type { OcraHash } from './ocra-suite.js';

/**
 * An HMAC key given as a signing function, for platforms with an HMAC that
 * is faster than Web Crypto's (on Node.js, `node:crypto`'s `createHmac` answers
 * synchronously, where `crypto.subtle.sign` goes through a worker thread).
 * The core itself never needs one: raw bytes and Web Crypto keys work
 * everywhere.
 *
 * @example
 * ```ts
 * import { createHmac, createSecretKey } from 'node:crypto';
 * const secret = createSecretKey(rawKeyBytes);
 * const key: HmacKey = {
 *   hash: 'SHA-256',
 *   sign: (data) => createHmac('sha256', secret).update(data).digest(),
 * };
 * await computeResponse(key, { mode: 'authorization', challenge: '12345678' });
 * ```
 */
export interface HmacKey {
  /** The hash the HMAC uses; it must be the suite's. */
  readonly hash: OcraHash;
  /** The HMAC of `data` under the key. */
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * Whether `key` is an {@link HmacKey} (and not raw bytes or a Web Crypto key).
 *
 * @internal Used by `generateOcra`; not part of the package's public API.
 */
export function isHmacKey(key: unknown): key is HmacKey {
  return (
    typeof key === 'object' &&
    key !== null &&
    !(key instanceof Uint8Array) &&
    typeof (key as Partial<HmacKey>).sign === 'function' &&
    typeof (key as Partial<HmacKey>).hash === 'string'
  );
}
