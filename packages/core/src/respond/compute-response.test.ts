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

  it('gives a different response when the amount or the purse changes', () => {
    const base = responses.find((v) => v.mode === 'payment' && v.amount === '10,50');
    const otherAmount = responses.find(
      (v) => v.mode === 'payment' && v.amount === '10.51' && v.key === base?.key,
    );
    const otherPurse = responses.find((v) => v.purse === 'Z123456789013' && v.key === base?.key);
    const sameSpelledOtherwise = responses.find(
      (v) =>
        v.mode === 'payment' &&
        v.amount === '10.5' &&
        v.purse === '123456789012' &&
        v.key === base?.key,
    );
    expect(base).toBeDefined();
    expect(otherAmount?.response).not.toBe(base?.response);
    expect(otherPurse?.response).not.toBe(base?.response);
    expect(sameSpelledOtherwise?.response).toBe(base?.response);
  });
});
