import type { KvStore } from './kv-store.js';

/** A {@link KvStore} in memory, for tests and for browsers without IndexedDB. */
export class MemoryStore implements KvStore {
  readonly #values = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    return this.#values.get(key) as T | undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    this.#values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
  }

  async clear(): Promise<void> {
    this.#values.clear();
  }

  /** How many keys are stored (for tests). */
  get size(): number {
    return this.#values.size;
  }
}
