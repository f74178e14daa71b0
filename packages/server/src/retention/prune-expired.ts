import { deleteInBatches } from '@cipherpad/storage';
import { pruneChallenges } from '../challenges/prune-challenges.js';
import type { Services } from '../services.js';
import { pruneIdempotencyKeys } from '../sites/idempotency.js';
import { startSweeper } from '../sweeper.js';

/** Rows deleted per statement: each DELETE is short, and requests run between them. */
const BATCH = 500;
const SWEEP_EVERY_MS = 60_000;

/** What one call of {@link pruneExpired} deleted. */
export interface Pruned {
  readonly sessions: number;
  readonly loginChallenges: number;
  readonly idempotencyKeys: number;
}

/**
 * Deletes sessions and login challenges that expired more than
 * `policy.retainExpiredMs` ago, which nothing reads any more, and the
 * idempotency keys whose window has passed: without this the tables grow
 * with every login and every confirmation, for ever. Challenges of other purposes
 * stay (a confirmation and a confirmation change are read through theirs).
 * Works in batches, yielding to other requests between them; safe with
 * several instances (a row is deleted once, whoever deletes it).
 */
export async function pruneExpired(services: Services): Promise<Pruned> {
  const { db, clock, policy } = services;
  const before = clock.now() - policy.retainExpiredMs;
  const sessions = await deleteInBatches(BATCH, (limit) =>
    db
      .deleteFrom('sessions')
      .where(
        'id',
        'in',
        db.selectFrom('sessions').select('id').where('expires_at', '<', before).limit(limit),
      )
      .executeTakeFirst(),
  );
  const loginChallenges = await pruneChallenges(db, 'login', before, BATCH);
  const idempotencyKeys = await pruneIdempotencyKeys(db, clock.now(), BATCH);
  return { sessions, loginChallenges, idempotencyKeys };
}

/** Runs {@link pruneExpired} every minute; clear the timer to stop. */
export function startRetentionSweeper(services: Services): NodeJS.Timeout {
  return startSweeper(services.log, SWEEP_EVERY_MS, 'retention sweep failed', async () => {
    const pruned = await pruneExpired(services);
    if (pruned.sessions + pruned.loginChallenges + pruned.idempotencyKeys > 0) {
      services.log.info(pruned, 'expired sessions, login challenges and idempotency keys deleted');
    }
  });
}
