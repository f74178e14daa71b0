import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Services } from '../services.js';

/** Rows deleted per statement: each DELETE is short, and requests run between them. */
const BATCH = 500;
const SWEEP_EVERY_MS = 60_000;

/** What one call of {@link pruneExpired} deleted. */
export interface Pruned {
  readonly sessions: number;
  readonly loginChallenges: number;
}

/**
 * Deletes sessions and login challenges that expired more than
 * `policy.retainExpiredMs` ago, which nothing reads any more: without this
 * both tables grow with every login, for ever. Challenges of other purposes
 * stay (a confirmation and a confirmation change are read through theirs).
 * Works in batches, yielding to other requests between them; safe with
 * several instances (a row is deleted once, whoever deletes it).
 */
export async function pruneExpired(services: Services): Promise<Pruned> {
  const { db, clock, policy } = services;
  const before = clock.now() - policy.retainExpiredMs;
  let sessions = 0;
  let loginChallenges = 0;
  for (;;) {
    const { numDeletedRows } = await db
      .deleteFrom('sessions')
      .where(
        'id',
        'in',
        db.selectFrom('sessions').select('id').where('expires_at', '<', before).limit(BATCH),
      )
      .executeTakeFirst();
    sessions += Number(numDeletedRows);
    if (numDeletedRows < BigInt(BATCH)) break;
    await nextTurn();
  }
  for (;;) {
    const { numDeletedRows } = await db
      .deleteFrom('challenges')
      .where(
        'id',
        'in',
        db
          .selectFrom('challenges')
          .select('id')
          .where('expires_at', '<', before)
          .where('purpose', '=', 'login')
          .limit(BATCH),
      )
      .executeTakeFirst();
    loginChallenges += Number(numDeletedRows);
    if (numDeletedRows < BigInt(BATCH)) break;
    await nextTurn();
  }
  return { sessions, loginChallenges };
}

/** Runs {@link pruneExpired} every minute; clear the timer to stop. */
export function startRetentionSweeper(services: Services): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pruneExpired(services)
      .then((pruned) => {
        if (pruned.sessions + pruned.loginChallenges > 0) {
          services.log.info(pruned, 'expired sessions and login challenges deleted');
        }
      })
      .catch((error: unknown) => services.log.warn({ err: error }, 'retention sweep failed'))
      .finally(() => {
        running = false;
      });
  }, SWEEP_EVERY_MS);
  timer.unref();
  return timer;
}
