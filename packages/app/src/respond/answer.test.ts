import {
  canonicalAmount,
  computeResponse,
  deriveOcraKey,
  formatPurse,
  hexToBytes,
  normalizeChallenge,
  parsePurse,
} from '@cipherpad/core';
import { describe, expect, it } from 'vitest';
import vectors from '../../../core/test/vectors/cipherpad-v1.json' with { type: 'json' };
import { answer, groupDigits } from './answer.js';
import { readRequest, type TypedRequest } from './read-request.js';

interface ResponseVector {
  type: 'response';
  mode: 'authorization' | 'payment';
  key: string;
  challenge: string;
  amount?: string;
  purse?: string;
  response: string;
}

interface KeyDerivationVector {
  type: 'key-derivation';
  devicePrivateKey: JsonWebKey;
  serverPublicKey: string;
  deviceId: string;
  ocraKey: string;
}

const all = vectors as { type: string }[];
const responses = all.filter((v): v is ResponseVector => v.type === 'response');
const derivations = all.filter((v): v is KeyDerivationVector => v.type === 'key-derivation');

/** The OCRA key as the app holds it: a non-extractable HMAC SHA-256 CryptoKey. */
function appKey(hex: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', hexToBytes(hex), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}

function typed(vector: ResponseVector): TypedRequest {
  return vector.mode === 'payment'
    ? {
        mode: 'payment',
        challenge: vector.challenge,
        amount: vector.amount ?? '',
        purse: vector.purse ?? '',
      }
    : { mode: 'authorization', challenge: vector.challenge };
}

/** What `cipherpad respond` computes: its own normalization, then the raw key bytes. */
function cliResponse(vector: ResponseVector): Promise<string> {
  const challenge = normalizeChallenge(vector.challenge.trim());
  const key = hexToBytes(vector.key);
  if (vector.mode === 'authorization') {
    return computeResponse(key, { mode: 'authorization', challenge });
  }
  return computeResponse(key, {
    mode: 'payment',
    challenge,
    amount: canonicalAmount((vector.amount ?? '').trim()),
    purse: formatPurse(parsePurse((vector.purse ?? '').trim())),
  });
}

describe('App responses (protocol v1 response vectors)', () => {
  it('has authorization and payment vectors', () => {
    expect(responses.some((v) => v.mode === 'authorization')).toBe(true);
    expect(responses.some((v) => v.mode === 'payment')).toBe(true);
  });

  it.each(responses.map((v, i) => [i, v] as const))(
    'vector %i: the typed request gives the expected response with a non-extractable key',
    async (_, vector) => {
      const key = await appKey(vector.key);
      expect(key.extractable).toBe(false);
      const read = readRequest(typed(vector));
      if (!read.ok) throw new Error(`vector not readable: ${JSON.stringify(read.errors)}`);
      const response = await answer(key, read.request);
      expect(response).toBe(vector.response);
      expect(response).toBe(await cliResponse(vector));
    },
  );

  it('gives the same response for a challenge typed with spaces or dashes', async () => {
    const vector = responses.find((v) => v.mode === 'authorization')!;
    const key = await appKey(vector.key);
    const c = vector.challenge;
    for (const form of [
      `${c.slice(0, 4)} ${c.slice(4)}`,
      `${c.slice(0, 4)}-${c.slice(4)}`,
      ` ${c} `,
    ]) {
      const read = readRequest({ mode: 'authorization', challenge: form });
      if (!read.ok) throw new Error(form);
      expect(await answer(key, read.request)).toBe(vector.response);
    }
  });

  it('answers with the OCRA key derived at activation as a non-extractable key', async () => {
    const vector = derivations[0]!;
    const privateKey = await crypto.subtle.importKey(
      'jwk',
      vector.devicePrivateKey,
      { name: 'ECDH', namedCurve: 'P-256' },
      false,
      ['deriveBits'],
    );
    const derived = await deriveOcraKey({
      privateKey,
      peerPublicKey: vector.serverPublicKey,
      deviceId: vector.deviceId,
    });
    expect(derived.extractable).toBe(false);
    const request = { mode: 'authorization', challenge: '12345678' } as const;
    expect(await answer(derived, request)).toBe(
      await computeResponse(hexToBytes(vector.ocraKey), request),
    );
  });

  it('computes a typed response in well under 50 ms', async () => {
    const key = await appKey(responses[0]!.key);
    await answer(key, { mode: 'authorization', challenge: '00000000' });
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const read = readRequest({
        mode: 'payment',
        challenge: '1234 5678',
        amount: '10,50',
        purse: 'Z123456789012',
      });
      if (!read.ok) throw new Error('unreadable');
      await answer(key, read.request);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    expect(times[10]!).toBeLessThan(50);
  });

  it('shows a response in two groups of four digits', () => {
    expect(groupDigits('76831813')).toBe('7683 1813');
  });
});
