import { openSqlite, queryPreparer } from '@cipherpad/storage';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { KeeperDatabase } from './schema.js';

/** The SQL dialects the keeper stores its ledger in. */
export type Dialect = 'sqlite' | 'postgres';

/** Where the data lives: a SQLite file, or a PostgreSQL server (optionally one schema of it). */
export type DatabaseLocation =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | {
      readonly dialect: 'postgres';
      readonly url: string;
      readonly schema?: string;
      readonly poolSize?: number;
    };

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
 * row locks (its conditional `UPDATE`s) in a fixed order.
 */
export function openDatabase(location: DatabaseLocation): DatabaseHandle {
  if (location.dialect === 'sqlite') {
    const { db, close } = openSqlite<KeeperDatabase>(location.file);
    return { db, dialect: 'sqlite', close };
  }

  const pool = new pg.Pool({
    connectionString: location.url,
    max: location.poolSize ?? 10,
    // int8 columns hold minor units and millisecond times, kept well inside 2^53 (see ledger/money.ts).
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format ?? 'text'),
    },
    ...(location.schema ? { options: `-c search_path=${location.schema}` } : {}),
  });
  const db = new Kysely<KeeperDatabase>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** Prepared queries on the keeper's schema (see `queryPreparer`). */
export const prepareQuery = queryPreparer<KeeperDatabase>();
