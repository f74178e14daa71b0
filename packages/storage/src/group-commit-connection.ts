import {
  type CompiledQuery,
  type DatabaseConnection,
  type QueryResult,
  SelectQueryNode,
} from 'kysely';
import type { GroupCommitCore } from './group-commit-core.js';

/**
 * One acquisition of a `GroupCommitSqliteDriver`'s single connection:
 * Kysely gets a new one each time, which carries that acquisition's state.
 */
export class GroupCommitConnection implements DatabaseConnection {
  /** Whether this acquisition holds the lock now (false once it gave it back early). */
  holdsLock = true;
  /** Whether a Kysely transaction's savepoint is open on it. */
  inTransaction = false;
  readonly #core: GroupCommitCore;

  constructor(core: GroupCommitCore) {
    this.#core = core;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.holdsLock) await this.relock();
    const result = this.inTransaction
      ? this.#core.runInTransaction(query)
      : await this.#core.runAutocommit(this, query);
    return result as QueryResult<R>;
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) {
      throw new Error('Sqlite driver only supports streaming of select queries');
    }
    if (!this.holdsLock) await this.relock();
    if (this.inTransaction) this.#core.liveGroup();
    const statement = this.#core.statements.prepare(query.sql);
    for (const row of statement.iterate(query.parameters)) {
      yield { rows: [row as R] };
    }
  }

  /** Takes the lock again, for a connection Kysely keeps using after a commit. */
  async relock(): Promise<void> {
    await this.#core.mutex.lock();
    this.holdsLock = true;
  }

  /** Gives the lock back, once. */
  unlock(): void {
    if (!this.holdsLock) return;
    this.holdsLock = false;
    this.#core.mutex.unlock();
  }
}
