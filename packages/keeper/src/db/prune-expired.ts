import { deleteInBatches } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import type { KeeperDatabase } from './schema.js';

/** Expired rows are kept this long, so a late request still finds them expired. */
export const RETAIN_EXPIRED_MS = 24 * 60 * 60 * 1000;
/** Rows deleted per statement: each DELETE is short, and requests run between them. */
const BATCH = 500;

/** What one call of {@link pruneExpired} deleted. */
export interface Pruned {
  readonly sessions: number;
  readonly logins: number;
  readonly settingsChanges: number;
}

/**
 * Deletes the sessions, pending logins and confirmation-setting changes that
 * expired more than {@link RETAIN_EXPIRED_MS} before `now`, which nothing
 * reads any more: without this each table grows with every sign-in or
 * change, for ever. Transfers and ledger entries are never deleted.
 */
export async function pruneExpired(db: Kysely<KeeperDatabase>, now: number): Promise<Pruned> {
  const before = now - RETAIN_EXPIRED_MS;
  return {
    sessions: await deleteInBatches(BATCH, (limit) =>
      db
        .deleteFrom('sessions')
        .where(
          'token_hash',
          'in',
          db
            .selectFrom('sessions')
            .select('token_hash')
            .where('expires_at', '<', before)
            .limit(limit),
        )
        .executeTakeFirst(),
    ),
    logins: await deleteInBatches(BATCH, (limit) =>
      db
        .deleteFrom('logins')
        .where(
          'id',
          'in',
          db.selectFrom('logins').select('id').where('expires_at', '<', before).limit(limit),
        )
        .executeTakeFirst(),
    ),
    settingsChanges: await deleteInBatches(BATCH, (limit) =>
      db
        .deleteFrom('settings_changes')
        .where(
          'id',
          'in',
          db
            .selectFrom('settings_changes')
            .select('id')
            .where('expires_at', '<', before)
            .limit(limit),
        )
        .executeTakeFirst(),
    ),
  };
}
