import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Keeps a pending challenge without an account open until `until` (a
 * person registering inline, flow 3): only ever lengthens it, and only while
 * it is pending, unexpired and unbound.
 */
export async function holdUnbound(
  db: Kysely<Database>,
  id: string,
  now: number,
  until: number,
): Promise<void> {
  await db
    .updateTable('challenges')
    .set({ expires_at: until })
    .where('id', '=', id)
    .where('account_id', 'is', null)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .where('expires_at', '<', until)
    .execute();
}

/**
 * Binds a pending challenge without an account to `accountId`, with a fresh
 * challenge and number (the earlier challenge stops working) and its
 * attempts counted afresh. Conditional: of concurrent binds one changes it.
 *
 * @returns whether this call bound it.
 */
export async function bindChallenge(
  db: Kysely<Database>,
  bind: {
    readonly id: string;
    readonly accountId: string;
    readonly challenge: string;
    readonly matchNumber: string;
    readonly expiresAt: number;
    readonly now: number;
  },
): Promise<boolean> {
  const rebound = await db
    .updateTable('challenges')
    .set({
      account_id: bind.accountId,
      challenge: bind.challenge,
      match_number: bind.matchNumber,
      attempts: 0,
      expires_at: bind.expiresAt,
    })
    .where('id', '=', bind.id)
    .where('account_id', 'is', null)
    .where('status', '=', 'pending')
    .where('expires_at', '>', bind.now)
    .executeTakeFirst();
  return rebound.numUpdatedRows > 0n;
}
