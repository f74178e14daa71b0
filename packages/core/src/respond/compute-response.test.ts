import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/cipherpad-v1.json' with { type: 'json' };
import { hexToBytes } from '../util/hex.js';
import { computeResponse, type ResponseRequest } from './compute-response.js';

interface ResponseVector {
  type: 'response';
  source: string;
  mode: 'authorization' | 'payment';
  key: string;
  challenge: string;
  amount?: string;
  purse?: string;
  response: string;
}

const responses = (vectors as { type: string }[]).filter(
  (entry): entry is ResponseVector => entry.type === 'response',
);

function requestOf(vector: ResponseVector): ResponseRequest {
  return vector.mode === 'payment'
    ? {
        mode: 'payment',
        challenge: vector.challenge,
        amount: vector.amount ?? '',
        purse: vector.purse ?? '',
      }
    : { mode: 'authorization', challenge: vector.challenge };
}

describe('Cipherpad responses (protocol v1 vectors)', () => {
  it('has authorization and payment vectors', () => {
    expect(responses.filter((v) => v.mode === 'authorization').length).toBeGreaterThanOrEqual(5);
    expect(responses.filter((v) => v.mode === 'payment').length).toBeGreaterThanOrEqual(5);
  });

  it.each(responses.map((v) => [`${v.mode} ${v.challenge} ${v.amount ?? ''} ${v.purse ?? ''}`, v]))(
    'computes %s from raw key bytes and from a non-extractable CryptoKey',
    async (_name, vector) => {
      const raw = hexToBytes(vector.key);
      expect(await computeResponse(raw, requestOf(vector))).toBe(vector.response);
      const key = await crypto.subtle.importKey(
        'raw',
        raw,
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      expect(await computeResponse(key, requestOf(vector))).toBe(vector.response);
      const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
      expect(await computeResponse(raw, requestOf(vector), { sha256 })).toBe(vector.response);
    },
  );

  it('gives a different response when the amount or the purse changes, the same for another spelling', async () => {
    const base = responses.find((v) => v.mode === 'payment' && v.amount === '10,50');
    if (!base?.purse) throw new Error('no payment vector for 10,50 with a purse');
    const key = hexToBytes(base.key);
    const respond = (amount: string, purse: string) =>
      computeResponse(key, { mode: 'payment', challenge: base.challenge, amount, purse });
    expect(await respond('10,50', base.purse)).toBe(base.response);
    for (const [amount, purse] of [
      ['10.51', base.purse],
      ['105', base.purse],
      ['1.05', base.purse],
      ['10,50', 'Z123456789013'],
      ['10,50', 'Z213456789012'],
    ] as const) {
      expect(await respond(amount, purse), `${amount} ${purse}`).not.toBe(base.response);
    }
    for (const [amount, purse] of [
      ['10.5', '123456789012'],
      ['010.500', 'z123456789012'],
      ['10,5', 'Z 1234 5678 9012'],
    ] as const) {
      expect(await respond(amount, purse), `${amount} ${purse}`).toBe(base.response);
    }
    // The vectors that spell these cases agree with what was computed.
    const listed = (amount: string, purse: string) =>
      responses.filter(
        (v) =>
          v.mode === 'payment' &&
          v.key === base.key &&
          v.challenge === base.challenge &&
          v.amount === amount &&
          v.purse === purse,
      );
    const otherAmount = listed('10.51', base.purse);
    const sameSpelledOtherwise = listed('10.5', '123456789012');
    expect(otherAmount).toHaveLength(1);
    expect(sameSpelledOtherwise).toHaveLength(1);
    expect(otherAmount[0]?.response).toBe(await respond('10.51', base.purse));
    expect(sameSpelledOtherwise[0]?.response).toBe(base.response);
  });
});
