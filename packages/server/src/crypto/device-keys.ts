import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { ComputeResponseOptions, HmacKey } from '@cipherpad/core';
import type { SecretBox } from './secret-box.js';

const MAX_ENTRIES = 10_000;

/**
 * What the service passes to `computeResponse` with a device key: Payment
 * mode's question hashed by `node:crypto`, synchronously, rather than by Web
 * Crypto's `digest` (a promise and a worker thread for some 60 bytes).
 */
export const RESPONSE_OPTIONS: ComputeResponseOptions = {
  sha256: (data) => createHash('sha256').update(data).digest(),
};

/**
 * Opens device OCRA keys for verification and keeps them, as Node key
 * objects, keyed by device and ciphertext: a verify then costs one HMAC
 * instead of a decryption and an HMAC. A changed ciphertext (a new key)
 * misses the cache; the raw bytes are zeroed once copied into the key object.
 *
 * The keys are given to the core as {@link HmacKey}s over `node:crypto`,
 * which answers synchronously; Web Crypto's `sign` would hop to a worker
 * thread and back for each of a few dozen bytes.
 */
export class DeviceKeys {
  readonly #secrets: SecretBox;
  readonly #keys = new Map<string, { sealed: string; key: HmacKey }>();

  constructor(secrets: SecretBox) {
    this.#secrets = secrets;
  }

  open(deviceId: string, sealed: string): HmacKey {
    const cached = this.#keys.get(deviceId);
    if (cached && cached.sealed === sealed) return cached.key;
    const raw = this.#secrets.open(sealed, `device:${deviceId}`);
    let secret: KeyObject;
    try {
      secret = createSecretKey(raw);
    } finally {
      raw.fill(0);
    }
    const key: HmacKey = {
      hash: 'SHA-256',
      sign: (data) => createHmac('sha256', secret).update(data).digest(),
    };
    if (this.#keys.size >= MAX_ENTRIES) this.#keys.clear();
    this.#keys.set(deviceId, { sealed, key });
    return key;
  }

  /** Forgets a device's key (on deactivation). */
  forget(deviceId: string): void {
    this.#keys.delete(deviceId);
  }
}
