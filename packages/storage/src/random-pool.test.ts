import { describe, expect, it } from 'vitest';
import { fillRandom, randomString } from './random-pool.js';

describe('randomString', () => {
  it('gives the asked number of bytes in hex and base64url', () => {
    expect(randomString(16, 'hex')).toMatch(/^[0-9a-f]{32}$/);
    expect(randomString(32, 'base64url')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('never repeats across pool refills', () => {
    const seen = new Set<string>();
    // 2,000 × 16 bytes is eight refills of the 4 KiB pool.
    for (let i = 0; i < 2_000; i++) seen.add(randomString(16, 'hex'));
    expect(seen.size).toBe(2_000);
  });

  it('gives every byte value with about equal frequency', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 512; i++) {
      for (const byte of Buffer.from(randomString(64, 'hex'), 'hex')) counts[byte]! += 1;
    }
    // 32,768 bytes: 128 expected per value; a stuck or zeroed pool would put thousands on one.
    expect(Math.max(...counts)).toBeLessThan(200);
    expect(Math.min(...counts)).toBeGreaterThan(70);
  });

  it('refuses a length outside 1 to 4096 bytes', () => {
    expect(() => randomString(0, 'hex')).toThrow(RangeError);
    expect(() => randomString(4097, 'hex')).toThrow(RangeError);
    expect(() => randomString(1.5, 'hex')).toThrow(RangeError);
  });
});

describe('fillRandom', () => {
  it('fills the whole array, differently each time', () => {
    const first = new Uint8Array(64);
    const second = new Uint8Array(64);
    fillRandom(first);
    fillRandom(second);
    expect(first.some((byte) => byte !== 0)).toBe(true);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
  });
});
