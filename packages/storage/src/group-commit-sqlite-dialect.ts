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
import { registerTarget } from './direct-queries.js';
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
  /** The driver made last, which the adapter made next is registered with. */
  #driver: GroupCommitSqliteDriver | undefined;

  /** @param sqlite the database, which the dialect's driver owns and closes. */
  constructor(sqlite: SqliteDatabase.Database) {
    this.#sqlite = sqlite;
  }

  createDriver(): Driver {
    this.#driver = new GroupCommitSqliteDriver(this.#sqlite);
    return this.#driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    const adapter = new SqliteAdapter();
    // Kysely makes the driver, then the adapter, when it is constructed:
    // prepared queries find the database through the adapter.
    const driver = this.#driver;
    if (driver) registerTarget(adapter, { core: driver.core, dialect: this, driver });
    return adapter;
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
