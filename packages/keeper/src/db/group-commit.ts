import type SqliteDatabase from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/** The writes of one event-loop turn: one SQLite transaction, one COMMIT. */
interface Group {
  /** Settles when the group's COMMIT has returned (or failed). */
  readonly committed: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A Kysely dialect for the keeper's SQLite file that commits in groups.
 *
 * On SQLite every COMMIT writes the pages it changed to the WAL; the
 * ledger's writes of concurrent requests touch the same pages (the last
 * page of each index on a time-ordered id, the purses' rows), so writing
 * them once per group instead of once per request halves SQLite's share of
 * the keeper's CPU.
 *
 * The first write of a turn opens a SQLite transaction (`BEGIN IMMEDIATE`)
 * and schedules its COMMIT with `setImmediate`; the writes of that turn join
 * it. Inside, each Kysely transaction is a SAVEPOINT (its commit a RELEASE,
 * its rollback a ROLLBACK TO), and so is each write outside a transaction:
 * one request's failure (a unique key, `ERR_INSUFFICIENT_FUNDS`, the CHECK
 * on balances) undoes its own writes and nobody else's. A write (a
 * transaction's commit, or a single statement) is acknowledged only after
 * its group's COMMIT has returned, so nothing is answered before it is in
 * the WAL; if the COMMIT fails, every writer of the group gets its error,
 * and none of their writes stays.
 *
 * One connection, one statement at a time, as with Kysely's own SqliteDriver:
 * a lock is held from the start of a transaction to its RELEASE, so the
 * ledger's transactions stay serialized. A writer gives the lock back before
 * it waits for the COMMIT: that is what lets the group grow. A read outside
 * a transaction answers at once and may see the open group's writes, which
 * are committed before any of their writers answers.
 *
 * @param prepare the statement cache of `openDatabase`.
 */
export function groupCommitDialect(
  sqlite: SqliteDatabase.Database,
  prepare: (sqlText: string) => SqliteDatabase.Statement,
): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new GroupCommitDriver(sqlite, prepare),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

class GroupCommitDriver implements Driver {
  readonly #sqlite: SqliteDatabase.Database;
  readonly prepare: (sqlText: string) => SqliteDatabase.Statement;
  readonly #control: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo',
    SqliteDatabase.Statement
  >;
  /** The tail of the lock's queue: each acquisition waits for the one before. */
  #lockTail: Promise<void> = Promise.resolve();
  #group: Group | null = null;

  constructor(
    sqlite: SqliteDatabase.Database,
    prepare: (sqlText: string) => SqliteDatabase.Statement,
  ) {
    this.#sqlite = sqlite;
    this.prepare = prepare;
    this.#control = {
      begin: sqlite.prepare('begin immediate'),
      commit: sqlite.prepare('commit'),
      rollback: sqlite.prepare('rollback'),
      savepoint: sqlite.prepare('savepoint keeper_write'),
      release: sqlite.prepare('release keeper_write'),
      rollbackTo: sqlite.prepare('rollback to keeper_write'),
    };
  }

  async init(): Promise<void> {}

  /** Takes the lock; the answer gives it back (once). */
  async lock(): Promise<() => void> {
    let unlock!: () => void;
    const previous = this.#lockTail;
    this.#lockTail = new Promise((resolve) => {
      unlock = resolve;
    });
    await previous;
    return unlock;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GroupConnection(this, await this.lock());
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    await c.relock();
    if (c.group) throw new Error('a transaction is already open on this connection');
    c.group = this.openGroup();
    this.#control.savepoint.run();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    await c.relock();
    const group = this.liveGroup(c);
    this.#control.release.run();
    c.group = null;
    c.unlock();
    await group.committed;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    // Already released: its group's COMMIT failed, and Kysely rolls back after that.
    if (!c.group) return;
    await c.relock();
    const group = c.group;
    c.group = null;
    this.undo(group);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    own(connection).unlock();
  }

  /** Commits the open group, if any, and closes the database. */
  async destroy(): Promise<void> {
    const unlock = await this.lock();
    try {
      this.commitGroup();
    } finally {
      this.#sqlite.close();
      unlock();
    }
  }

  /** The open group, opening one (and scheduling its COMMIT) if none is. Needs the lock. */
  openGroup(): Group {
    if (this.#group && this.#sqlite.inTransaction) return this.#group;
    if (this.#group) this.#loseGroup(new Error('SQLite rolled back the group after an error'));
    this.#control.begin.run();
    const group = newGroup();
    this.#group = group;
    setImmediate(() => void this.#flush(group));
    return group;
  }

  /** The group a transaction belongs to, if SQLite has not rolled it back meanwhile. */
  liveGroup(connection: GroupConnection): Group {
    if (!connection.group || connection.group !== this.#group || !this.#sqlite.inTransaction) {
      throw new Error('SQLite rolled back the group after an error');
    }
    return connection.group;
  }

  /** Runs one statement of a transaction (inside its savepoint). Needs the lock. */
  runInTransaction(connection: GroupConnection, query: CompiledQuery): QueryResult<unknown> {
    this.liveGroup(connection);
    try {
      return execute(this.prepare(query.sql), query.parameters);
    } catch (error) {
      // Most errors undo the statement; a few (SQLITE_FULL, SQLITE_IOERR) roll back everything.
      if (!this.#sqlite.inTransaction) this.#loseGroup(error);
      throw error;
    }
  }

  /**
   * Runs a statement outside a transaction: a read answers at once; a write
   * runs in its own savepoint, gives the lock back, and answers after its
   * group's COMMIT.
   */
  async runAutocommit(
    connection: GroupConnection,
    query: CompiledQuery,
  ): Promise<QueryResult<unknown>> {
    const statement = this.prepare(query.sql);
    // `readonly`, not `reader`: UPDATE … RETURNING reads and writes.
    if (statement.readonly) return execute(statement, query.parameters);
    const group = this.openGroup();
    this.#control.savepoint.run();
    let result: QueryResult<unknown>;
    try {
      result = execute(statement, query.parameters);
    } catch (error) {
      this.undo(group);
      throw error;
    }
    this.#control.release.run();
    connection.unlock();
    await group.committed;
    return result;
  }

  /** Rolls back to the savepoint and releases it, unless SQLite has rolled back the whole group. */
  undo(group: Group): void {
    if (group !== this.#group || !this.#sqlite.inTransaction) {
      this.#loseGroup(new Error('SQLite rolled back the group after an error'));
      return;
    }
    this.#control.rollbackTo.run();
    this.#control.release.run();
  }

  /** Commits the open group and settles its writers. Needs the lock; never throws. */
  commitGroup(): void {
    const group = this.#group;
    if (!group) return;
    this.#group = null;
    try {
      this.#control.commit.run();
    } catch (error) {
      try {
        if (this.#sqlite.inTransaction) this.#control.rollback.run();
      } catch {
        // The COMMIT's error is the one to report.
      }
      group.reject(error);
      return;
    }
    group.resolve();
  }

  async #flush(group: Group): Promise<void> {
    const unlock = await this.lock();
    try {
      // `destroy()` may have committed it already.
      if (this.#group === group) this.commitGroup();
    } finally {
      unlock();
    }
  }

  #loseGroup(error: unknown): void {
    const group = this.#group;
    this.#group = null;
    group?.reject(error);
  }
}

/** One acquisition of the single connection: Kysely gets a new one each time. */
class GroupConnection implements DatabaseConnection {
  /** The group of the transaction open on this acquisition, if one is. */
  group: Group | null = null;
  readonly #driver: GroupCommitDriver;
  #unlock: (() => void) | null;

  constructor(driver: GroupCommitDriver, unlock: () => void) {
    this.#driver = driver;
    this.#unlock = unlock;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    await this.relock();
    const result = this.group
      ? this.#driver.runInTransaction(this, query)
      : await this.#driver.runAutocommit(this, query);
    return result as QueryResult<R>;
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered; the keeper never streams.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the keeper does not stream queries');
  }

  /** Takes the lock again, for an acquisition Kysely goes on using after a write. */
  async relock(): Promise<void> {
    if (!this.#unlock) this.#unlock = await this.#driver.lock();
  }

  /** Gives the lock back, once. */
  unlock(): void {
    const unlock = this.#unlock;
    this.#unlock = null;
    unlock?.();
  }
}

function own(connection: DatabaseConnection): GroupConnection {
  if (connection instanceof GroupConnection) return connection;
  throw new Error('the group-commit driver was given a connection it did not make');
}

function newGroup(): Group {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const committed = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A group nobody waits for any more (its only writer rolled back) may still fail.
  committed.catch(() => {});
  return { committed, resolve, reject };
}

function execute(
  statement: SqliteDatabase.Statement,
  parameters: readonly unknown[],
): QueryResult<unknown> {
  if (statement.reader) return { rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}
