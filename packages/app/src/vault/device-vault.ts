import { AppError } from '../app-error.js';
import { type KvStore, STORE_KEYS } from '../store/kv-store.js';
import {
  checkPin,
  derivePinKey,
  newSalt,
  openSealedKeys,
  openWith,
  PIN_ITERATIONS,
  sealWith,
} from './pin-seal.js';
import type { DeviceKeys, StoredDevice, WipeAfter } from './stored-device.js';

/** The outcome of an unlock attempt. */
export type UnlockResult =
  | { readonly status: 'unlocked'; readonly device: StoredDevice; readonly keys: DeviceKeys }
  | { readonly status: 'wrong-pin'; readonly attemptsLeft: number }
  | { readonly status: 'wiped' }
  | { readonly status: 'not-activated' };

/**
 * The device's stored state and its keys: reading it, unlocking it with the PIN (counting wrong
 * PINs persistently and wiping everything after the chosen number), changing the PIN, wiping.
 */
export class DeviceVault {
  readonly #store: KvStore;

  constructor(store: KvStore) {
    this.#store = store;
  }

  /** The stored device, or undefined before activation (and after a wipe). */
  device(): Promise<StoredDevice | undefined> {
    return this.#store.get<StoredDevice>(STORE_KEYS.device);
  }

  /** Consecutive wrong PINs so far. */
  async failures(): Promise<number> {
    return (await this.#store.get<number>(STORE_KEYS.pinFailures)) ?? 0;
  }

  /** How many wrong PINs are left before the wipe, or undefined without a PIN. */
  async attemptsLeft(): Promise<number | undefined> {
    const device = await this.device();
    if (device?.protection !== 'pin') return undefined;
    return Math.max(0, device.wipeAfter - (await this.failures()));
  }

  /**
   * Stores a newly activated device in one write, replacing any earlier one, and clears the
   * wrong-PIN count.
   */
  async save(device: StoredDevice): Promise<void> {
    await this.#store.put(STORE_KEYS.pinFailures, 0);
    await this.#store.put(STORE_KEYS.device, device);
  }

  /**
   * Keeps the device's new name (renamed on the security site), if `deviceId` is still the
   * stored device: a wipe or a new activation meanwhile is not undone. The keys are untouched.
   *
   * @returns the stored device with its new name, or undefined when there is none to rename.
   */
  async rename(deviceId: string, name: string): Promise<StoredDevice | undefined> {
    const device = await this.device();
    if (device === undefined || device.deviceId !== deviceId) return undefined;
    if (device.name === name) return device;
    const renamed: StoredDevice = { ...device, name };
    await this.#store.put(STORE_KEYS.device, renamed);
    return renamed;
  }

  /**
   * Opens the device's keys. Without a PIN they are open already (`pin` is ignored). With one,
   * the attempt is counted before the PIN is tried, so closing the app in the middle does not
   * give a free guess; a right PIN resets the count, and the `wipeAfter`-th wrong one in a row
   * wipes the app.
   */
  async unlock(pin: string | undefined): Promise<UnlockResult> {
    const device = await this.device();
    if (device === undefined) return { status: 'not-activated' };
    if (device.protection === 'none') return { status: 'unlocked', device, keys: device.keys };

    const failures = (await this.failures()) + 1;
    if (failures > device.wipeAfter) {
      // Left over from a wipe that did not finish.
      await this.wipe();
      return { status: 'wiped' };
    }
    await this.#store.put(STORE_KEYS.pinFailures, failures);
    let keys: DeviceKeys;
    try {
      keys = await openSealedKeys(device.sealed, checkPin(pin ?? ''), device.deviceId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (failures >= device.wipeAfter) {
        await this.wipe();
        return { status: 'wiped' };
      }
      return { status: 'wrong-pin', attemptsLeft: device.wipeAfter - failures };
    }
    await this.#store.put(STORE_KEYS.pinFailures, 0);
    return { status: 'unlocked', device, keys };
  }

  /**
   * Seals the keys under a new PIN and wipe limit, after the current PIN opens them (a wrong
   * current PIN counts like any other). Returns the unlock result of the current PIN.
   */
  async changePin(
    currentPin: string,
    newPin: string,
    wipeAfter: WipeAfter,
    iterations = PIN_ITERATIONS,
  ): Promise<UnlockResult> {
    checkPin(newPin);
    const opened = await this.unlock(currentPin);
    if (opened.status !== 'unlocked' || opened.device.protection !== 'pin') return opened;
    const { device } = opened;
    // Extractable only here, in memory, to wrap them again under the new PIN.
    const extractable = await openSealedKeys(device.sealed, currentPin, device.deviceId, true);
    const salt = newSalt();
    const pinKey = await derivePinKey(newPin, salt, iterations);
    const sealed = await sealWith(pinKey, extractable, device.deviceId, salt, iterations);
    const next: StoredDevice = { ...device, wipeAfter, sealed };
    await this.save(next);
    return {
      status: 'unlocked',
      device: next,
      keys: await openWith(pinKey, sealed, device.deviceId),
    };
  }

  /** Deletes everything the app stored: the keys, the counters, a pending registration. */
  async wipe(): Promise<void> {
    await this.#store.clear();
  }
}
