import { exportP256PublicKey, importP256PublicKey } from './p256-public-key.js';

/**
 * Makes an ECDH P-256 key pair, as the device does at activation (and the server for its side of
 * the key agreement). The private key is non-extractable unless asked, and serves only to derive
 * the OCRA key with `deriveOcraKey`; the OCRA key itself never crosses the wire.
 *
 * @param extractable Whether the private key may be exported (the public key always can be).
 * @example
 * ```ts
 * const device = await createDeviceKeyPair();
 * const publicKey = await exportPublicKey(device.publicKey); // sent at activation
 * ```
 */
export async function createDeviceKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, extractable, [
    'deriveBits',
  ]);
}

/**
 * Exports an ECDH P-256 public key as base64url (unpadded) of its raw uncompressed point,
 * 65 bytes (`0x04 ‖ X ‖ Y`), 87 characters.
 *
 * @throws {CipherpadError} `ERR_PUBLIC_KEY_INVALID` when `key` is not an ECDH P-256 public key.
 */
export async function exportPublicKey(key: CryptoKey): Promise<string> {
  return exportP256PublicKey(key, 'ECDH');
}

/**
 * Imports an ECDH P-256 public key from base64url of its raw uncompressed point, as exported by
 * {@link exportPublicKey}. Compressed points, other lengths and points not on the curve are
 * refused.
 *
 * @throws {CipherpadError} `ERR_PUBLIC_KEY_INVALID` when the input is not such a key.
 * @example
 * ```ts
 * const devicePublicKey = await importPublicKey(activation.devicePublicKey);
 * ```
 */
export async function importPublicKey(encoded: string): Promise<CryptoKey> {
  return importP256PublicKey(encoded, 'ECDH', []);
}
