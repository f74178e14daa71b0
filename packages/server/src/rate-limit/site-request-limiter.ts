import type { Clock } from '../clock.js';

/** What {@link SiteRequestLimiter.take} decided. */
export type SiteRequestDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false /** Whole seconds until the next request is allowed. */;
      readonly retryAfterSeconds: number;
    };

/**
 * The per-site limit of the confirmation API (`SITE_REQUESTS_PER_MINUTE`),
 * counted in this process's memory: a token bucket per site id that holds
 * at most a minute's worth of requests and refills continuously at
 * `perMinute / 60` per second. A request costs a few arithmetic operations
 * and no database write. With several instances of the service, each
 * counts its own requests, so a site may make up to that many per minute to
 * each instance.
 */
export class SiteRequestLimiter {
  readonly #perMinute: number;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number, clock: Clock) {
    this.#perMinute = perMinute;
    this.#clock = clock;
  }

  /** Takes one request from the site's bucket, if there is one left. */
  take(siteId: string): SiteRequestDecision {
    const now = this.#clock.now();
    const perMs = this.#perMinute / 60_000;
    let bucket = this.#buckets.get(siteId);
    if (!bucket) {
      bucket = { tokens: this.#perMinute, at: now };
      this.#buckets.set(siteId, bucket);
    } else if (now > bucket.at) {
      bucket.tokens = Math.min(this.#perMinute, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const waitMs = (1 - bucket.tokens) / perMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
