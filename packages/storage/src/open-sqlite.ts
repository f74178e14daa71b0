import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import { writePauser } from './direct-queries.js';
import { GroupCommitSqliteDialect } from './group-commit-sqlite-dialect.js';
import { startWalCheckpointer } from './wal-checkpointer.js';

/** An open SQLite database: the typed query layer, and how to close it. */
export interface SqliteHandle<DB> {
  readonly db: Kysely<DB>;
  close(): Promise<void>;
}

/**
 * Opens a SQLite file (or `:memory:`) as Cipherpad's parts keep their data:
 *
 * - the file and its folder are created owner-only (0600, 0700), since they
 *   hold secrets; SQLite gives its -wal and -shm files the database file's
 *   mode; an existing file keeps the mode it has;
 * - WAL mode with `synchronous=NORMAL`: a committed transaction is in the WAL
 *   file before the call returns, so it survives the process being killed
 *   (not a power cut, which would need FULL); foreign keys on; 16 MiB of page
 *   cache (the default is 2 MiB), so random-ordered indexes (token hashes)
 *   stay in memory; a WAL that grew under a burst is cut back to 64 MiB once
 *   checkpointed;
 * - writes committed in groups ({@link GroupCommitSqliteDialect}): those of
 *   one event-loop turn share one COMMIT, each acknowledged only after it;
 * - checkpoints in a worker thread ({@link startWalCheckpointer}), not inside
 *   a request's COMMIT, with a short pause of the writes whenever the WAL
 *   passes 256 MiB, so that it starts afresh even under steady load; should the worker fail, `onWarning` is told and SQLite's
 *   automatic checkpoints take over.
 */
export function openSqlite<DB>(
  file: string,
  onWarning: (message: string, error: Error) => void = () => {},
): SqliteHandle<DB> {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
  }
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -16384');
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const db = new Kysely<DB>({ dialect: new GroupCommitSqliteDialect(sqlite) });
  const checkpointer =
    file === ':memory:'
      ? null
      : startWalCheckpointer(
          file,
          (error) => {
            onWarning('WAL checkpoints fall back to SQLite automatic ones', error);
            if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
          },
          { pauseWrites: writePauser(db) },
        );
  if (checkpointer) sqlite.pragma('wal_autocheckpoint = 0');
  return {
    db,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
