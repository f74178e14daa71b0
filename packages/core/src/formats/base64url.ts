import { CipherpadError } from '../errors.js';

// RFC 4648 §5 alphabet, no padding. A length of 1 mod 4 cannot come from any byte string.
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Encodes bytes as base64url (RFC 4648 §5) without padding.
 *
 * @example
 * ```ts
 * base64UrlEncode(new Uint8Array([0xfb, 0xff])); // '-_8'
 * ```
 */
export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes base64url (RFC 4648 §5) strictly: only the URL-safe alphabet, no padding, no
 * whitespace, and the unused low bits of the last character must be zero, so that each byte
 * string has exactly one accepted encoding.
 *
 * @throws {CipherpadError} `ERR_BASE64URL_INVALID` when the input is not canonical base64url.
 * @example
 * ```ts
 * base64UrlDecode('-_8'); // Uint8Array [0xfb, 0xff]
 * ```
 */
export function base64UrlDecode(input: string): Uint8Array<ArrayBuffer> {
  if (typeof input !== 'string' || !BASE64URL.test(input) || input.length % 4 === 1) {
    throw invalid();
  }
  const binary = atob(input.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) {
    bytes[index] = binary.charCodeAt(index);
  }
  // atob ignores non-zero unused bits (`-_9` decodes like `-_8`); refuse those encodings.
  if (base64UrlEncode(bytes) !== input) {
    throw invalid();
  }
  return bytes;
}

function invalid(): CipherpadError {
  return new CipherpadError('ERR_BASE64URL_INVALID', 'Not canonical unpadded base64url');
}
