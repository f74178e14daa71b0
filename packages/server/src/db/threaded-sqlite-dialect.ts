import {
  type CompiledQuery,
  createQueryId,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  IdentifierNode,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  RawNode,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { ConnectionMutex } from './connection-mutex.js';
import type { SqliteThread, StatementResult } from './sqlite-thread.js';

/**
 * Kysely's SQLite dialect over a {@link SqliteThread}: every statement runs
 * on the database thread, with group commit.
 *
 * - A query outside a transaction is a job: it answers at once if it only
 *   reads, and after its group's COMMIT if it writes.
 * - A Kysely transaction is a SAVEPOINT in the open group, its statements run
 *   synchronously on the thread, one transaction at a time (a first-come,
 *   first-served lock), and `commit` resolves after the group's COMMIT.
 *   Nested savepoints work as Kysely's own SQLite driver does them.
 * - If the group's COMMIT fails, every write and transaction of that group is
 *   rejected with its error.
 *
 * @example
 * ```ts
 * const thread = new SqliteThread('data.db', ['journal_mode = WAL']);
 * const db = new Kysely<Database>({ dialect: new ThreadedSqliteDialect(thread) });
 * await db.destroy(); // commits the open group, then stops the thread
 * ```
 */
export class ThreadedSqliteDialect implements Dialect {
  readonly #thread: SqliteThread;

  /** @param thread the database thread, which the dialect's driver owns and stops. */
  constructor(thread: SqliteThread) {
    this.#thread = thread;
  }

  createDriver(): Driver {
    return new ThreadedSqliteDriver(this.#thread);
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

/** One acquisition: Kysely gets a new one each time, carrying that acquisition's transaction state. */
class ThreadedConnection implements DatabaseConnection {
  /** Whether this connection's transaction is open on the thread. */
  inTransaction = false;
  readonly #thread: SqliteThread;

  constructor(thread: SqliteThread) {
    this.#thread = thread;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const statement = { sql: query.sql, parameters: query.parameters };
    const result = this.inTransaction
      ? this.#thread.runInTransaction(statement)
      : await this.#thread.run(statement);
    return toQueryResult(result);
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) {
      throw new Error('Sqlite driver only supports streaming of select queries');
    }
    const { rows } = await this.executeQuery<R>(query);
    for (const row of rows) yield { rows: [row] };
  }
}

class ThreadedSqliteDriver implements Driver {
  readonly #thread: SqliteThread;
  /** One transaction at a time holds the thread. */
  readonly #transactions = new ConnectionMutex();

  constructor(thread: SqliteThread) {
    this.#thread = thread;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new ThreadedConnection(this.#thread);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    if (c.inTransaction) throw new Error('a transaction is already open on this connection');
    await this.#transactions.lock();
    try {
      this.#thread.beginTransaction();
    } catch (error) {
      this.#transactions.unlock();
      throw error;
    }
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    c.inTransaction = false;
    // The thread is free for the next transaction once the savepoint is
    // released, before the group commits: that is what lets a group grow.
    const committed = this.#thread.commitTransaction(this.#transactions.waiting > 0);
    this.#transactions.unlock();
    await committed;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    // Already ended: its group's COMMIT failed and Kysely rolls back after it.
    if (!c.inTransaction) return;
    c.inTransaction = false;
    try {
      this.#thread.rollbackTransaction(this.#transactions.waiting > 0);
    } finally {
      this.#transactions.unlock();
    }
  }

  async savepoint(
    connection: DatabaseConnection,
    savepointName: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await savepointCommand(connection, 'savepoint', savepointName, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    savepointName: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await savepointCommand(connection, 'rollback to', savepointName, compileQuery);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    savepointName: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await savepointCommand(connection, 'release', savepointName, compileQuery);
  }

  async releaseConnection(): Promise<void> {}

  /** Commits the open group, if any, and stops the thread. */
  async destroy(): Promise<void> {
    await this.#thread.close();
  }
}

async function savepointCommand(
  connection: DatabaseConnection,
  command: 'savepoint' | 'rollback to' | 'release',
  savepointName: string,
  compileQuery: QueryCompiler['compileQuery'],
): Promise<void> {
  const c = own(connection);
  if (!c.inTransaction) throw new Error(`${command} ${savepointName}: no transaction is open`);
  // Same node as Kysely's own SqliteDriver builds: the identifier gets quoted.
  const node = RawNode.createWithChildren([
    RawNode.createWithSql(`${command} `),
    IdentifierNode.create(savepointName),
  ]);
  await c.executeQuery(compileQuery(node, createQueryId()));
}

function toQueryResult<R>(result: StatementResult): QueryResult<R> {
  if (result.changes === undefined) return { rows: result.rows as R[] };
  return {
    numAffectedRows: BigInt(result.changes),
    insertId: BigInt(result.lastInsertRowid ?? 0),
    rows: result.rows as R[],
  };
}

function own(connection: DatabaseConnection): ThreadedConnection {
  if (connection instanceof ThreadedConnection) return connection;
  throw new Error('ThreadedSqliteDriver was given a connection it did not create');
}
