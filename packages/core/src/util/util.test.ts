import { describe, expect, it } from 'vitest';
import { CipherpadError } from '../errors.js';
import { constantTimeEqual } from './constant-time.js';
import { bytesToHex, hexToBytes } from './hex.js';

describe('hex (RFC 4648 §8 base16)', () => {
  it('decodes lower and upper case digits', () => {
    expect(hexToBytes('00ff10ab')).toEqual(new Uint8Array([0x00, 0xff, 0x10, 0xab]));
    expect(hexToBytes('00FF10AB')).toEqual(new Uint8Array([0x00, 0xff, 0x10, 0xab]));
    expect(hexToBytes('0123456789abcdefABCDEF')).toEqual(
      new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xab, 0xcd, 0xef]),
    );
  });

  it('decodes the empty string to no bytes', () => {
    expect(hexToBytes('')).toEqual(new Uint8Array(0));
  });

  it.each([
    ['an odd length', 'abc', /odd length 3/],
    ['a single digit', 'a', /odd length 1/],
    ['a non-hex letter', 'zz', /index 0/],
    ['a 0x prefix', '0x00', /index 1/],
    ['a space', '00 111', /index 2/],
    ['a non-ASCII digit', '０1', /index 0/],
    ['a letter past f', '0g', /index 1/],
  ])('rejects %s with ERR_HEX_INVALID', (_what, hex, messagePart) => {
    let error: unknown;
    try {
      hexToBytes(hex);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CipherpadError);
    expect(error).toMatchObject({ code: 'ERR_HEX_INVALID' });
    expect((error as Error).message).toMatch(messagePart);
  });

  it('encodes as lowercase, two digits per byte', () => {
    expect(bytesToHex(new Uint8Array([0x00, 0x0f, 0xf0, 0xff, 0xab]))).toBe('000ff0ffab');
    expect(bytesToHex(new Uint8Array(0))).toBe('');
  });

  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(hexToBytes(bytesToHex(all))).toEqual(all);
    expect(bytesToHex(hexToBytes(bytesToHex(all).toUpperCase()))).toBe(bytesToHex(all));
  });
});

describe('constantTimeEqual', () => {
  it('is true for equal strings and equal bytes', () => {
    expect(constantTimeEqual('237653', '237653')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('is false when the content differs at any position', () => {
    expect(constantTimeEqual('237653', '137653')).toBe(false);
    expect(constantTimeEqual('237653', '237153')).toBe(false);
    expect(constantTimeEqual('237653', '237654')).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
  });

  it('is false for different lengths, including a prefix and trailing zeros', () => {
    expect(constantTimeEqual('23765', '237653')).toBe(false);
    expect(constantTimeEqual('237653', '2376530')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([0]), new Uint8Array(0))).toBe(false);
  });

  it('compares strings as UTF-8 bytes, so a string equals its encoding', () => {
    expect(constantTimeEqual('é', new Uint8Array([0xc3, 0xa9]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([0x41]), 'A')).toBe(true);
    expect(constantTimeEqual('é', 'e')).toBe(false);
  });
});

describe('constantTimeEqual timing shape', () => {
  /** A byte array that counts how many of its bytes are read. */
  function counted(bytes: number[]) {
    const array = new Uint8Array(bytes);
    const reads = { count: 0 };
    const proxy = new Proxy(array, {
      get(target, property) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads.count += 1;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return { proxy, reads };
  }

  it('reads every byte whether the inputs differ first, last or not at all', () => {
    const expected = [5, 4, 9, 2, 4, 8, 8, 5];
    for (const given of [
      [0, 4, 9, 2, 4, 8, 8, 5],
      [5, 4, 9, 2, 4, 8, 8, 0],
      [5, 4, 9, 2, 4, 8, 8, 5],
    ]) {
      const a = counted(expected);
      const b = counted(given);
      constantTimeEqual(a.proxy, b.proxy);
      expect(a.reads.count).toBe(8);
      expect(b.reads.count).toBe(8);
    }
  });
});
