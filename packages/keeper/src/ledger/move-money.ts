import { newId } from '@cipherpad/storage';
import type { Kysely, Transaction } from 'kysely';
import { prepareQuery } from '../db/database.js';
import type { KeeperDatabase } from '../db/schema.js';
import { KeeperError } from '../errors.js';

/** The conditional debit: an issuer may go below zero, a purse never. */
const debit = prepareQuery((db, p: { account: string; amount: number }) =>
  db
    .updateTable('accounts')
    .set((eb) => ({ balance: eb('balance', '-', p.amount) }))
    .where('id', '=', p.account)
    .where((eb) => eb.or([eb('kind', '=', 'issuer'), eb('balance', '>=', p.amount)])),
);

const credit = prepareQuery((db, p: { account: string; amount: number }) =>
  db
    .updateTable('accounts')
    .set((eb) => ({ balance: eb('balance', '+', p.amount) }))
    .where('id', '=', p.account),
);

/** Both entries of a move: `-amount` from the payer, `+amount` to the payee. */
const insertEntries = prepareQuery(
  (
    db,
    p: {
      transferId: string;
      now: number;
      fromId: string;
      from: string;
      fromAmount: number;
      toId: string;
      to: string;
      toAmount: number;
    },
  ) =>
    db.insertInto('entries').values([
      {
        id: p.fromId,
        transfer_id: p.transferId,
        account_id: p.from,
        amount: p.fromAmount,
        created_at: p.now,
      },
      {
        id: p.toId,
        transfer_id: p.transferId,
        account_id: p.to,
        amount: p.toAmount,
        created_at: p.now,
      },
    ]),
);

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
      const debited = await debit(trx, { account: from, amount });
      if (debited.numAffectedRows !== 1n) throw new KeeperError('ERR_INSUFFICIENT_FUNDS');
    } else {
      const credited = await credit(trx, { account: to, amount });
      if (credited.numAffectedRows !== 1n) throw new KeeperError('ERR_PURSE_NOT_FOUND');
    }
  }
  await insertEntries(trx, {
    transferId: move.transferId,
    now: move.now,
    fromId: newId(),
    from,
    fromAmount: -amount,
    toId: newId(),
    to,
    toAmount: amount,
  });
}
