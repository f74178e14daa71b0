import type { Kysely, Transaction } from 'kysely';
import { newId } from '../db/new-id.js';
import type { KeeperDatabase } from '../db/schema.js';
import { KeeperError } from '../errors.js';

/**
 * Moves `amount` minor units from one account to another inside the caller's
 * transaction, as two entries that sum to zero.
 *
 * The debit is one conditional `UPDATE … WHERE balance >= amount` (an issuer
 * may go below zero, a purse never): on PostgreSQL the row lock it takes
 * makes a concurrent debit of the same purse wait and then re-check the
 * condition on the committed balance (READ COMMITTED re-evaluates the WHERE
 * clause of an UPDATE on the newest row version), so two transfers can never
 * both spend the same money. On SQLite writers are serialized anyway. The two
 * accounts are updated in the order of their ids, so two transfers between
 * the same purses in opposite directions lock them in the same order and
 * cannot deadlock.
 *
 * @throws {KeeperError} `ERR_INSUFFICIENT_FUNDS` when the payer's purse holds too little;
 *   the caller's transaction must then roll back (nothing was half-written by this call
 *   that the rollback does not undo).
 */
export async function moveMoney(
  trx: Transaction<KeeperDatabase> | Kysely<KeeperDatabase>,
  move: { transferId: string; from: string; to: string; amount: number; now: number },
): Promise<void> {
  const { from, to, amount } = move;
  for (const account of [from, to].sort()) {
    if (account === from) {
      const debited = await trx
        .updateTable('accounts')
        .set((eb) => ({ balance: eb('balance', '-', amount) }))
        .where('id', '=', from)
        .where((eb) => eb.or([eb('kind', '=', 'issuer'), eb('balance', '>=', amount)]))
        .executeTakeFirst();
      if (debited.numUpdatedRows !== 1n) throw new KeeperError('ERR_INSUFFICIENT_FUNDS');
    } else {
      const credited = await trx
        .updateTable('accounts')
        .set((eb) => ({ balance: eb('balance', '+', amount) }))
        .where('id', '=', to)
        .executeTakeFirst();
      if (credited.numUpdatedRows !== 1n) throw new KeeperError('ERR_PURSE_NOT_FOUND');
    }
  }
  await trx
    .insertInto('entries')
    .values([
      {
        id: newId(),
        transfer_id: move.transferId,
        account_id: from,
        amount: -amount,
        created_at: move.now,
      },
      { id: newId(), transfer_id: move.transferId, account_id: to, amount, created_at: move.now },
    ])
    .execute();
}
