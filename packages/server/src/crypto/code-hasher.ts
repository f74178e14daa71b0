import { createHash, createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Hashes one-time codes (email, SMS, activation) before they are stored, with
 * HMAC-SHA256 under a key derived from the master key: a stolen database does
 * not give the 6- or 8-digit codes back by brute force without the key.
 */
export class CodeHasher {
  readonly #key: Buffer;

  constructor(masterKey: Uint8Array) {
    this.#key = Buffer.from(
      hkdfSync('sha256', masterKey, new Uint8Array(0), 'cipherpad code-hash v1', 32),
    );
  }

  /** `purpose` keeps a code of one kind from matching a stored code of another. */
  hash(purpose: string, code: string): string {
    return createHmac('sha256', this.#key).update(`${purpose}\0${code}`).digest('base64url');
  }

  /** Constant-time comparison of a typed code with a stored hash. */
  matches(purpose: string, code: string, storedHash: string): boolean {
    return constantTimeEqualText(this.hash(purpose, code), storedHash);
  }
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqualText(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never throws or short-cuts.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** A uniformly random string of decimal digits. */
export function randomDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}

/** SHA-256 as base64url, for high-entropy tokens (session tokens, email links). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
