import type { Clock } from '../clock.js';

/** What {@link FailureThrottle.check} or {@link FailureThrottle.take} decided. */
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
 * the per-challenge and per-account limits. Checking and taking cost a few
 * arithmetic operations; with several instances each counts its own.
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
   * Whether `key` has an attempt left now, taking nothing: a request from an
   * address with none is refused before any work is spent on its answer.
   */
  check(key: string): FailureDecision {
    const bucket = this.#refilled(key);
    return !bucket || bucket.tokens >= 1 ? { allowed: true } : this.#refusal(bucket);
  }

  /**
   * Takes one attempt from `key`'s bucket at the moment a wrong answer is
   * about to be counted, or refuses when none is left. Synchronous, so of
   * concurrent wrong answers from one address in this process no more are
   * counted than the bucket holds, however many were checked at once; right
   * answers take nothing, so many people behind one address are not
   * stopped by each other's successful sign-ins.
   */
  take(key: string): FailureDecision {
    let bucket = this.#refilled(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_KEYS) this.#forgetFull();
      bucket = { tokens: this.#capacity, at: this.#clock.now() };
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens < 1) return this.#refusal(bucket);
    bucket.tokens -= 1;
    return { allowed: true };
  }

  /** Returns an attempt taken for an answer that then was not counted (its challenge had closed). */
  giveBack(key: string): void {
    const bucket = this.#refilled(key);
    if (bucket) bucket.tokens = Math.min(this.#capacity, bucket.tokens + 1);
  }

  #refusal(bucket: { tokens: number }): FailureDecision {
    const perMs = this.#capacity / this.#windowMs;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
    };
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
