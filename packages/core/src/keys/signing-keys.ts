import { exportP256PublicKey, importP256PublicKey } from './p256-public-key.js';

/**
 * Makes the device's ECDSA P-256 key pair, for signing online approvals. The device keeps the
 * private key (non-extractable unless asked) and sends the public key at activation.
 *
 * @param extractable Whether the private key may be exported (the public key always can be).
 * @example
 * ```ts
 * const signing = await createSigningKeyPair();
 * const signingPublicKey = await exportSigningPublicKey(signing.publicKey);
 * ```
 */
export async function createSigningKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, extractable, [
    'sign',
    'verify',
  ]);
}

/**
 * Exports an ECDSA P-256 public key as base64url (unpadded) of its raw uncompressed point,
 * 65 bytes (`0x04 ‖ X ‖ Y`), 87 characters.
 *
 * @throws {CipherpadError} `ERR_PUBLIC_KEY_INVALID` when `key` is not an ECDSA P-256 public key.
 */
export async function exportSigningPublicKey(key: CryptoKey): Promise<string> {
  return exportP256PublicKey(key, 'ECDSA');
}

/**
 * Imports an ECDSA P-256 public key, usable to verify, from base64url of its raw uncompressed
 * point, as exported by {@link exportSigningPublicKey}.
 *
 * @throws {CipherpadError} `ERR_PUBLIC_KEY_INVALID` when the input is not such a key.
 */
export async function importSigningPublicKey(encoded: string): Promise<CryptoKey> {
  return importP256PublicKey(encoded, 'ECDSA', ['verify']);
}
