import { base64UrlDecode, createSigningKeyPair } from '@cipherpad/core';
import { describe, expect, it } from 'vitest';
import { deviceAuthorization, deviceAuthString } from './device-auth.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('Device authentication (docs/web-api.md)', () => {
  it('signs the method, the path with its query, ts and the hash of an empty body', async () => {
    expect(
      await deviceAuthString('get', '/v1/device/requests?x=1', 1700000000000, new Uint8Array()),
    ).toBe(
      `cipherpad-device-auth-v1\nGET\n/v1/device/requests?x=1\n1700000000000\n${EMPTY_SHA256}`,
    );
  });

  it('hashes the exact body bytes', async () => {
    const body = new TextEncoder().encode('{"number":"42"}');
    const text = await deviceAuthString('POST', '/v1/device/requests/l1/approve', 5, body);
    const digest = Buffer.from(await crypto.subtle.digest('SHA-256', body)).toString('hex');
    expect(text).toBe(
      `cipherpad-device-auth-v1\nPOST\n/v1/device/requests/l1/approve\n5\n${digest}`,
    );
  });

  it('makes a header whose signature is a P1363 ECDSA signature of the string', async () => {
    const pair = await createSigningKeyPair();
    const body = new TextEncoder().encode('{}');
    const header = await deviceAuthorization(
      { deviceId: 'dev_1', signingKey: pair.privateKey },
      'POST',
      '/v1/device/requests/l1/deny',
      1700000000123,
      body,
    );
    const match = /^Cipherpad-Device id=dev_1,ts=1700000000123,sig=([A-Za-z0-9_-]+)$/.exec(header);
    expect(match).not.toBeNull();
    const signature = base64UrlDecode(match![1]!);
    expect(signature).toHaveLength(64);
    const text = await deviceAuthString('POST', '/v1/device/requests/l1/deny', 1700000000123, body);
    const verify = (data: string) =>
      crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        pair.publicKey,
        signature,
        new TextEncoder().encode(data),
      );
    expect(await verify(text)).toBe(true);
    expect(await verify(text.replace('deny', 'approve'))).toBe(false);
  });
});
