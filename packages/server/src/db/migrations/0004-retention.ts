import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * Lets the retention sweep (retention/prune-expired.ts) find expired
 * sessions without reading the whole table. Sessions expire in the order
 * they are made, so new entries land at the end of this index.
 */
export const retention: Migration = {
  name: '0004-retention',
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
  },
};
