import { parsePurse } from '@cipherpad/core';
import type { Kysely } from 'kysely';
import { prepareQuery } from '../db/database.js';
import type { KeeperDatabase } from '../db/schema.js';
import { KeeperError } from '../errors.js';
import { normalizeEmail, openWallet } from './open-wallet.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

/** A user's purse of one currency. */
export const purseOf = prepareQuery((db, p: { userId: string; currency: string }) =>
  db
    .selectFrom('accounts')
    .select('id')
    .where('user_id', '=', p.userId)
    .where('currency', '=', p.currency),
);

const purseByNumber = prepareQuery((db, p: { number: string }) =>
  db
    .selectFrom('accounts')
    .select(['id', 'currency'])
    .where('number', '=', p.number)
    .where('kind', '=', 'purse'),
);

/**
 * The purse a transfer goes to: a purse as typed (with or without its letter;
 * docs/protocol.md), or an email, whose purse of `currency` receives it (the
 * recipient's wallet is made if the email has none yet).
 *
 * @throws {KeeperError} `ERR_PURSE_INVALID`, `ERR_EMAIL_INVALID`, `ERR_PURSE_NOT_FOUND`,
 *   `ERR_CURRENCY_MISMATCH`.
 */
export async function resolveRecipient(
  db: Kysely<KeeperDatabase>,
  to: string,
  currency: string,
  options: { now: number; demoBalance: number },
): Promise<{ purse: string; email: string | null }> {
  const input = to.trim();
  if (input.includes('@')) {
    if (input.length > 254 || !EMAIL.test(input)) throw new KeeperError('ERR_EMAIL_INVALID');
    const user = await openWallet(db, input, options);
    const [purse] = (await purseOf(db, { userId: user.id, currency })).rows;
    if (!purse) throw new KeeperError('ERR_PURSE_NOT_FOUND');
    return { purse: purse.id, email: normalizeEmail(input) };
  }
  let parsed: ReturnType<typeof parsePurse>;
  try {
    parsed = parsePurse(input);
  } catch {
    throw new KeeperError('ERR_PURSE_INVALID');
  }
  const [account] = (await purseByNumber(db, { number: parsed.number })).rows;
  if (!account) throw new KeeperError('ERR_PURSE_NOT_FOUND');
  if (account.currency !== currency || (parsed.letter && parsed.letter !== currency)) {
    throw new KeeperError('ERR_CURRENCY_MISMATCH');
  }
  return { purse: account.id, email: null };
}
