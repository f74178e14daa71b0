import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/cipherpad-v1.json' with { type: 'json' };
import { CipherpadError } from '../errors.js';
import { formatPurse, type Purse, parsePurse } from './purse.js';

interface PurseVector {
  type: 'purse';
  source: string;
  input: string;
  expected?: Purse;
  error?: string;
}

const cases = (vectors as unknown as { type: string }[]).filter(
  (vector): vector is PurseVector => vector.type === 'purse',
);

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('purse', () => {
  it('loads the Cipherpad v1 purse vectors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const vector of cases) expect(vector.source).toBe('Cipherpad protocol v1');
  });

  for (const vector of cases.filter((entry) => entry.expected !== undefined)) {
    it(`reads ${JSON.stringify(vector.input)}`, () => {
      expect(parsePurse(vector.input)).toStrictEqual(vector.expected);
    });
  }

  for (const vector of cases.filter((entry) => entry.error !== undefined)) {
    it(`refuses ${JSON.stringify(vector.input)}`, () => {
      const error = errorOf(() => parsePurse(vector.input));
      expect(error).toBeInstanceOf(CipherpadError);
      expect((error as CipherpadError).code).toBe(vector.error);
    });
  }

  it('writes the letter in upper case followed by the 12 digits', () => {
    expect(formatPurse({ letter: 'z', number: '123456789012' })).toBe('Z123456789012');
    expect(formatPurse({ letter: 'E', number: '000000000001' })).toBe('E000000000001');
    expect(formatPurse({ number: '123456789012' })).toBe('123456789012');
  });

  it('writes what it reads back to the same purse', () => {
    const readable = cases.filter((entry) => entry.expected !== undefined);
    expect(readable.length).toBeGreaterThan(0);
    for (const vector of readable) {
      expect(parsePurse(formatPurse(parsePurse(vector.input)))).toStrictEqual(vector.expected);
    }
  });

  it('refuses to write a malformed letter or number', () => {
    for (const purse of [
      { letter: '', number: '123456789012' },
      { letter: 'ZZ', number: '123456789012' },
      { letter: '1', number: '123456789012' },
      { letter: 'Z', number: '12345678901' },
      { letter: 'Z', number: '1234 5678 9012' },
      { number: 123456789012 as unknown as string },
    ]) {
      const error = errorOf(() => formatPurse(purse));
      expect((error as CipherpadError).code).toBe('ERR_PURSE_INVALID');
    }
  });
});
