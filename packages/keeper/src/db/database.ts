import { openPostgres, openSqlite, type PostgresLocation, queryPreparer } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import type { KeeperDatabase } from './schema.js';

/** The SQL dialects the keeper stores its ledger in. */
export type Dialect = 'sqlite' | 'postgres';

/** Where the data lives: a SQLite file, or a PostgreSQL server (optionally one schema of it). */
export type DatabaseLocation =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | ({ readonly dialect: 'postgres' } & PostgresLocation);

/** An open database: the typed query layer, its dialect, and how to close it. */
export interface DatabaseHandle {
  readonly db: Kysely<KeeperDatabase>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Opens the database. On SQLite, every query and transaction runs on one
 * connection, one at a time: writers are serialized, so a ledger
 * transaction never sees another half-done; the writes of one event-loop
 * turn share one COMMIT (`GroupCommitSqliteDialect`). On PostgreSQL the ledger takes
 * row locks (its conditional `UPDATE`s) in a fixed order. `onWarning` hears
 * of what the database recovered from by itself (see `openSqlite` and
 * `openPostgres`).
 */
export function openDatabase(
  location: DatabaseLocation,
  onWarning: (message: string, error: Error) => void = () => {},
): DatabaseHandle {
  if (location.dialect === 'sqlite') {
    const { db, close } = openSqlite<KeeperDatabase>(location.file, onWarning);
    return { db, dialect: 'sqlite', close };
  }

  const { db, close } = openPostgres<KeeperDatabase>(location, onWarning);
  return { db, dialect: 'postgres', close };
}

/** Prepared queries on the keeper's schema (see `queryPreparer`). */
export const prepareQuery = queryPreparer<KeeperDatabase>();
