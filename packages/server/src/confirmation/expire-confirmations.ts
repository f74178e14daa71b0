import { runTransaction } from '@cipherpad/storage';
import { challengeRows } from '../challenges/challenge-rows.js';
import type { Services } from '../services.js';
import { startSweeper } from '../sweeper.js';
import { settleConfirmation } from './settle-confirmation.js';

const BATCH = 100;
const SWEEP_EVERY_MS = 5000;

/**
 * Marks pending confirmations whose challenge expired as `expired` and
 * writes their webhook calls, decoys included (so a site cannot tell them
 * apart). Safe with several instances: each settlement is conditional.
 *
 * @returns how many this call expired.
 */
export async function expireConfirmations(services: Services): Promise<number> {
  const { db, clock } = services;
  let expired = 0;
  for (;;) {
    const now = clock.now();
    const due = await db
      .selectFrom('confirmations as f')
      .innerJoin(challengeRows(db), 'c.id', 'f.id')
      .select('f.id')
      .where('f.status', '=', 'pending')
      .where('c.expires_at', '<=', now)
      .orderBy('f.created_at')
      .limit(BATCH)
      .execute();
    for (const { id } of due) {
      const settled = await runTransaction(db, (trx) =>
        settleConfirmation(trx, id, { status: 'expired' }, now),
      );
      if (settled) expired += 1;
    }
    if (due.length < BATCH) break;
  }
  if (expired > 0) services.webhooks.kick();
  return expired;
}

/** Runs {@link expireConfirmations} every few seconds; clear the timer to stop. */
export function startConfirmationSweeper(services: Services): NodeJS.Timeout {
  return startSweeper(services.log, SWEEP_EVERY_MS, 'confirmation sweep failed', () =>
    expireConfirmations(services),
  );
}
