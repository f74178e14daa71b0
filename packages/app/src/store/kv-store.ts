/**
 * Where the app keeps its state: a small key-value store whose values are structured-cloneable
 * (so `CryptoKey` objects stay non-extractable keys). IndexedDB in the browser
 * (`openIdbStore`), a `Map` in tests (`MemoryStore`).
 */
export interface KvStore {
  /** The value under `key`, or undefined. */
  get<T>(key: string): Promise<T | undefined>;
  /** Sets `key` to `value`, in one write (all or nothing). */
  put(key: string, value: unknown): Promise<void>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /** Removes everything: used by "wipe". */
  clear(): Promise<void>;
}

/** The keys the app uses in its store. */
export const STORE_KEYS = {
  /** The activated device: its ids and keys (`StoredDevice`). */
  device: 'device',
  /** Consecutive wrong PINs, kept apart so counting never rewrites the keys. */
  pinFailures: 'pin-failures',
  /** A registration waiting for its codes (`PendingRegistration`). */
  registration: 'registration',
} as const;
