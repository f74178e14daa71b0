import { webcrypto } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';

type CryptoKey = webcrypto.CryptoKey;

const MAX_ENTRIES = 10_000;

/**
 * Opens device OCRA keys for verification and keeps them, as non-extractable
 * Web Crypto keys, keyed by device and ciphertext: a verify then costs one
 * HMAC instead of a decryption, an import and an HMAC. A changed ciphertext
 * (a new key) misses the cache; the raw bytes are zeroed once imported.
 */
export class DeviceKeys {
  readonly #secrets: SecretBox;
  readonly #keys = new Map<string, { sealed: string; key: CryptoKey }>();

  constructor(secrets: SecretBox) {
    this.#secrets = secrets;
  }

  async open(deviceId: string, sealed: string): Promise<CryptoKey> {
    const cached = this.#keys.get(deviceId);
    if (cached && cached.sealed === sealed) return cached.key;
    const raw = this.#secrets.open(sealed, `device:${deviceId}`);
    try {
      const key = await webcrypto.subtle.importKey(
        'raw',
        raw,
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      if (this.#keys.size >= MAX_ENTRIES) this.#keys.clear();
      this.#keys.set(deviceId, { sealed, key });
      return key;
    } finally {
      raw.fill(0);
    }
  }

  /** Forgets a device's key (on deactivation). */
  forget(deviceId: string): void {
    this.#keys.delete(deviceId);
  }
}
