import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * When a session was last used by its person (sessions/session-activity.ts),
 * so a session ends after the policy's idle time (PSD2 RTS Art. 4(3)(d)).
 * Null until the first refresh: a new session counts from `created_at`,
 * so opening one costs no more than before.
 */
export const sessionActivity: Migration = {
  name: '0006-session-activity',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('last_seen_at', 'bigint').execute();
  },
};
