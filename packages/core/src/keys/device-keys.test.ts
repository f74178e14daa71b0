import { describe, expect, it } from 'vitest';
import { CipherpadError } from '../errors.js';
import { base64UrlDecode, base64UrlEncode } from '../formats/base64url.js';
import { createDeviceKeyPair, exportPublicKey, importPublicKey } from './device-keys.js';
import { createSigningKeyPair } from './signing-keys.js';

describe('device keys', () => {
  it('makes an ECDH P-256 pair whose private key cannot be exported', async () => {
    const pair = await createDeviceKeyPair();
    expect(pair.privateKey.algorithm).toStrictEqual({ name: 'ECDH', namedCurve: 'P-256' });
    expect(pair.privateKey.extractable).toBe(false);
    expect(pair.privateKey.usages).toStrictEqual(['deriveBits']);
    expect(pair.publicKey.type).toBe('public');
    await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow(
      /not extractable/,
    );
  });

  it('makes an exportable private key only when asked', async () => {
    const pair = await createDeviceKeyPair(true);
    expect(pair.privateKey.extractable).toBe(true);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
    expect(pkcs8.length).toBeGreaterThan(32);
  });

  it('exports the public key as 87 base64url characters of a 65-byte uncompressed point', async () => {
    const pair = await createDeviceKeyPair();
    const encoded = await exportPublicKey(pair.publicKey);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const raw = base64UrlDecode(encoded);
    expect(raw.length).toBe(65);
    expect(raw[0]).toBe(0x04);
    expect(raw).toStrictEqual(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  });

  it('imports what it exports', async () => {
    const pair = await createDeviceKeyPair();
    const encoded = await exportPublicKey(pair.publicKey);
    const imported = await importPublicKey(encoded);
    expect(imported.type).toBe('public');
    expect(imported.algorithm).toStrictEqual({ name: 'ECDH', namedCurve: 'P-256' });
    expect(await exportPublicKey(imported)).toBe(encoded);
  });

  it('refuses a compressed point, a wrong length, a point off the curve and bad base64url', async () => {
    const pair = await createDeviceKeyPair();
    const raw = base64UrlDecode(await exportPublicKey(pair.publicKey));
    const compressed = raw.slice(0, 33);
    compressed[0] = 0x02 + (raw[64]! & 1);
    const offCurve = raw.slice();
    offCurve[64]! ^= 1;
    const infinity = new Uint8Array(65);
    infinity[0] = 0x04;
    const wrongPrefix = raw.slice();
    wrongPrefix[0] = 0x06;
    for (const encoded of [
      base64UrlEncode(compressed),
      base64UrlEncode(raw.slice(0, 64)),
      base64UrlEncode(new Uint8Array([...raw, 0])),
      base64UrlEncode(offCurve),
      base64UrlEncode(infinity),
      base64UrlEncode(wrongPrefix),
      '',
      `${base64UrlEncode(raw)}=`,
      `+${base64UrlEncode(raw).slice(1)}`,
    ]) {
      const outcome = importPublicKey(encoded);
      await expect(outcome).rejects.toBeInstanceOf(CipherpadError);
      await expect(outcome).rejects.toHaveProperty('code', 'ERR_PUBLIC_KEY_INVALID');
    }
  });

  it('refuses to export a private key or a signing key as a device public key', async () => {
    const pair = await createDeviceKeyPair(true);
    const signing = await createSigningKeyPair();
    for (const key of [pair.privateKey, signing.publicKey]) {
      await expect(exportPublicKey(key)).rejects.toHaveProperty('code', 'ERR_PUBLIC_KEY_INVALID');
    }
  });
});
