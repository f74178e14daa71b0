import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { CliError } from './cli-error.js';
import type { ClearKeys, SealedKeys } from './state-file.js';

/** scrypt cost for new key files: 2^15 × 8 × 128 bytes = 32 MiB and about 0.1 s per try. */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * Encrypts a device's keys under a PIN: AES-256-GCM with a key from scrypt(PIN, random salt),
 * and the device id as additional data, so a sealed blob cannot be moved to another device's
 * state file unnoticed.
 *
 * @example
 * ```ts
 * const keys = await sealKeys({ ocraKey, signingKey }, '2468', deviceId);
 * ```
 */
export async function sealKeys(
  keys: ClearKeys,
  pin: string,
  deviceId: string,
): Promise<SealedKeys> {
  const salt = randomBytes(16);
  const nonce = randomBytes(NONCE_LENGTH);
  const key = await derive(pin, salt, COST);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(Buffer.from(deviceId, 'utf8'));
    const ciphertext = Buffer.concat([
      cipher.update(JSON.stringify(keys), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      encrypted: {
        kdf: 'scrypt',
        ...COST,
        salt: salt.toString('base64url'),
        nonce: nonce.toString('base64url'),
        ciphertext: ciphertext.toString('base64url'),
      },
    };
  } finally {
    key.fill(0);
  }
}

/**
 * Decrypts keys sealed by {@link sealKeys}.
 *
 * @throws {@link CliError} `ERR_PIN_WRONG` when the PIN (or the device id) does not open them;
 * `ERR_STATE_INVALID` when the sealed blob is malformed.
 */
export async function unsealKeys(
  sealed: SealedKeys,
  pin: string,
  deviceId: string,
): Promise<ClearKeys> {
  const { N, r, p } = sealed.encrypted;
  // A state file is data: refuse costs that would take minutes or gigabytes.
  if (
    !(N >= 2 ** 10 && N <= 2 ** 20 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)
  ) {
    throw malformed('unsupported scrypt parameters');
  }
  const salt = Buffer.from(sealed.encrypted.salt, 'base64url');
  const nonce = Buffer.from(sealed.encrypted.nonce, 'base64url');
  const data = Buffer.from(sealed.encrypted.ciphertext, 'base64url');
  if (salt.length < 16 || nonce.length !== NONCE_LENGTH || data.length <= TAG_LENGTH) {
    throw malformed('salt, nonce or ciphertext has the wrong length');
  }
  const key = await derive(pin, salt, { N, r, p });
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(Buffer.from(deviceId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
    plaintext = Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_LENGTH)),
      decipher.final(),
    ]).toString('utf8');
  } catch (error) {
    // GCM cannot tell a wrong PIN from a changed file; a wrong PIN is by far the likelier.
    throw new CliError('ERR_PIN_WRONG', 'wrong PIN', { cause: error });
  } finally {
    key.fill(0);
  }
  let keys: unknown;
  try {
    keys = JSON.parse(plaintext);
  } catch (error) {
    throw malformed('the decrypted keys are not JSON', error);
  }
  if (
    typeof keys !== 'object' ||
    keys === null ||
    typeof (keys as ClearKeys).ocraKey !== 'string' ||
    typeof (keys as ClearKeys).signingKey !== 'object'
  ) {
    throw malformed('the decrypted keys are incomplete');
  }
  return keys as ClearKeys;
}

function derive(
  pin: string,
  salt: Buffer,
  cost: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node refuses scrypt above `maxmem` (32 MiB by default), which 2^15 × 8 × 128 just reaches.
    const maxmem = 128 * cost.N * cost.r + 16 * 1024 * 1024;
    scrypt(pin.normalize('NFC'), salt, KEY_LENGTH, { ...cost, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function malformed(why: string, cause?: unknown): CliError {
  return new CliError('ERR_STATE_INVALID', `the encrypted keys are not valid: ${why}`, { cause });
}
