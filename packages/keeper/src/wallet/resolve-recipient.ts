import { parsePurse } from '@cipherpad/core';
import type { Kysely } from 'kysely';
import type { KeeperDatabase } from '../db/schema.js';
import { KeeperError } from '../errors.js';
import { normalizeEmail, openWallet } from './open-wallet.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

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
    const purse = await db
      .selectFrom('accounts')
      .select('id')
      .where('user_id', '=', user.id)
      .where('currency', '=', currency)
      .executeTakeFirst();
    if (!purse) throw new KeeperError('ERR_PURSE_NOT_FOUND');
    return { purse: purse.id, email: normalizeEmail(input) };
  }
  let parsed: ReturnType<typeof parsePurse>;
  try {
    parsed = parsePurse(input);
  } catch {
    throw new KeeperError('ERR_PURSE_INVALID');
  }
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'currency'])
    .where('number', '=', parsed.number)
    .where('kind', '=', 'purse')
    .executeTakeFirst();
  if (!account) throw new KeeperError('ERR_PURSE_NOT_FOUND');
  if (account.currency !== currency || (parsed.letter && parsed.letter !== currency)) {
    throw new KeeperError('ERR_CURRENCY_MISMATCH');
  }
  return { purse: account.id, email: null };
}
