import { randomBytes } from 'node:crypto';

/**
 * A new random identifier: 16 bytes (128 bits) as 32 lower-case hex
 * characters. Hex rather than base64url so an id never starts with `-`, which
 * command lines would read as a flag.
 */
export function newId(): string {
  return randomBytes(16).toString('hex');
}
