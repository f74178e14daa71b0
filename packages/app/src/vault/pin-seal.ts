import { AppError } from '../app-error.js';
import type { DeviceKeys, SealedKeys } from './stored-device.js';

/**
 * PBKDF2-SHA-256 iterations for a PIN: OWASP's 2023 figure for PBKDF2-HMAC-SHA256. A PIN has
 * few possible values, so the cost per guess is what slows an attacker who copied the storage;
 * the wipe counter stops one who has only the app.
 */
export const PIN_ITERATIONS = 600_000;

const PIN = /^[0-9]{4,12}$/;
const SALT_BYTES = 16;
const IV_BYTES = 12;

/**
 * Checks a PIN as chosen or typed: 4 to 12 digits.
 *
 * @throws {AppError} `ERR_PIN_FORMAT` otherwise.
 */
export function checkPin(pin: string): string {
  if (!PIN.test(pin)) throw new AppError('ERR_PIN_FORMAT', 'A PIN is 4 to 12 digits');
  return pin;
}

/** The AES-256-GCM key that wraps the device keys, derived from the PIN with PBKDF2. */
export async function derivePinKey(
  pin: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const { subtle } = globalThis.crypto;
  const material = await subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/** A fresh random salt for {@link derivePinKey}. */
export function newSalt(): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
}

/**
 * Wraps extractable device keys under a PIN key. The additional data binds each wrapped key to
 * the device and to its role, so the two cannot be swapped or moved to another device record.
 */
export async function sealWith(
  pinKey: CryptoKey,
  keys: DeviceKeys,
  deviceId: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<SealedKeys> {
  const { subtle } = globalThis.crypto;
  const ocraIv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const signingIv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ocraKey = await subtle.wrapKey('raw', keys.ocraKey, pinKey, {
    name: 'AES-GCM',
    iv: ocraIv,
    additionalData: aad(deviceId, 'ocra'),
  });
  const signingKey = await subtle.wrapKey('pkcs8', keys.signingKey, pinKey, {
    name: 'AES-GCM',
    iv: signingIv,
    additionalData: aad(deviceId, 'signing'),
  });
  return { version: 1, iterations, salt, ocraIv, ocraKey, signingIv, signingKey };
}

/**
 * Unwraps sealed device keys with a PIN key: non-extractable unless `extractable` (only to seal
 * them again under a new PIN).
 *
 * @throws {AppError} `ERR_PIN_WRONG` when the PIN key does not open them.
 */
export async function openWith(
  pinKey: CryptoKey,
  sealed: SealedKeys,
  deviceId: string,
  extractable = false,
): Promise<DeviceKeys> {
  const { subtle } = globalThis.crypto;
  try {
    const ocraKey = await subtle.unwrapKey(
      'raw',
      sealed.ocraKey,
      pinKey,
      { name: 'AES-GCM', iv: sealed.ocraIv, additionalData: aad(deviceId, 'ocra') },
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      extractable,
      ['sign'],
    );
    const signingKey = await subtle.unwrapKey(
      'pkcs8',
      sealed.signingKey,
      pinKey,
      { name: 'AES-GCM', iv: sealed.signingIv, additionalData: aad(deviceId, 'signing') },
      { name: 'ECDSA', namedCurve: 'P-256' },
      extractable,
      ['sign'],
    );
    return { ocraKey, signingKey };
  } catch (error) {
    // AES-GCM authentication failed: the PIN (hence the key) is not the one that sealed them.
    throw new AppError('ERR_PIN_WRONG', 'The PIN is not correct', { cause: error });
  }
}

/** Derives the PIN key and opens the sealed keys with it. */
export async function openSealedKeys(
  sealed: SealedKeys,
  pin: string,
  deviceId: string,
  extractable = false,
): Promise<DeviceKeys> {
  const pinKey = await derivePinKey(pin, sealed.salt, sealed.iterations);
  return openWith(pinKey, sealed, deviceId, extractable);
}

function aad(deviceId: string, role: 'ocra' | 'signing'): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`cipherpad-app-keys-v1:${deviceId}:${role}`);
}
