import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { GroupCommitSqliteDialect } from './group-commit-sqlite-dialect.js';
import type { Database } from './schema.js';
import { startWalCheckpointer } from './wal-checkpointer.js';

/** The SQL dialects Cipherpad stores its data in. */
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
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Opens the database. SQLite runs in WAL mode with `synchronous=NORMAL`: a
 * committed transaction is in the WAL file before the call returns, so it
 * survives the process being killed (not a power cut, which would need FULL).
 * SQLite writes are committed in groups, one COMMIT per event-loop turn.
 */
export function openDatabase(
  location: DatabaseLocation,
  onWarning: (message: string, error: Error) => void = () => {},
): DatabaseHandle {
  if (location.dialect === 'sqlite') {
    const { file } = location;
    if (file !== ':memory:') {
      // Owner-only, as the data holds sealed keys and, in the outbox, codes
      // waiting to be sent. SQLite gives its -wal and -shm files the
      // database file's mode. Existing files keep the mode they have.
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      closeSync(openSync(file, 'a', 0o600));
    }
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // 16 MiB of page cache (the default is 2 MiB): the random-ordered indexes
    // (token hashes) stay in memory instead of being read back from the OS.
    sqlite.pragma('cache_size = -16384');
    // Once checkpointed, a WAL that grew under a burst is cut back to this.
    sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    // Checkpoints run in a worker thread, not inside a request's COMMIT.
    const checkpointer =
      file === ':memory:'
        ? null
        : startWalCheckpointer(file, (error) => {
            onWarning('WAL checkpoints fall back to SQLite automatic ones', error);
            if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
          });
    if (checkpointer) sqlite.pragma('wal_autocheckpoint = 0');
    // Group commit: the writes of one event-loop turn share one COMMIT, and
    // each is acknowledged only after that COMMIT (see the dialect).
    const db = new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(sqlite) });
    return {
      db,
      dialect: 'sqlite',
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  }

  const pool = new pg.Pool({
    connectionString: location.url,
    max: location.poolSize ?? 10,
    // int8 (bigint) columns hold millisecond times, well inside 2^53.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format ?? 'text'),
    },
    ...(location.schema ? { options: `-c search_path=${location.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
