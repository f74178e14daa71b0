import { describe, expect, it } from 'vitest';
import { isCompleteChallenge, readRequest } from './read-request.js';

describe('Typed input of the answer screens', () => {
  it('removes spaces and dashes from a challenge', () => {
    for (const input of ['1234 5678', '1234-5678', '12\u00a034\u201356 78', ' 12345678 ']) {
      expect(readRequest({ mode: 'authorization', challenge: input })).toEqual({
        ok: true,
        request: { mode: 'authorization', challenge: '12345678' },
      });
    }
  });

  it('keeps the leading zeros of a challenge', () => {
    expect(readRequest({ mode: 'authorization', challenge: '0001 2345' })).toEqual({
      ok: true,
      request: { mode: 'authorization', challenge: '00012345' },
    });
  });

  it('refuses a challenge of 7 or 9 digits or with letters', () => {
    for (const input of ['1234567', '123456789', '1234567a', '', '١٢٣٤٥٦٧٨']) {
      expect(readRequest({ mode: 'authorization', challenge: input })).toEqual({
        ok: false,
        errors: { challenge: 'ERR_CHALLENGE_FORMAT' },
      });
    }
  });

  it('normalizes a payment: canonical amount, purse upper case without spaces', () => {
    expect(
      readRequest({
        mode: 'payment',
        challenge: '1234-5678',
        amount: ' 001,500 ',
        purse: 'z 1234 5678 9012',
      }),
    ).toEqual({
      ok: true,
      request: { mode: 'payment', challenge: '12345678', amount: '1.5', purse: 'Z123456789012' },
    });
  });

  it('names every wrong field of a payment', () => {
    expect(
      readRequest({ mode: 'payment', challenge: '123', amount: '0,00', purse: 'Z12' }),
    ).toEqual({
      ok: false,
      errors: {
        challenge: 'ERR_CHALLENGE_FORMAT',
        amount: 'ERR_AMOUNT_INVALID',
        purse: 'ERR_PURSE_INVALID',
      },
    });
    expect(
      readRequest({
        mode: 'payment',
        challenge: '12345678',
        amount: '1 000',
        purse: '123456789012',
      }),
    ).toEqual({
      ok: false,
      errors: { amount: 'ERR_AMOUNT_INVALID' },
    });
  });

  it('tells when a challenge field is complete', () => {
    expect(isCompleteChallenge('1234 567')).toBe(false);
    expect(isCompleteChallenge('1234 5678')).toBe(true);
  });
});
