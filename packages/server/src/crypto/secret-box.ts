import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts secrets at rest (device keys, later stored key files) with
 * AES-256-GCM under a key derived from the master key. Each sealed value is
 * bound to its owner through the associated data (for a device key: the
 * device id), so a ciphertext copied to another row does not open.
 *
 * Format: `v1.` + base64url(12-byte nonce ‖ ciphertext ‖ 16-byte tag).
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(masterKey: Uint8Array) {
    this.#key = Buffer.from(
      hkdfSync('sha256', masterKey, new Uint8Array(0), 'cipherpad secret-box v1', 32),
    );
  }

  seal(plaintext: Uint8Array, associatedData: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return `${VERSION}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** @throws Error when the value was not sealed by this key for this associated data. */
  open(sealed: string, associatedData: string): Uint8Array {
    const [version, data] = sealed.split('.');
    if (version !== VERSION || !data) throw new Error('unknown sealed secret format');
    const raw = Buffer.from(data, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return new Uint8Array(
      Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]),
    );
  }
}
