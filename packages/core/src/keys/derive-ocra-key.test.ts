import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/cipherpad-v1.json' with { type: 'json' };
import { CipherpadError } from '../errors.js';
import { bytesToHex, hexToBytes } from '../util/hex.js';
import { deriveOcraKey, deriveOcraKeyBytes, OCRA_KEY_LENGTH } from './derive-ocra-key.js';
import { createDeviceKeyPair, exportPublicKey, importPublicKey } from './device-keys.js';
import { createSigningKeyPair } from './signing-keys.js';

interface KeyDerivationVector {
  type: 'key-derivation';
  source: string;
  devicePrivateKey: JsonWebKey;
  devicePublicKey: string;
  serverPrivateKey: JsonWebKey;
  serverPublicKey: string;
  deviceId: string;
  sharedSecret: string;
  ocraKey: string;
}

const cases = (vectors as unknown as { type: string }[]).filter(
  (vector): vector is KeyDerivationVector => vector.type === 'key-derivation',
);

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' };
const HMAC_SHA256 = { name: 'HMAC', hash: 'SHA-256' };

function importPrivateKey(jwk: JsonWebKey): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', jwk, ECDH_P256, false, ['deriveBits']);
}

async function publicKeyOf(jwk: JsonWebKey): Promise<string> {
  const { d: _private, ...publicJwk } = jwk;
  return exportPublicKey(await crypto.subtle.importKey('jwk', publicJwk, ECDH_P256, true, []));
}

describe('device key agreement', () => {
  it('loads the Cipherpad v1 key derivation vectors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const vector of cases) expect(vector.source).toBe('Cipherpad protocol v1');
  });

  for (const vector of cases) {
    it(`derives the same OCRA key on both sides for device ${vector.deviceId}`, async () => {
      const devicePrivateKey = await importPrivateKey(vector.devicePrivateKey);
      const serverPrivateKey = await importPrivateKey(vector.serverPrivateKey);
      expect(await publicKeyOf(vector.devicePrivateKey)).toBe(vector.devicePublicKey);
      expect(await publicKeyOf(vector.serverPrivateKey)).toBe(vector.serverPublicKey);

      const onDevice = await deriveOcraKeyBytes({
        privateKey: devicePrivateKey,
        peerPublicKey: vector.serverPublicKey,
        deviceId: vector.deviceId,
      });
      const onServer = await deriveOcraKeyBytes({
        privateKey: serverPrivateKey,
        peerPublicKey: await importPublicKey(vector.devicePublicKey),
        deviceId: vector.deviceId,
      });
      expect(bytesToHex(onDevice)).toBe(vector.ocraKey);
      expect(bytesToHex(onServer)).toBe(vector.ocraKey);
    });

    it(`agrees with the vector's ECDH shared secret and HKDF for device ${vector.deviceId}`, async () => {
      const privateKey = await importPrivateKey(vector.devicePrivateKey);
      const shared = await crypto.subtle.deriveBits(
        { name: 'ECDH', public: await importPublicKey(vector.serverPublicKey) },
        privateKey,
        256,
      );
      expect(bytesToHex(new Uint8Array(shared))).toBe(vector.sharedSecret);
      const ikm = await crypto.subtle.importKey(
        'raw',
        hexToBytes(vector.sharedSecret),
        'HKDF',
        false,
        ['deriveBits'],
      );
      const okm = await crypto.subtle.deriveBits(
        {
          name: 'HKDF',
          hash: 'SHA-256',
          salt: new TextEncoder().encode(`cipherpad-device-v1:${vector.deviceId}`),
          info: new TextEncoder().encode('ocra-key'),
        },
        ikm,
        256,
      );
      expect(bytesToHex(new Uint8Array(okm))).toBe(vector.ocraKey);
    });
  }

  it('gives the device an HMAC-SHA-256 key with the derived bytes, not exportable', async () => {
    const vector = cases[0]!;
    const key = await deriveOcraKey({
      privateKey: await importPrivateKey(vector.devicePrivateKey),
      peerPublicKey: vector.serverPublicKey,
      deviceId: vector.deviceId,
    });
    expect(key.algorithm).toStrictEqual({ name: 'HMAC', hash: { name: 'SHA-256' }, length: 256 });
    expect(key.usages).toStrictEqual(['sign']);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow(/not extractable/);

    const data = new TextEncoder().encode('question');
    const reference = await crypto.subtle.importKey(
      'raw',
      hexToBytes(vector.ocraKey),
      HMAC_SHA256,
      false,
      ['sign'],
    );
    expect(new Uint8Array(await crypto.subtle.sign('HMAC', key, data))).toStrictEqual(
      new Uint8Array(await crypto.subtle.sign('HMAC', reference, data)),
    );
  });

  it('exports the key bytes when asked for an extractable key', async () => {
    const vector = cases[0]!;
    const key = await deriveOcraKey({
      privateKey: await importPrivateKey(vector.devicePrivateKey),
      peerPublicKey: vector.serverPublicKey,
      deviceId: vector.deviceId,
      extractable: true,
    });
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', key));
    expect(raw.length).toBe(OCRA_KEY_LENGTH);
    expect(bytesToHex(raw)).toBe(vector.ocraKey);
  });

  it('agrees on fresh key pairs, and only for the same device id', async () => {
    const device = await createDeviceKeyPair();
    const server = await createDeviceKeyPair();
    const devicePublicKey = await exportPublicKey(device.publicKey);
    const serverPublicKey = await exportPublicKey(server.publicKey);
    const onDevice = await deriveOcraKeyBytes({
      privateKey: device.privateKey,
      peerPublicKey: serverPublicKey,
      deviceId: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
    const onServer = await deriveOcraKeyBytes({
      privateKey: server.privateKey,
      peerPublicKey: devicePublicKey,
      deviceId: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
    const otherDevice = await deriveOcraKeyBytes({
      privateKey: server.privateKey,
      peerPublicKey: devicePublicKey,
      deviceId: 'AAAAAAAAAAAAAAAAAAAAAB',
    });
    expect(onDevice.length).toBe(32);
    expect(bytesToHex(onServer)).toBe(bytesToHex(onDevice));
    expect(bytesToHex(otherDevice)).not.toBe(bytesToHex(onDevice));
  });

  it('refuses a malformed device id', async () => {
    const vector = cases[0]!;
    const privateKey = await importPrivateKey(vector.devicePrivateKey);
    for (const deviceId of ['', 'a b', 'dev:1', 'x'.repeat(129), 'é', 42 as unknown as string]) {
      const outcome = deriveOcraKeyBytes({
        privateKey,
        peerPublicKey: vector.serverPublicKey,
        deviceId,
      });
      await expect(outcome).rejects.toBeInstanceOf(CipherpadError);
      await expect(outcome).rejects.toHaveProperty('code', 'ERR_DEVICE_ID_INVALID');
    }
  });

  it('refuses a private key that is not an ECDH P-256 private key', async () => {
    const vector = cases[0]!;
    const device = await createDeviceKeyPair();
    const signing = await createSigningKeyPair();
    for (const privateKey of [device.publicKey, signing.privateKey]) {
      const outcome = deriveOcraKey({
        privateKey,
        peerPublicKey: vector.serverPublicKey,
        deviceId: vector.deviceId,
      });
      await expect(outcome).rejects.toHaveProperty('code', 'ERR_PRIVATE_KEY_INVALID');
    }
  });

  it('refuses a peer public key that is not an ECDH P-256 public key', async () => {
    const vector = cases[0]!;
    const privateKey = await importPrivateKey(vector.devicePrivateKey);
    const signing = await createSigningKeyPair();
    for (const peerPublicKey of [signing.publicKey, 'not a key', vector.serverPublicKey.slice(1)]) {
      const outcome = deriveOcraKeyBytes({ privateKey, peerPublicKey, deviceId: vector.deviceId });
      await expect(outcome).rejects.toHaveProperty('code', 'ERR_PUBLIC_KEY_INVALID');
    }
  });
});
