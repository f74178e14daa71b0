import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/cipherpad-v1.json' with { type: 'json' };
import { CipherpadError } from '../errors.js';
import { canonicalAmount, MAX_AMOUNT_LENGTH } from './amount.js';

interface AmountVector {
  type: 'amount';
  source: string;
  input: string;
  expected?: string;
  error?: string;
}

const cases = (vectors as unknown as { type: string }[]).filter(
  (vector): vector is AmountVector => vector.type === 'amount',
);
const valid = cases.filter((vector) => vector.expected !== undefined);
const invalid = cases.filter((vector) => vector.error !== undefined);

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('canonical amount', () => {
  it('loads the Cipherpad v1 amount vectors', () => {
    expect(valid.length).toBeGreaterThanOrEqual(15);
    expect(invalid.length).toBeGreaterThanOrEqual(20);
    for (const vector of cases) expect(vector.source).toBe('Cipherpad protocol v1');
  });

  for (const vector of valid) {
    it(`writes ${JSON.stringify(vector.input)} as ${vector.expected}`, () => {
      expect(canonicalAmount(vector.input)).toBe(vector.expected);
    });
  }

  for (const vector of invalid) {
    it(`refuses ${JSON.stringify(vector.input)}`, () => {
      const error = errorOf(() => canonicalAmount(vector.input));
      expect(error).toBeInstanceOf(CipherpadError);
      expect((error as CipherpadError).code).toBe(vector.error);
    });
  }

  it('leaves a canonical amount unchanged', () => {
    for (const vector of valid) {
      expect(canonicalAmount(vector.expected!)).toBe(vector.expected);
    }
  });

  it(`accepts ${MAX_AMOUNT_LENGTH} characters and refuses one more`, () => {
    expect(MAX_AMOUNT_LENGTH).toBe(40);
    expect(canonicalAmount(`${'0'.repeat(39)}7`)).toBe('7');
    const error = errorOf(() => canonicalAmount(`${'0'.repeat(40)}7`));
    expect((error as CipherpadError).code).toBe('ERR_AMOUNT_INVALID');
  });

  it('refuses a value that is not a string', () => {
    const error = errorOf(() => canonicalAmount(1.5 as unknown as string));
    expect((error as CipherpadError).code).toBe('ERR_AMOUNT_INVALID');
  });
});
