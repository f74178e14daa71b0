import { newId, runTransaction } from '@cipherpad/storage';
import type { Kysely, Selectable } from 'kysely';
import type { KeeperDatabase, UserTable } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { CURRENCIES } from '../ledger/money.js';
import { moveMoney } from '../ledger/move-money.js';
import { twelveDigits } from './twelve-digits.js';

/** A keeper user. */
export type User = Selectable<UserTable>;

/** The form the keeper keeps emails in: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The user of an email, with a wallet: created on first use with a fresh
 * 12-digit wallet id and one purse per currency (letter + 12 digits, the
 * number unique across currencies). With `demoBalance` > 0, each new purse
 * receives that much from its currency's issuer, through ordinary transfers
 * in the same transaction, so the money is accounted for like any other.
 * Safe under concurrency: two first logins of one email make one wallet.
 */
export async function openWallet(
  db: Kysely<KeeperDatabase>,
  email: string,
  options: { now: number; demoBalance: number },
): Promise<User> {
  const canonical = normalizeEmail(email);
  for (let attempt = 0; ; attempt += 1) {
    const existing = await db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', canonical)
      .executeTakeFirst();
    if (existing) return existing;
    const user: User = {
      id: newId(),
      email: canonical,
      wallet_id: twelveDigits(),
      confirmation: 'none',
      sms_phone: null,
      created_at: options.now,
    };
    try {
      await runTransaction(db, async (trx) => {
        await trx.insertInto('users').values(user).execute();
        for (const currency of CURRENCIES) {
          const number = twelveDigits();
          const purse = `${currency.letter}${number}`;
          await trx
            .insertInto('accounts')
            .values({
              id: purse,
              number,
              currency: currency.letter,
              user_id: user.id,
              kind: 'purse',
              balance: 0,
              created_at: options.now,
            })
            .execute();
          if (options.demoBalance > 0) {
            const transferId = newId();
            const issuer = `issuer:${currency.letter}`;
            await trx
              .insertInto('transfers')
              .values({
                id: transferId,
                user_id: null,
                idempotency_key: null,
                request_hash: null,
                kind: 'issue',
                from_account: issuer,
                to_account: purse,
                amount: options.demoBalance,
                currency: currency.letter,
                note: 'Demo money',
                recipient_email: null,
                status: 'completed',
                confirmation: 'none',
                confirmation_id: null,
                challenge: null,
                uri: null,
                match_number: null,
                confirm_url: null,
                expires_at: null,
                cancel_reason: null,
                created_at: options.now,
                completed_at: options.now,
              })
              .execute();
            await moveMoney(trx, {
              transferId,
              from: issuer,
              to: purse,
              amount: options.demoBalance,
              now: options.now,
            });
          }
        }
      });
      return user;
    } catch (error) {
      // Another request made this user first (read it on the next turn), or a random
      // number collided (draw again).
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
}
