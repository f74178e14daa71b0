import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';

/**
 * Counts requests per key in fixed one-minute windows, in the database, so
 * every instance of the service sees the same counts.
 */
export class RateLimiter {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;

  constructor(db: Kysely<Database>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /**
   * Records one request for `key` and tells whether it is within `limit`
   * requests in the current window.
   */
  async hit(key: string, limit: number, windowMs = 60_000): Promise<boolean> {
    const windowStart = Math.floor(this.#clock.now() / windowMs) * windowMs;
    const row = await this.#db
      .insertInto('rate_limits')
      .values({ key, window_start: windowStart, count: 1 })
      .onConflict((oc) =>
        oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_limits.count + 1` }),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return row.count <= limit;
  }

  /** Drops windows older than `olderThanMs`. */
  async purge(olderThanMs = 10 * 60_000): Promise<void> {
    await this.#db
      .deleteFrom('rate_limits')
      .where('window_start', '<', this.#clock.now() - olderThanMs)
      .execute();
  }
}
