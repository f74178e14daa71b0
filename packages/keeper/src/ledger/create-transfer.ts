import { hash } from 'node:crypto';
import { newId, runTransaction } from '@cipherpad/storage';
import type { Kysely, Selectable } from 'kysely';
import { prepareQuery } from '../db/database.js';
import type { KeeperDatabase, TransferTable } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { KeeperError } from '../errors.js';
import { moveMoney } from './move-money.js';

/** A transfer as stored. */
export type Transfer = Selectable<TransferTable>;

/** What a payer asks for. Accounts are already resolved (a recipient's email to a purse). */
export interface TransferRequest {
  readonly userId: string;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly note: string;
  readonly recipientEmail?: string | null;
  /** A retry with the same key (from the same user) returns the first transfer. */
  readonly idempotencyKey?: string | null;
  /**
   * `none` moves the money at once; `cipherpad` and `sms` hold the transfer
   * (no money moves) until `commitTransfer` after its confirmation.
   */
  readonly hold: 'none' | 'cipherpad' | 'sms';
  readonly now: number;
}

/** The transfer, and whether it is the answer to an earlier request with the same key. */
export interface CreatedTransfer {
  readonly transfer: Transfer;
  readonly replayed: boolean;
}

const accountById = prepareQuery((db, p: { id: string }) =>
  db.selectFrom('accounts').select(['currency', 'kind', 'balance']).where('id', '=', p.id),
);

const insertTransfer = prepareQuery((db, p: Transfer) =>
  db.insertInto('transfers').values({
    id: p.id,
    user_id: p.user_id,
    idempotency_key: p.idempotency_key,
    request_hash: p.request_hash,
    kind: p.kind,
    from_account: p.from_account,
    to_account: p.to_account,
    amount: p.amount,
    currency: p.currency,
    note: p.note,
    recipient_email: p.recipient_email,
    status: p.status,
    confirmation: p.confirmation,
    confirmation_id: p.confirmation_id,
    challenge: p.challenge,
    uri: p.uri,
    match_number: p.match_number,
    confirm_url: p.confirm_url,
    expires_at: p.expires_at,
    cancel_reason: p.cancel_reason,
    created_at: p.created_at,
    completed_at: p.completed_at,
  }),
);

const transferByKey = prepareQuery((db, p: { userId: string; key: string }) =>
  db
    .selectFrom('transfers')
    .selectAll()
    .where('user_id', '=', p.userId)
    .where('idempotency_key', '=', p.key),
);

/**
 * Creates a transfer, exactly once per idempotency key.
 *
 * Without a hold it is completed in the same transaction that records it
 * (the transfer row, both balances and both entries, or nothing). With a
 * hold, the payer's balance is checked now and again when the transfer is
 * committed; meanwhile no money moves, and the transfer row is the one
 * write (a single statement, atomic without a transaction around it).
 *
 * The idempotency key is enforced by the unique index on
 * `(user_id, idempotency_key)`: a new key (the usual case) costs no lookup;
 * a key already used makes the insert fail, and the transfer made with it is
 * answered instead (or `ERR_IDEMPOTENCY_CONFLICT` when it was another
 * request). A retry is answered its transfer even when the purse could no
 * longer pay it.
 *
 * @throws {KeeperError} `ERR_INSUFFICIENT_FUNDS`, `ERR_SAME_PURSE`,
 *   `ERR_IDEMPOTENCY_CONFLICT` (the key was used for another request).
 */
export async function createTransfer(
  db: Kysely<KeeperDatabase>,
  request: TransferRequest,
): Promise<CreatedTransfer> {
  if (request.from === request.to) throw new KeeperError('ERR_SAME_PURSE');
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) {
    throw new KeeperError('ERR_AMOUNT_INVALID');
  }
  const key = request.idempotencyKey ?? null;
  const requestHash = hash(
    'sha256',
    JSON.stringify([request.from, request.to, request.amount, request.note, request.hold]),
    'hex',
  );

  const [from] = (await accountById(db, { id: request.from })).rows;
  if (!from) throw new KeeperError('ERR_PURSE_NOT_FOUND');
  const row: Transfer = {
    id: newId(),
    user_id: request.userId,
    idempotency_key: key,
    request_hash: requestHash,
    kind: 'transfer',
    from_account: request.from,
    to_account: request.to,
    amount: request.amount,
    currency: from.currency,
    note: request.note,
    recipient_email: request.recipientEmail ?? null,
    status: request.hold === 'none' ? 'completed' : 'held',
    confirmation: request.hold,
    confirmation_id: null,
    challenge: null,
    uri: null,
    match_number: null,
    confirm_url: null,
    expires_at: null,
    cancel_reason: null,
    created_at: request.now,
    completed_at: request.hold === 'none' ? request.now : null,
  };

  try {
    if (request.hold === 'none') {
      await runTransaction(db, async (trx) => {
        await insertTransfer(trx, row);
        await moveMoney(trx, {
          transferId: row.id,
          from: row.from_account,
          to: row.to_account,
          amount: row.amount,
          now: request.now,
        });
      });
    } else {
      // Checked again at commit time; refusing now saves a pointless confirmation.
      if (from.kind !== 'issuer' && from.balance < request.amount) {
        throw new KeeperError('ERR_INSUFFICIENT_FUNDS');
      }
      await insertTransfer(db, row);
    }
  } catch (error) {
    // A retry (or the same key sent twice at once): answer the transfer the key already made.
    // A held one may have been made while the purse could still pay it.
    const insufficient = error instanceof KeeperError && error.code === 'ERR_INSUFFICIENT_FUNDS';
    if (key !== null && (isUniqueViolation(error) || insufficient)) {
      const earlier = await findByKey(db, request.userId, key, requestHash);
      if (earlier) return { transfer: earlier, replayed: true };
    }
    throw error;
  }
  return { transfer: row, replayed: false };
}

async function findByKey(
  db: Kysely<KeeperDatabase>,
  userId: string,
  key: string,
  requestHash: string,
): Promise<Transfer | undefined> {
  const [earlier] = (await transferByKey(db, { userId, key })).rows;
  if (earlier && earlier.request_hash !== requestHash) {
    throw new KeeperError('ERR_IDEMPOTENCY_CONFLICT');
  }
  return earlier;
}
