import { CipherpadError } from '../errors.js';

const HEX_DIGITS = '0123456789abcdef';

/**
 * Decodes a hexadecimal string (RFC 4648 §8, upper or lower case) into bytes.
 *
 * The empty string decodes to an empty array. No prefix (`0x`), whitespace or
 * separators are accepted.
 *
 * @param hex - An even number of hexadecimal digits.
 * @returns The decoded bytes.
 * @throws {@link CipherpadError} `ERR_HEX_INVALID` when the length is odd or a
 *   character is not a hexadecimal digit.
 *
 * @example
 * ```ts
 * hexToBytes('00ff10'); // Uint8Array [0, 255, 16]
 * ```
 */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0) {
    throw new CipherpadError('ERR_HEX_INVALID', `hex string has odd length ${hex.length}`);
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const high = nibble(hex, 2 * i);
    const low = nibble(hex, 2 * i + 1);
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

/**
 * Encodes bytes as lowercase hexadecimal, two digits per byte.
 *
 * @param bytes - The bytes to encode.
 * @returns The lowercase hexadecimal string (empty for no bytes).
 *
 * @example
 * ```ts
 * bytesToHex(new Uint8Array([0, 255, 16])); // '00ff10'
 * ```
 */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) {
    hex += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 0x0f]!;
  }
  return hex;
}

function nibble(hex: string, index: number): number {
  const code = hex.charCodeAt(index);
  if (code >= 0x30 && code <= 0x39) return code - 0x30; // 0-9
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10; // a-f
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10; // A-F
  throw new CipherpadError(
    'ERR_HEX_INVALID',
    `hex string has a non-hexadecimal character at index ${index}`,
  );
}
