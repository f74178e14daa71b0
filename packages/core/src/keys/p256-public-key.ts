import { CipherpadError } from '../errors.js';
import { base64UrlDecode, base64UrlEncode } from '../formats/base64url.js';

// Shared by the ECDH (device) and ECDSA (signing) key helpers; not part of the public API.

/** The length of an uncompressed P-256 point: 0x04, then X and Y of 32 bytes each (SEC 1 §2.3.3). */
export const P256_POINT_LENGTH = 65;

/** Whether `key` is a P-256 key of the given algorithm and type. */
export function isP256Key(key: unknown, name: 'ECDH' | 'ECDSA', type: KeyType): key is CryptoKey {
  if (typeof key !== 'object' || key === null) {
    return false;
  }
  if (typeof CryptoKey !== 'undefined' && !(key instanceof CryptoKey)) {
    return false;
  }
  const candidate = key as CryptoKey;
  const algorithm = candidate.algorithm as Partial<EcKeyAlgorithm> | undefined;
  return candidate.type === type && algorithm?.name === name && algorithm.namedCurve === 'P-256';
}

/** Exports a P-256 public key as base64url of its raw uncompressed point. */
export async function exportP256PublicKey(key: CryptoKey, name: 'ECDH' | 'ECDSA'): Promise<string> {
  if (!isP256Key(key, name, 'public')) {
    throw invalid(`Expected a P-256 ${name} public key`);
  }
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(await globalThis.crypto.subtle.exportKey('raw', key));
  } catch (error) {
    throw invalid('The public key cannot be exported', error);
  }
  return base64UrlEncode(raw);
}

/**
 * Imports base64url of a raw uncompressed P-256 point. Web Crypto checks that the point is on
 * the curve; the length and prefix are checked here so compressed points are refused everywhere.
 */
export async function importP256PublicKey(
  encoded: string,
  name: 'ECDH' | 'ECDSA',
  usages: KeyUsage[],
): Promise<CryptoKey> {
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = base64UrlDecode(encoded);
  } catch (error) {
    throw invalid('A public key is base64url of a raw P-256 point', error);
  }
  if (raw.length !== P256_POINT_LENGTH || raw[0] !== 0x04) {
    throw invalid('A public key is an uncompressed P-256 point of 65 bytes');
  }
  try {
    return await globalThis.crypto.subtle.importKey(
      'raw',
      raw,
      { name, namedCurve: 'P-256' },
      true,
      usages,
    );
  } catch (error) {
    throw invalid('The public key is not a point on P-256', error);
  }
}

function invalid(message: string, cause?: unknown): CipherpadError {
  return new CipherpadError('ERR_PUBLIC_KEY_INVALID', message, { cause });
}
