import type SqliteDatabase from 'better-sqlite3';
import type {
  CompiledQuery,
  ConnectionProvider,
  DatabaseConnection,
  QueryExecutor,
  QueryResult,
} from 'kysely';
import { ConnectionMutex } from './connection-mutex.js';
import { GroupCommitConnection } from './group-commit-connection.js';
import { StatementCache } from './statement-cache.js';

/** A group of writes sharing one COMMIT. */
interface Group {
  /** Settles when the group's COMMIT has returned (or failed). */
  readonly committed: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** The three statements that open, keep and undo a savepoint. */
export interface SavepointStatements {
  readonly savepoint: SqliteDatabase.Statement;
  readonly release: SqliteDatabase.Statement;
  readonly rollbackTo: SqliteDatabase.Statement;
}

/**
 * The state a `GroupCommitSqliteDriver` shares with its connections:
 * the database, its lock, and the open group of writes.
 */
export class GroupCommitCore {
  readonly mutex = new ConnectionMutex();
  readonly statements: StatementCache;
  readonly control: {
    readonly begin: SqliteDatabase.Statement;
    readonly commit: SqliteDatabase.Statement;
    readonly rollback: SqliteDatabase.Statement;
    /** Around each Kysely transaction. */
    readonly transaction: SavepointStatements;
    /** Around an autocommit write that could fail halfway (see `mayFailHalfway`). */
    readonly statement: SavepointStatements;
  };
  readonly #sqlite: SqliteDatabase.Database;
  #group: Group | undefined;
  /** The transaction {@link transaction} has open, if one is: it holds the lock. */
  #transaction:
    | { readonly executor: QueryExecutor; readonly connection: GroupCommitConnection }
    | undefined;

  constructor(sqlite: SqliteDatabase.Database) {
    this.#sqlite = sqlite;
    this.statements = new StatementCache(sqlite);
    const savepoint = (name: string): SavepointStatements => ({
      savepoint: sqlite.prepare(`savepoint ${name}`),
      release: sqlite.prepare(`release ${name}`),
      rollbackTo: sqlite.prepare(`rollback to ${name}`),
    });
    this.control = {
      begin: sqlite.prepare('begin immediate'),
      commit: sqlite.prepare('commit'),
      rollback: sqlite.prepare('rollback'),
      transaction: savepoint('cipherpad_group_transaction'),
      statement: savepoint('cipherpad_group_statement'),
    };
  }

  /** The open group, opening one (and scheduling its commit) if none is. Needs the lock. */
  openGroup(): Group {
    if (this.#group) {
      if (this.#sqlite.inTransaction) return this.#group;
      this.#loseGroup(new Error('SQLite rolled back the group transaction after an error'));
    }
    this.control.begin.run();
    const group = newGroup();
    this.#group = group;
    // Everything issued in this turn, and the microtasks after it, joins.
    setImmediate(() => void this.#flush(group));
    return group;
  }

  /** The open group, which the caller's savepoint belongs to. Needs the lock. */
  liveGroup(): Group {
    if (!this.#group || !this.#sqlite.inTransaction) {
      throw new Error('SQLite rolled back the group transaction after an earlier error');
    }
    return this.#group;
  }

  /** Commits the open group and settles its waiters. Needs the lock; never throws. */
  commitGroup(): void {
    const group = this.#group;
    if (!group) return;
    this.#group = undefined;
    try {
      this.control.commit.run();
    } catch (error) {
      // SQLite keeps the transaction open after some failed COMMITs (SQLITE_BUSY,
      // a deferred foreign key); end it so the next group starts clean.
      try {
        if (this.#sqlite.inTransaction) this.control.rollback.run();
      } catch {
        // The COMMIT's error is the one to report; the rollback's adds nothing.
      }
      group.reject(error);
      return;
    }
    group.resolve();
  }

  /** Rolls back to a savepoint and releases it. Needs the lock. */
  undo(statements: SavepointStatements): void {
    if (!this.#sqlite.inTransaction) {
      // SQLite already rolled back the whole group (SQLITE_FULL, SQLITE_IOERR …).
      this.#loseGroup(new Error('SQLite rolled back the group transaction after an error'));
      return;
    }
    statements.rollbackTo.run();
    statements.release.run();
  }

  /** Runs a statement inside a Kysely transaction, which needs no savepoint of its own. */
  runInTransaction(query: CompiledQuery): QueryResult<unknown> {
    this.liveGroup();
    try {
      return execute(this.statements.prepare(query.sql), query.parameters);
    } catch (error) {
      // Most errors undo only the statement; a few make SQLite roll back everything.
      if (!this.#sqlite.inTransaction) this.#loseGroup(error);
      throw error;
    }
  }

  /**
   * Runs a statement outside any Kysely transaction. A read answers at once;
   * a write runs in its own savepoint and answers after its group's COMMIT.
   */
  async runAutocommit(
    connection: GroupCommitConnection,
    query: CompiledQuery,
  ): Promise<QueryResult<unknown>> {
    const { result, committed } = this.#executeAutocommit(query);
    if (!committed) return result;
    connection.unlock();
    await committed;
    return result;
  }

  /**
   * Runs `callback` in a transaction, as Kysely's `transaction().execute()`
   * does on this database, with less machinery around it: the lock is taken
   * once, the statements run on the transaction's connection, and it answers
   * only after its group's COMMIT. `executor` is the database's; `callback`
   * gets the transaction's executor, to make the `Transaction` object from.
   */
  async transaction<T>(
    executor: QueryExecutor,
    callback: (transactionExecutor: QueryExecutor) => Promise<T>,
  ): Promise<T> {
    await this.mutex.lock();
    // The connection holds the lock from here to the end: nothing in a
    // transaction gives it back before its COMMIT or rollback.
    const connection = new GroupCommitConnection(this);
    const provider = new TransactionConnectionProvider(connection);
    try {
      const transactionExecutor = executor.withConnectionProvider(provider);
      this.openGroup();
      this.control.transaction.savepoint.run();
      connection.inTransaction = true;
      this.#transaction = { executor: transactionExecutor, connection };
      let result: T;
      let group: Group;
      try {
        result = await callback(transactionExecutor);
        group = this.liveGroup();
        this.control.transaction.release.run();
      } catch (error) {
        this.#endTransaction(connection, provider);
        this.undo(this.control.transaction);
        throw error;
      }
      this.#endTransaction(connection, provider);
      // Let others join the group before waiting for its COMMIT.
      connection.unlock();
      await group.committed;
      return result;
    } finally {
      connection.unlock();
    }
  }

  /**
   * Runs a statement at once, without going through Kysely's executor and
   * connection hand-over, when that cannot change its outcome: outside a
   * transaction while nobody holds the lock (as if it had taken and given
   * back the lock right away), or inside the transaction {@link transaction}
   * has open, given that transaction's executor. Answers `undefined` when the
   * statement must take the usual path: outside a transaction while someone
   * holds the lock (it must wait its turn), or in another transaction.
   */
  runDirect(
    query: CompiledQuery,
    executor: QueryExecutor,
    inTransaction: boolean,
  ): Promise<QueryResult<unknown>> | undefined {
    if (inTransaction) {
      const open = this.#transaction;
      if (open?.executor !== executor || !open.connection.holdsLock) return undefined;
      try {
        return Promise.resolve(this.runInTransaction(query));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.mutex.locked) return undefined;
    try {
      const { result, committed } = this.#executeAutocommit(query);
      return committed ? committed.then(() => result) : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Commits the open group and keeps new statements waiting (as a holder of
   * the lock) until the returned function is called: the WAL checkpointer
   * asks for this to let the WAL start afresh.
   */
  async pauseWrites(): Promise<() => void> {
    await this.mutex.lock();
    this.commitGroup();
    let paused = true;
    return () => {
      if (!paused) return;
      paused = false;
      this.mutex.unlock();
    };
  }

  close(): void {
    this.#sqlite.close();
  }

  /**
   * Runs an autocommit statement; a write joins the open group (opening one)
   * and is done once `committed` settles. Needs the lock, or no one holding it.
   */
  #executeAutocommit(query: CompiledQuery): {
    result: QueryResult<unknown>;
    committed?: Promise<void>;
  } {
    const statement = this.statements.prepare(query.sql);
    // `readonly`, not `reader`: INSERT … RETURNING reads and writes.
    if (statement.readonly) return { result: execute(statement, query.parameters) };
    const group = this.openGroup();
    if (mayFailHalfway(query.sql)) {
      const { savepoint, release } = this.control.statement;
      savepoint.run();
      let result: QueryResult<unknown>;
      try {
        result = execute(statement, query.parameters);
      } catch (error) {
        this.undo(this.control.statement);
        throw error;
      }
      release.run();
      return { result, committed: group.committed };
    }
    try {
      return { result: execute(statement, query.parameters), committed: group.committed };
    } catch (error) {
      // SQLite undid the statement (ABORT); a few errors roll back everything.
      if (!this.#sqlite.inTransaction) this.#loseGroup(error);
      throw error;
    }
  }

  async #flush(group: Group): Promise<void> {
    await this.mutex.lock();
    try {
      // `destroy()` may have committed it already.
      if (this.#group === group) this.commitGroup();
    } finally {
      this.mutex.unlock();
    }
  }

  #endTransaction(
    connection: GroupCommitConnection,
    provider: TransactionConnectionProvider,
  ): void {
    connection.inTransaction = false;
    provider.ended = true;
    if (this.#transaction?.connection === connection) this.#transaction = undefined;
  }

  #loseGroup(error: unknown): void {
    const group = this.#group;
    this.#group = undefined;
    group?.reject(error);
  }
}

/**
 * Gives a transaction's statements its connection, and refuses them once it
 * has ended (as Kysely's own transactions do), so a statement issued late
 * cannot run outside it.
 */
class TransactionConnectionProvider implements ConnectionProvider {
  ended = false;
  readonly #connection: GroupCommitConnection;

  constructor(connection: GroupCommitConnection) {
    this.#connection = connection;
  }

  async provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    if (this.ended) throw new Error('the transaction has already been committed or rolled back');
    return consumer(this.#connection);
  }
}

const halfwaySql = new Map<string, boolean>();

/**
 * Whether a failing statement could keep part of its writes. Under SQLite's
 * default conflict resolution (ABORT) a failing statement is undone by SQLite
 * itself and the transaction goes on, so an autocommit write needs no
 * savepoint of its own: that saves two statements per write. `OR FAIL` (and a
 * trigger's `RAISE(FAIL)`, which Cipherpad's schema has none of) keeps the
 * rows written before the error, so such statements still get one.
 */
function mayFailHalfway(sqlText: string): boolean {
  let answer = halfwaySql.get(sqlText);
  if (answer === undefined) {
    answer = /\bfail\b/i.test(sqlText);
    if (halfwaySql.size >= 500) halfwaySql.clear();
    halfwaySql.set(sqlText, answer);
  }
  return answer;
}

function newGroup(): Group {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const committed = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A group nobody waits for (its only transaction rolled back) may still fail.
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
