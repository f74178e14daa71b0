import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/cipherpad-v1.json' with { type: 'json' };
import { CipherpadError } from '../errors.js';
import { bytesToHex, hexToBytes } from '../util/hex.js';
import { base64UrlDecode, base64UrlEncode } from './base64url.js';

interface Base64UrlVector {
  type: 'base64url';
  source: string;
  hex?: string;
  base64url: string;
  error?: string;
}

const cases = (vectors as unknown as { type: string }[]).filter(
  (vector): vector is Base64UrlVector => vector.type === 'base64url',
);

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('base64url', () => {
  it('loads the Cipherpad v1 base64url vectors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const vector of cases) expect(vector.source).toBe('Cipherpad protocol v1');
  });

  for (const vector of cases.filter((entry) => entry.hex !== undefined)) {
    it(`encodes 0x${vector.hex} as ${JSON.stringify(vector.base64url)} and back`, () => {
      expect(base64UrlEncode(hexToBytes(vector.hex!))).toBe(vector.base64url);
      expect(bytesToHex(base64UrlDecode(vector.base64url))).toBe(vector.hex);
    });
  }

  for (const vector of cases.filter((entry) => entry.error !== undefined)) {
    it(`refuses to decode ${JSON.stringify(vector.base64url)}`, () => {
      const error = errorOf(() => base64UrlDecode(vector.base64url));
      expect(error).toBeInstanceOf(CipherpadError);
      expect((error as CipherpadError).code).toBe(vector.error);
    });
  }

  it('round-trips every byte value and every length up to 70', () => {
    const all = new Uint8Array(256).map((_, index) => index);
    expect(base64UrlDecode(base64UrlEncode(all))).toStrictEqual(all);
    for (let length = 0; length <= 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const encoded = base64UrlEncode(bytes);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(base64UrlDecode(encoded)).toStrictEqual(bytes);
    }
  });
});
