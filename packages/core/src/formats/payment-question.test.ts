import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/cipherpad-v1.json' with { type: 'json' };
import { CipherpadError } from '../errors.js';
import { bytesToHex } from '../util/hex.js';
import { paymentQuestion } from './payment-question.js';
import { AUTHORIZATION_SUITE, PAYMENT_SUITE } from './suites.js';

interface PaymentQuestionVector {
  type: 'payment-question';
  source: string;
  challenge: string;
  amount: string;
  purse: string;
  message?: string;
  question?: string;
  error?: string;
}

const cases = (vectors as unknown as { type: string }[]).filter(
  (vector): vector is PaymentQuestionVector => vector.type === 'payment-question',
);

const base = { challenge: '12345678', amount: '1.5', purse: 'Z123456789012' };

describe('payment question', () => {
  it('loads the Cipherpad v1 payment question vectors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
    for (const vector of cases) expect(vector.source).toBe('Cipherpad protocol v1');
  });

  for (const vector of cases.filter((entry) => entry.question !== undefined)) {
    it(`binds ${vector.challenge} / ${vector.amount} / ${vector.purse}`, async () => {
      const { challenge, amount, purse } = vector;
      expect(await paymentQuestion({ challenge, amount, purse })).toBe(vector.question);
      // The vector's message is the hashed input, byte for byte.
      const digest = await crypto.subtle.digest(
        'SHA-256',
        new TextEncoder().encode(vector.message),
      );
      expect(bytesToHex(new Uint8Array(digest))).toBe(vector.question);
    });
  }

  for (const vector of cases.filter((entry) => entry.error !== undefined)) {
    it(`refuses ${vector.challenge} / ${vector.amount} / ${vector.purse} with ${vector.error}`, async () => {
      const { challenge, amount, purse } = vector;
      const outcome = paymentQuestion({ challenge, amount, purse });
      await expect(outcome).rejects.toBeInstanceOf(CipherpadError);
      await expect(outcome).rejects.toHaveProperty('code', vector.error);
    });
  }

  it('is the same with a synchronous SHA-256 as with Web Crypto', async () => {
    const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
    const answered = cases.filter((entry) => entry.question !== undefined);
    expect(answered.length).toBeGreaterThan(0);
    for (const vector of answered) {
      const { challenge, amount, purse } = vector;
      expect(await paymentQuestion({ challenge, amount, purse }, sha256)).toBe(vector.question);
    }
  });

  it('is 64 lowercase hex characters, the length QH64 takes', async () => {
    expect(await paymentQuestion(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when the amount changes', async () => {
    const question = await paymentQuestion(base);
    expect(await paymentQuestion({ ...base, amount: '1.51' })).not.toBe(question);
    expect(await paymentQuestion({ ...base, amount: '15' })).not.toBe(question);
  });

  it('changes when the purse changes', async () => {
    const question = await paymentQuestion(base);
    expect(await paymentQuestion({ ...base, purse: 'Z123456789013' })).not.toBe(question);
  });

  it('changes when the challenge changes', async () => {
    const question = await paymentQuestion(base);
    expect(await paymentQuestion({ ...base, challenge: '12345679' })).not.toBe(question);
  });

  it('is the same for 1,50 and 1.5 and 001.500', async () => {
    const question = await paymentQuestion(base);
    expect(await paymentQuestion({ ...base, amount: '1,50' })).toBe(question);
    expect(await paymentQuestion({ ...base, amount: '001.500' })).toBe(question);
  });

  it('is the same with or without the purse letter, and with spaces in the purse', async () => {
    const question = await paymentQuestion(base);
    expect(await paymentQuestion({ ...base, purse: '123456789012' })).toBe(question);
    expect(await paymentQuestion({ ...base, purse: 'z 1234 5678 9012' })).toBe(question);
  });
});

describe('Cipherpad suites', () => {
  it('answers logins with QN08 and payments with QH64, 8 digits, HMAC-SHA-256', () => {
    expect(AUTHORIZATION_SUITE).toBe('OCRA-1:HOTP-SHA256-8:QN08');
    expect(PAYMENT_SUITE).toBe('OCRA-1:HOTP-SHA256-8:QH64');
  });
});
