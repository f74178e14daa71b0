import { AppError } from '../app-error.js';
import type { KvStore } from './kv-store.js';

const DATABASE = 'cipherpad-app';
const OBJECT_STORE = 'kv';

/**
 * Opens the app's IndexedDB store. Values are stored by structured clone, so non-extractable
 * `CryptoKey` objects are kept as they are, without ever exposing their bytes.
 *
 * @throws {AppError} `ERR_STORAGE` when IndexedDB is not available (some private modes).
 */
export async function openIdbStore(): Promise<KvStore> {
  if (typeof indexedDB === 'undefined') {
    throw new AppError('ERR_STORAGE', 'IndexedDB is not available');
  }
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(OBJECT_STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new AppError('ERR_STORAGE', 'Cannot open the app storage', { cause: request.error }));
  });
  return new IdbStore(db);
}

class IdbStore implements KvStore {
  readonly #db: IDBDatabase;

  constructor(db: IDBDatabase) {
    this.#db = db;
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.#run('readonly', (store) => store.get(key)) as Promise<T | undefined>;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.#run('readwrite', (store) => store.put(value, key));
  }

  async delete(key: string): Promise<void> {
    await this.#run('readwrite', (store) => store.delete(key));
  }

  async clear(): Promise<void> {
    await this.#run('readwrite', (store) => store.clear());
  }

  /** Runs one request in its own transaction and resolves when the transaction commits. */
  #run(mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let transaction: IDBTransaction;
      try {
        transaction = this.#db.transaction(OBJECT_STORE, mode);
      } catch (error) {
        reject(new AppError('ERR_STORAGE', 'The app storage is closed', { cause: error }));
        return;
      }
      const request = make(transaction.objectStore(OBJECT_STORE));
      transaction.oncomplete = () => resolve(request.result);
      const fail = () =>
        reject(
          new AppError('ERR_STORAGE', 'The app storage refused a write', {
            cause: transaction.error ?? request.error,
          }),
        );
      transaction.onerror = fail;
      transaction.onabort = fail;
    });
  }
}
