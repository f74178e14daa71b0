import { type Kysely, sql } from 'kysely';
import type { Dialect } from './database.js';
import { foundation } from './migrations/0001-foundation.js';
import { webApi } from './migrations/0002-web-api.js';
import { relyingSites } from './migrations/0003-relying-sites.js';
import { sessions } from './migrations/0004-sessions.js';
import { confirmedOperations } from './migrations/0005-confirmed-operations.js';
import { sessionActivity } from './migrations/0006-session-activity.js';
import { lockCause } from './migrations/0007-lock-cause.js';
import type { Migration } from './migrations/migration.js';
import type { Database } from './schema.js';

export type { Migration };

/** Every migration, oldest first. A new migration is appended here. */
export const migrations: readonly Migration[] = [
  foundation,
  webApi,
  relyingSites,
  sessions,
  confirmedOperations,
  sessionActivity,
  lockCause,
];

/**
 * Applies the migrations that have not run yet. Safe to call from several
 * instances starting together: on PostgreSQL they take an advisory lock, on
 * SQLite the write transaction serializes them.
 *
 * @returns the names of the migrations applied by this call.
 */
export async function migrate(typed: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  // A migration describes the schema as it was when it was written, not today's Database type.
  const db = typed as unknown as Kysely<unknown>;
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();

  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') {
        await sql`select pg_advisory_xact_lock(715217001)`.execute(trx);
      }
      const done = await sql<{ name: string }>`
        select name from schema_migrations where name = ${migration.name}`.execute(trx);
      if (done.rows.length > 0) return false;
      await migration.up(trx, dialect);
      await sql`insert into schema_migrations (name, applied_at) values (${migration.name}, ${Date.now()})`.execute(
        trx,
      );
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}
