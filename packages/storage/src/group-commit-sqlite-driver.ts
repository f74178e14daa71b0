import type SqliteDatabase from 'better-sqlite3';
import {
  createQueryId,
  type DatabaseConnection,
  type Driver,
  IdentifierNode,
  type QueryCompiler,
  RawNode,
} from 'kysely';
import { GroupCommitConnection } from './group-commit-connection.js';
import { GroupCommitCore } from './group-commit-core.js';

/**
 * A Kysely driver for one better-sqlite3 database that commits in groups.
 *
 * One outer SQLite transaction (`BEGIN IMMEDIATE`) collects the writes of an
 * event-loop turn and is committed by a `setImmediate` scheduled when the
 * group's first write arrives. Inside it, each Kysely transaction is a
 * SAVEPOINT (commit = RELEASE, rollback = ROLLBACK TO + RELEASE). An
 * autocommit write that fails is undone by SQLite itself (statement-level
 * ABORT); one that could keep part of its writes (`OR FAIL`) gets a SAVEPOINT
 * too. So one failure never undoes another's work.
 *
 * A write is acknowledged (its `commitTransaction`, or its autocommit
 * statement, resolves) only after the group's COMMIT has returned, so it is
 * in the WAL before the caller can answer anyone. Meanwhile the connection is
 * already free for the next transaction: that is what lets a group grow.
 * Read-only statements outside a transaction answer at once; they may see
 * writes of the open group, which commits before any of its writers answers.
 * If the COMMIT fails, every waiter of that group is rejected with its error.
 *
 * Kysely's driver contract, and where this driver bends it:
 * - `acquireConnection` returns a fresh connection object per acquisition,
 *   holding the single lock; transaction state lives on that object, so a
 *   late `rollbackTransaction` can tell that its transaction already left.
 * - `commitTransaction` gives the lock back before it awaits the group; the
 *   `releaseConnection` Kysely calls afterwards is then a no-op. If Kysely
 *   goes on using that connection (inside `db.connection()`), the next query
 *   takes the lock again.
 * - When the COMMIT fails, Kysely calls `rollbackTransaction` on a
 *   transaction whose savepoint is already released: that call does nothing.
 */
export class GroupCommitSqliteDriver implements Driver {
  readonly #core: GroupCommitCore;

  constructor(sqlite: SqliteDatabase.Database) {
    this.#core = new GroupCommitCore(sqlite);
  }

  /** The state shared with its connections, for statements that skip Kysely's executor. */
  get core(): GroupCommitCore {
    return this.#core;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#core.mutex.lock();
    return new GroupCommitConnection(this.#core);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    if (!c.holdsLock) await c.relock();
    if (c.inTransaction) throw new Error('a transaction is already open on this connection');
    this.#core.openGroup();
    this.#core.control.transaction.savepoint.run();
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    if (!c.holdsLock) await c.relock();
    const group = this.#core.liveGroup();
    this.#core.control.transaction.release.run();
    c.inTransaction = false;
    // Free the connection for the next transaction before waiting: the group
    // commit needs it too, and the point is to let others join the group.
    c.unlock();
    await group.committed;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = own(connection);
    // Already released: its group's COMMIT failed and Kysely rolls back after it.
    if (!c.inTransaction) return;
    if (!c.holdsLock) await c.relock();
    c.inTransaction = false;
    this.#core.undo(this.#core.control.transaction);
  }

  async savepoint(
    connection: DatabaseConnection,
    savepointName: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#savepointCommand(connection, 'savepoint', savepointName, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    savepointName: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#savepointCommand(connection, 'rollback to', savepointName, compileQuery);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    savepointName: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#savepointCommand(connection, 'release', savepointName, compileQuery);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    own(connection).unlock();
  }

  /** Commits the open group, if any, and closes the database. */
  async destroy(): Promise<void> {
    await this.#core.mutex.lock();
    try {
      this.#core.commitGroup();
    } finally {
      this.#core.close();
      this.#core.mutex.unlock();
    }
  }

  async #savepointCommand(
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
}

function own(connection: DatabaseConnection): GroupCommitConnection {
  if (connection instanceof GroupCommitConnection) return connection;
  throw new Error('GroupCommitSqliteDriver was given a connection it did not create');
}
