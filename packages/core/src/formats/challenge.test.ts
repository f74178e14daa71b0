import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/cipherpad-v1.json' with { type: 'json' };
import { CipherpadError } from '../errors.js';
import { CHALLENGE_DIGITS, generateChallenge, normalizeChallenge } from './challenge.js';

interface ChallengeVector {
  type: 'challenge';
  source: string;
  input: string;
  expected?: string;
  error?: string;
}

const cases = (vectors as unknown as { type: string }[]).filter(
  (vector): vector is ChallengeVector => vector.type === 'challenge',
);

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('challenge', () => {
  it('has 8 digits', () => {
    expect(CHALLENGE_DIGITS).toBe(8);
  });

  it('loads the Cipherpad v1 challenge vectors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const vector of cases) expect(vector.source).toBe('Cipherpad protocol v1');
  });

  for (const vector of cases.filter((entry) => entry.expected !== undefined)) {
    it(`normalizes ${JSON.stringify(vector.input)} to ${vector.expected}`, () => {
      expect(normalizeChallenge(vector.input)).toBe(vector.expected);
    });
  }

  for (const vector of cases.filter((entry) => entry.error !== undefined)) {
    it(`refuses ${JSON.stringify(vector.input)} with ${vector.error}`, () => {
      const error = errorOf(() => normalizeChallenge(vector.input));
      expect(error).toBeInstanceOf(CipherpadError);
      expect((error as CipherpadError).code).toBe(vector.error);
    });
  }

  it('refuses a value that is not a string', () => {
    const error = errorOf(() => normalizeChallenge(12345678 as unknown as string));
    expect((error as CipherpadError).code).toBe('ERR_CHALLENGE_FORMAT');
  });

  it('generates 8 ASCII digits that normalize to themselves', () => {
    for (let index = 0; index < 1000; index++) {
      const challenge = generateChallenge();
      expect(challenge).toMatch(/^[0-9]{8}$/);
      expect(normalizeChallenge(challenge)).toBe(challenge);
    }
  });

  it('generates a different challenge almost every time', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 1000; index++) seen.add(generateChallenge());
    // 1000 draws from 10^8 values collide with probability about 0.5%; allow a few.
    expect(seen.size).toBeGreaterThanOrEqual(997);
  });

  it('draws again when a word would bias the digits, from the source it is given', () => {
    // 0xffffffff is above the largest multiple of 10^8 below 2^32 and must be
    // refused; 0x00bc614e is 12,345,678.
    const words = [
      [0xff, 0xff, 0xff, 0xff],
      [0x00, 0xbc, 0x61, 0x4e],
    ];
    let draws = 0;
    const challenge = generateChallenge((bytes) => {
      bytes.set(words[draws] ?? [0, 0, 0, 0]);
      draws += 1;
    });
    expect(challenge).toBe('12345678');
    expect(draws).toBe(2);
    expect(generateChallenge((bytes) => bytes.set([0, 0, 0, 7]))).toBe('00000007');
  });

  it('generates digits uniformly, leading zeros included', () => {
    const samples = 20_000;
    const first = new Array<number>(10).fill(0);
    const all = new Array<number>(10).fill(0);
    for (let index = 0; index < samples; index++) {
      const challenge = generateChallenge();
      first[Number(challenge[0])]! += 1;
      for (const digit of challenge) all[Number(digit)]! += 1;
    }
    const chiSquare = (counts: number[], total: number) =>
      counts.reduce((sum, count) => sum + (count - total / 10) ** 2 / (total / 10), 0);
    // 9 degrees of freedom: P(χ² > 40) ≈ 7·10⁻⁶, so a fair generator practically never fails,
    // while one that skipped leading zeros (first digit never 0) gives χ² > 2000.
    expect(chiSquare(first, samples)).toBeLessThan(40);
    expect(chiSquare(all, samples * 8)).toBeLessThan(40);
    expect(first[0]).toBeGreaterThan(samples / 20);
  });
});
