import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Sessions in their second form (sessions/session-token.ts): the token is
 * the session's id followed by its secret, and the row keeps only the
 * secret's SHA-256, found by the id. The old form's index of token hashes
 * put every new session on a random page of it; the table is made anew, so
 * sessions open at the upgrade end and their holders sign in again.
 *
 * Sessions are also indexed by expiry, for the retention sweep
 * (retention/prune-expired.ts); they expire in the order they are made, so
 * that index only grows at its end.
 */
export const sessions: Migration = {
  name: '0004-sessions',
  async up(db: Kysely<unknown>) {
    await db.schema.dropTable('sessions').execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('device_id', 'text')
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
  },
};
