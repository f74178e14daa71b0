import type { Clock } from '../clock.js';

/** What {@link FailureThrottle.take} decided. */
export type FailureDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false /** Whole seconds until one more attempt is allowed. */;
      readonly retryAfterSeconds: number;
    };

const MAX_KEYS = 100_000;

/**
 * Wrong answers allowed per key (a client address) over a window, counted
 * in this process's memory: a token bucket per key holding `capacity`
 * attempts and refilling continuously over `windowMs`. It stops one address
 * from running many accounts into their blocks (lockout abuse), on top of
 * the per-challenge and per-account limits. Taking and giving back cost a
 * few arithmetic operations; with several instances each counts its own.
 */
export class FailureThrottle {
  readonly #capacity: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(capacity: number, windowMs: number, clock: Clock) {
    this.#capacity = capacity;
    this.#windowMs = windowMs;
    this.#clock = clock;
  }

  /**
   * Takes one attempt from `key`'s bucket before its answer is checked, or
   * refuses when none is left. Synchronous, so of concurrent requests in this
   * process no more get through than the bucket holds: a burst cannot pass
   * while the first answers are still being checked. Give the attempt back
   * with {@link giveBack} when the answer was right.
   */
  take(key: string): FailureDecision {
    let bucket = this.#refilled(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_KEYS) this.#forgetFull();
      bucket = { tokens: this.#capacity, at: this.#clock.now() };
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const perMs = this.#capacity / this.#windowMs;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
    };
  }

  /** Returns an attempt taken for an answer that was right, or never checked. */
  giveBack(key: string): void {
    const bucket = this.#refilled(key);
    if (bucket) bucket.tokens = Math.min(this.#capacity, bucket.tokens + 1);
  }

  #refilled(key: string): { tokens: number; at: number } | undefined {
    const bucket = this.#buckets.get(key);
    if (!bucket) return undefined;
    const now = this.#clock.now();
    if (now > bucket.at) {
      bucket.tokens = Math.min(
        this.#capacity,
        bucket.tokens + ((now - bucket.at) * this.#capacity) / this.#windowMs,
      );
      bucket.at = now;
    }
    return bucket;
  }

  /** Drops the keys whose bucket has refilled: they are as good as new. */
  #forgetFull(): void {
    for (const key of [...this.#buckets.keys()]) {
      const bucket = this.#refilled(key);
      if (bucket && bucket.tokens >= this.#capacity) this.#buckets.delete(key);
    }
  }
}
