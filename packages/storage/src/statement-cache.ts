import type SqliteDatabase from 'better-sqlite3';

/**
 * better-sqlite3 compiles SQL on every `prepare`; the query layer emits the
 * same few statements over and over, so keep the compiled ones (up to 500
 * distinct texts; past that the cache starts afresh).
 */
export class StatementCache {
  readonly #sqlite: SqliteDatabase.Database;
  readonly #statements = new Map<string, SqliteDatabase.Statement>();

  constructor(sqlite: SqliteDatabase.Database) {
    this.#sqlite = sqlite;
  }

  /** The compiled statement for `sqlText`, prepared on first use. */
  prepare(sqlText: string): SqliteDatabase.Statement {
    let statement = this.#statements.get(sqlText);
    if (!statement) {
      statement = this.#sqlite.prepare(sqlText);
      if (this.#statements.size >= 500) this.#statements.clear();
      this.#statements.set(sqlText, statement);
    }
    return statement;
  }
}
