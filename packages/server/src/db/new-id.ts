import { randomBytes } from 'node:crypto';

/** A new random identifier: 16 bytes (128 bits) as base64url, 22 characters. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}
