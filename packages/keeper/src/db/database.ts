import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { groupCommitDialect } from './group-commit.js';
import { queryPreparer } from './prepared-query.js';
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
 * turn share one COMMIT (`groupCommitDialect`). On PostgreSQL the ledger takes
 * row locks (its conditional `UPDATE`s) in a fixed order.
 */
export function openDatabase(location: DatabaseLocation): DatabaseHandle {
  if (location.dialect === 'sqlite') {
    const { file } = location;
    if (file !== ':memory:') {
      // Owner-only: the data holds session hashes and everyone's balances.
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      closeSync(openSync(file, 'a', 0o600));
    }
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // 16 MiB of page cache (the default is 2 MiB): the ledger's indexes stay in memory.
    sqlite.pragma('cache_size = -16384');
    // better-sqlite3 compiles SQL on every prepare; the ledger sends the same
    // few statements over and over, so keep the compiled ones (up to 500
    // distinct texts; past that the cache starts afresh). Kysely runs one
    // statement at a time on this connection, so reusing one is safe.
    const statements = new Map<string, SqliteDatabase.Statement>();
    const prepare = (sqlText: string) => {
      let statement = statements.get(sqlText);
      if (!statement) {
        statement = sqlite.prepare(sqlText);
        if (statements.size >= 500) statements.clear();
        statements.set(sqlText, statement);
      }
      return statement;
    };
    // The writes of concurrent requests share their COMMITs (see groupCommitDialect).
    const db = new Kysely<KeeperDatabase>({ dialect: groupCommitDialect(sqlite, prepare) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
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
