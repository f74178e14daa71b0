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
import { registerCore } from './direct-queries.js';
import type { GroupCommitCore } from './group-commit-core.js';
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
  /** The driver's state, which the adapter made next is registered with. */
  #core: GroupCommitCore | undefined;

  /** @param sqlite the database, which the dialect's driver owns and closes. */
  constructor(sqlite: SqliteDatabase.Database) {
    this.#sqlite = sqlite;
  }

  createDriver(): Driver {
    const driver = new GroupCommitSqliteDriver(this.#sqlite);
    this.#core = driver.core;
    return driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    const adapter = new SqliteAdapter();
    // Kysely makes the driver, then the adapter, when it is constructed:
    // prepared queries find the database through the adapter.
    if (this.#core) registerCore(adapter, this.#core);
    return adapter;
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
