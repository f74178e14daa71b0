import { type Kysely, sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Why a locked account is locked (`accounts.locked_by`). `failures`: wrong
 * typed responses or codes ran it through every block; anyone who knows the
 * email can cause that, so an online approval signed by one of the account's
 * own devices lifts it (docs/security.md). Null on a locked account: a lock
 * only an operator or recovery lifts. Until now typed failures were the only
 * way an account became locked, so the accounts locked so far are marked so.
 */
export const lockCause: Migration = {
  name: '0007-lock-cause',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('accounts').addColumn('locked_by', 'text').execute();
    await sql`update accounts set locked_by = 'failures' where status = 'locked'`.execute(db);
  },
};
