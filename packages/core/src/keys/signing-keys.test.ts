import { describe, expect, it } from 'vitest';
import { CipherpadError } from '../errors.js';
import { base64UrlDecode, base64UrlEncode } from '../formats/base64url.js';
import { createDeviceKeyPair } from './device-keys.js';
import {
  createSigningKeyPair,
  exportSigningPublicKey,
  importSigningPublicKey,
} from './signing-keys.js';

const ECDSA_P256_SHA256 = { name: 'ECDSA', hash: 'SHA-256' };

describe('signing keys', () => {
  it('makes an ECDSA P-256 pair whose private key cannot be exported', async () => {
    const pair = await createSigningKeyPair();
    expect(pair.privateKey.algorithm).toStrictEqual({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(pair.privateKey.extractable).toBe(false);
    expect(pair.privateKey.usages).toStrictEqual(['sign']);
    expect(pair.publicKey.usages).toStrictEqual(['verify']);
  });

  it('makes an exportable private key only when asked', async () => {
    const pair = await createSigningKeyPair(true);
    expect(pair.privateKey.extractable).toBe(true);
  });

  it('exports the public key as base64url of a 65-byte uncompressed point', async () => {
    const pair = await createSigningKeyPair();
    const encoded = await exportSigningPublicKey(pair.publicKey);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const raw = base64UrlDecode(encoded);
    expect(raw.length).toBe(65);
    expect(raw[0]).toBe(0x04);
  });

  it('imports a public key that verifies what the private key signed', async () => {
    const pair = await createSigningKeyPair();
    const imported = await importSigningPublicKey(await exportSigningPublicKey(pair.publicKey));
    expect(imported.algorithm).toStrictEqual({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(imported.usages).toStrictEqual(['verify']);
    const data = new TextEncoder().encode('approve 12345678');
    const signature = await crypto.subtle.sign(ECDSA_P256_SHA256, pair.privateKey, data);
    expect(await crypto.subtle.verify(ECDSA_P256_SHA256, imported, signature, data)).toBe(true);
    const other = new TextEncoder().encode('approve 12345679');
    expect(await crypto.subtle.verify(ECDSA_P256_SHA256, imported, signature, other)).toBe(false);
  });

  it('refuses a malformed point', async () => {
    const pair = await createSigningKeyPair();
    const raw = base64UrlDecode(await exportSigningPublicKey(pair.publicKey));
    const offCurve = raw.slice();
    offCurve[1]! ^= 1;
    for (const encoded of [base64UrlEncode(raw.slice(0, 33)), base64UrlEncode(offCurve), 'AA']) {
      const outcome = importSigningPublicKey(encoded);
      await expect(outcome).rejects.toBeInstanceOf(CipherpadError);
      await expect(outcome).rejects.toHaveProperty('code', 'ERR_PUBLIC_KEY_INVALID');
    }
  });

  it('refuses to export a device (ECDH) key as a signing key', async () => {
    const device = await createDeviceKeyPair();
    await expect(exportSigningPublicKey(device.publicKey)).rejects.toHaveProperty(
      'code',
      'ERR_PUBLIC_KEY_INVALID',
    );
  });
});
