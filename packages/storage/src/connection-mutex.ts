/**
 * A first-come, first-served lock for SQLite's single connection. Unlike
 * Kysely's own mutex, which wakes every waiter on each unlock to race for the
 * lock, this one hands it straight to the oldest waiter: with a hundred
 * queued requests each unlock costs one wake-up, and the group commit queued
 * behind them runs after exactly those that were there before it.
 */
export class ConnectionMutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  /** Whether someone holds the lock (or is being handed it). */
  get locked(): boolean {
    return this.#locked;
  }

  /** Resolves once the caller holds the lock. */
  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Passes the lock to the oldest waiter, or frees it. */
  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}
