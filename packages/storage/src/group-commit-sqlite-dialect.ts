import type SqliteDatabase from 'better-sqlite3';
import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { GroupCommitSqliteDriver } from './group-commit-sqlite-driver.js';

/**
 * Kysely's SQLite dialect with group commit: the transactions and writes of
 * one event-loop turn share one SQLite COMMIT, and each is acknowledged only
 * once that COMMIT has returned. See {@link GroupCommitSqliteDriver}.
 *
 * @example
 * ```ts
 * const sqlite = new SqliteDatabase('data.db');
 * sqlite.pragma('journal_mode = WAL');
 * const db = new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(sqlite) });
 * await db.destroy(); // commits the open group, then closes `sqlite`
 * ```
 */
export class GroupCommitSqliteDialect implements Dialect {
  readonly #sqlite: SqliteDatabase.Database;

  /** @param sqlite the database, which the dialect's driver owns and closes. */
  constructor(sqlite: SqliteDatabase.Database) {
    this.#sqlite = sqlite;
  }

  createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.#sqlite);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
