import { CipherpadError } from '../errors.js';
import { importPublicKey } from './device-keys.js';
import { isP256Key } from './p256-public-key.js';

/** The inputs of the activation key agreement. */
export interface DeriveOcraKeyParams {
  /** This side's ECDH P-256 private key (from `createDeviceKeyPair`), with usage `deriveBits`. */
  privateKey: CryptoKey;
  /** The other side's ECDH P-256 public key, as a key or as exported by `exportPublicKey`. */
  peerPublicKey: CryptoKey | string;
  /** The device id the server assigned: 1..128 characters A-Z, a-z, 0-9, `-`, `_`. */
  deviceId: string;
}

/** The length of the OCRA key in bytes: HMAC-SHA-256 takes a 32-byte key. */
export const OCRA_KEY_LENGTH = 32;

const DEVICE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const INFO = new TextEncoder().encode('ocra-key');

/**
 * Derives the 32 bytes of a device's OCRA key from the activation key agreement:
 * HKDF-SHA-256 (RFC 5869) over the 32-byte ECDH P-256 shared secret (the X coordinate), with
 * salt = UTF-8 of `cipherpad-device-v1:<deviceId>` and info = UTF-8 of `ocra-key`.
 * The device (its private key, the server's public key) and the server (its private key, the
 * device's public key) get the same bytes. The server uses this to store the key, encrypted;
 * the device uses {@link deriveOcraKey}.
 *
 * @throws {CipherpadError} `ERR_PRIVATE_KEY_INVALID`, `ERR_PUBLIC_KEY_INVALID` or
 * `ERR_DEVICE_ID_INVALID` when an input is malformed.
 * @example
 * ```ts
 * const secret = await deriveOcraKeyBytes({ privateKey, peerPublicKey: devicePublicKey, deviceId });
 * ```
 */
export async function deriveOcraKeyBytes(
  params: DeriveOcraKeyParams,
): Promise<Uint8Array<ArrayBuffer>> {
  const { privateKey, peerPublicKey, deviceId } = params;
  if (typeof deviceId !== 'string' || !DEVICE_ID.test(deviceId)) {
    throw new CipherpadError(
      'ERR_DEVICE_ID_INVALID',
      'A device id is 1 to 128 characters A-Z, a-z, 0-9, "-" or "_"',
    );
  }
  if (!isP256Key(privateKey, 'ECDH', 'private') || !privateKey.usages.includes('deriveBits')) {
    throw new CipherpadError(
      'ERR_PRIVATE_KEY_INVALID',
      'Expected an ECDH P-256 private key with usage deriveBits',
    );
  }
  const publicKey =
    typeof peerPublicKey === 'string' ? await importPublicKey(peerPublicKey) : peerPublicKey;
  if (!isP256Key(publicKey, 'ECDH', 'public')) {
    throw new CipherpadError('ERR_PUBLIC_KEY_INVALID', 'Expected an ECDH P-256 public key');
  }

  const { subtle } = globalThis.crypto;
  const shared = new Uint8Array(
    await subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256),
  );
  try {
    const ikm = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveBits']);
    const salt = new TextEncoder().encode(`cipherpad-device-v1:${deviceId}`);
    const okm = await subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt, info: INFO },
      ikm,
      OCRA_KEY_LENGTH * 8,
    );
    return new Uint8Array(okm);
  } finally {
    shared.fill(0);
  }
}

/**
 * Derives a device's OCRA key as an HMAC SHA-256 `CryptoKey` with usage `sign`, from the same
 * bytes as {@link deriveOcraKeyBytes}. Non-extractable unless asked.
 *
 * @throws {CipherpadError} `ERR_PRIVATE_KEY_INVALID`, `ERR_PUBLIC_KEY_INVALID` or
 * `ERR_DEVICE_ID_INVALID` when an input is malformed.
 * @example
 * ```ts
 * const device = await createDeviceKeyPair();
 * // … activation: send exportPublicKey(device.publicKey), receive serverPublicKey and deviceId …
 * const ocraKey = await deriveOcraKey({
 *   privateKey: device.privateKey,
 *   peerPublicKey: serverPublicKey,
 *   deviceId,
 * });
 * ```
 */
export async function deriveOcraKey(
  params: DeriveOcraKeyParams & { extractable?: boolean },
): Promise<CryptoKey> {
  const bytes = await deriveOcraKeyBytes(params);
  try {
    return await globalThis.crypto.subtle.importKey(
      'raw',
      bytes,
      { name: 'HMAC', hash: 'SHA-256', length: OCRA_KEY_LENGTH * 8 },
      params.extractable === true,
      ['sign'],
    );
  } finally {
    bytes.fill(0);
  }
}
