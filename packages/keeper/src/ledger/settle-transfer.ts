import { runTransaction } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { prepareQuery } from '../db/database.js';
import type { KeeperDatabase } from '../db/schema.js';
import { KeeperError } from '../errors.js';
import type { Transfer } from './create-transfer.js';
import { moveMoney } from './move-money.js';

/** Why a held transfer was cancelled. */
export type CancelReason =
  | 'denied'
  | 'expired'
  | 'failed'
  | 'insufficient_funds'
  | 'confirmation_unavailable'
  | 'cancelled';

/**
 * `held` → `completed`, only if still held: the claim that makes a commit
 * happen once. Answers the claimed transfer as it now stands (no row when
 * it was not held).
 */
const claimHeld = prepareQuery((db, p: { id: string; now: number }) =>
  db
    .updateTable('transfers')
    .set({ status: 'completed', completed_at: p.now })
    .where('id', '=', p.id)
    .where('status', '=', 'held')
    .returningAll(),
);

/** `held` → `cancelled`, only if still held. */
const cancelHeld = prepareQuery((db, p: { id: string; reason: CancelReason }) =>
  db
    .updateTable('transfers')
    .set({ status: 'cancelled', cancel_reason: p.reason })
    .where('id', '=', p.id)
    .where('status', '=', 'held'),
);

const transferById = prepareQuery((db, p: { id: string }) =>
  db.selectFrom('transfers').selectAll().where('id', '=', p.id),
);

/**
 * Completes a held transfer after its confirmation: the status change, both
 * balances and both entries in one transaction. Exactly once: the status
 * moves from `held` to `completed` by a conditional `UPDATE`, so when the
 * browser's poll, a typed response and a webhook all report the same
 * confirmation, only the first moves money and the others find it done.
 * When the payer's purse no longer holds the amount, the transfer is
 * cancelled (`insufficient_funds`) and nothing moves.
 *
 * @returns the transfer as it now stands.
 */
export async function commitTransfer(
  db: Kysely<KeeperDatabase>,
  transferId: string,
  now: number,
): Promise<Transfer> {
  try {
    const committed = await runTransaction(db, async (trx) => {
      const [claimed] = (await claimHeld(trx, { id: transferId, now })).rows;
      if (!claimed) return null;
      await moveMoney(trx, {
        transferId,
        from: claimed.from_account,
        to: claimed.to_account,
        amount: claimed.amount,
        now,
      });
      return claimed;
    });
    // Committed by this call: the claimed row is the transfer as stored (the move changes only
    // balances and entries). Otherwise someone else settled it first: read how.
    return committed ?? (await getTransfer(db, transferId));
  } catch (error) {
    if (!(error instanceof KeeperError && error.code === 'ERR_INSUFFICIENT_FUNDS')) throw error;
    return cancelTransfer(db, transferId, 'insufficient_funds');
  }
}

/**
 * Cancels a held transfer (its confirmation was denied, expired or failed):
 * no money has moved and none will. A transfer already completed or
 * cancelled stays as it is.
 *
 * @returns the transfer as it now stands.
 */
export async function cancelTransfer(
  db: Kysely<KeeperDatabase>,
  transferId: string,
  reason: CancelReason,
): Promise<Transfer> {
  await cancelHeld(db, { id: transferId, reason });
  return getTransfer(db, transferId);
}

/** A transfer by id. @throws {KeeperError} `ERR_TRANSFER_NOT_FOUND`. */
export async function getTransfer(
  db: Kysely<KeeperDatabase>,
  transferId: string,
): Promise<Transfer> {
  const [transfer] = (await transferById(db, { id: transferId })).rows;
  if (!transfer) throw new KeeperError('ERR_TRANSFER_NOT_FOUND');
  return transfer;
}
