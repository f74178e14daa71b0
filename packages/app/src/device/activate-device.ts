import {
  createDeviceKeyPair,
  createSigningKeyPair,
  deriveOcraKey,
  exportPublicKey,
  exportSigningPublicKey,
} from '@cipherpad/core';
import type { ApiClient } from '../api/api-client.js';
import type { DeviceVault } from '../vault/device-vault.js';
import {
  checkPin,
  derivePinKey,
  newSalt,
  openWith,
  PIN_ITERATIONS,
  sealWith,
} from '../vault/pin-seal.js';
import type { DeviceKeys, StoredDevice, WipeAfter } from '../vault/stored-device.js';

/** What the person gives to activate the app. */
export interface ActivationInput {
  readonly email: string;
  /** The activation code sent by SMS (or read from the activation QR). */
  readonly code: string;
  /** The device's name in the account's device list. */
  readonly name: string;
  /** A PIN protecting the keys, with the number of wrong PINs that wipes the app. */
  readonly pin?: { readonly pin: string; readonly wipeAfter: WipeAfter };
}

/** `POST /v1/devices/activate` answers this. */
interface Activated {
  readonly deviceId: string;
  readonly serverKey: string;
  readonly accountId: string;
  readonly email: string;
}

/**
 * Activates the app (PRODUCT.md flow 4): makes an ECDH P-256 pair for the key agreement and an
 * ECDSA P-256 pair for signing, sends the public keys with the email and the activation code,
 * derives the OCRA key from the service's answer (docs/protocol.md, "Device key agreement")
 * and stores the device in one write. The agreement's private key is never stored.
 *
 * Without a PIN every private key is made non-extractable. With a PIN the signing key and the
 * OCRA key are made extractable only to be wrapped at once under the PIN (AES-GCM, PBKDF2); the
 * keys kept for use are non-extractable copies. Nothing is stored unless everything succeeded.
 *
 * @throws {AppError} the service's refusal (`ERR_ACTIVATION_FAILED`, …), `ERR_NETWORK`,
 *   `ERR_PIN_FORMAT` or `ERR_STORAGE`.
 */
export async function activateDevice(
  api: Pick<ApiClient, 'post'>,
  vault: Pick<DeviceVault, 'save'>,
  input: ActivationInput,
  options: { iterations?: number; now?: () => number } = {},
): Promise<{ device: StoredDevice; keys: DeviceKeys }> {
  if (input.pin !== undefined) checkPin(input.pin.pin);
  const sealing = input.pin !== undefined;
  const agreement = await createDeviceKeyPair(false);
  const signing = await createSigningKeyPair(sealing);

  const activated = await api.post<Activated>('/v1/devices/activate', {
    email: input.email.trim(),
    code: input.code.replace(/[\s-]/g, ''),
    name: input.name.trim() || 'Phone',
    kind: 'app',
    agreementKey: await exportPublicKey(agreement.publicKey),
    signingKey: await exportSigningPublicKey(signing.publicKey),
  });
  const { deviceId } = activated;
  const ocraKey = await deriveOcraKey({
    privateKey: agreement.privateKey,
    peerPublicKey: activated.serverKey,
    deviceId,
    extractable: sealing,
  });
  const info = {
    deviceId,
    accountId: activated.accountId,
    email: activated.email,
    name: input.name.trim() || 'Phone',
    activatedAt: (options.now ?? Date.now)(),
  };

  let device: StoredDevice;
  let keys: DeviceKeys;
  if (input.pin === undefined) {
    keys = { ocraKey, signingKey: signing.privateKey };
    device = { ...info, protection: 'none', keys };
  } else {
    const iterations = options.iterations ?? PIN_ITERATIONS;
    const salt = newSalt();
    const pinKey = await derivePinKey(input.pin.pin, salt, iterations);
    const sealed = await sealWith(
      pinKey,
      { ocraKey, signingKey: signing.privateKey },
      deviceId,
      salt,
      iterations,
    );
    keys = await openWith(pinKey, sealed, deviceId);
    device = { ...info, protection: 'pin', wipeAfter: input.pin.wipeAfter, sealed };
  }
  await vault.save(device);
  return { device, keys };
}
