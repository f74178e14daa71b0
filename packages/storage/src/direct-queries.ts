import {
  type CompiledQuery,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryResult,
  Transaction,
} from 'kysely';
import type { GroupCommitCore } from './group-commit-core.js';
import type { GroupCommitSqliteDialect } from './group-commit-sqlite-dialect.js';

/** A group-commit database as a Kysely instance made from its dialect sees it. */
interface GroupCommitTarget {
  readonly core: GroupCommitCore;
  readonly dialect: GroupCommitSqliteDialect;
  readonly driver: Driver;
}

/**
 * The database behind each adapter a {@link GroupCommitSqliteDialect} made. A
 * Kysely instance and its transactions share their adapter, so it tells
 * which database a query runs on.
 */
const targets = new WeakMap<DialectAdapter, GroupCommitTarget>();

/** Records that queries through `adapter` run on `target`. */
export function registerTarget(adapter: DialectAdapter, target: GroupCommitTarget): void {
  targets.set(adapter, target);
}

/**
 * Runs a compiled query on a group-commit SQLite database straight away,
 * without Kysely's executor, when that gives the same outcome (see
 * `GroupCommitCore.runDirect`); `undefined` when the query must take Kysely's
 * path: another dialect, an instance with plugins (which may change results),
 * or a statement that must wait for the lock.
 */
export function runDirect<DB, R>(
  db: Kysely<DB>,
  adapter: DialectAdapter,
  query: CompiledQuery<R>,
): Promise<QueryResult<R>> | undefined {
  const target = targets.get(adapter);
  if (!target) return undefined;
  const executor = db.getExecutor();
  if (executor.plugins.length > 0) return undefined;
  return target.core.runDirect(query, executor, db.isTransaction) as
    | Promise<QueryResult<R>>
    | undefined;
}

/**
 * `db.transaction().execute(callback)`, with less machinery on a
 * group-commit SQLite database (see `GroupCommitCore.transaction`): prepared
 * queries given the transaction run at once on its connection. It commits
 * when `callback` resolves and rolls back when it throws, and answers once
 * the COMMIT is done, as Kysely's does; on any other database it is Kysely's.
 *
 * @example
 * ```ts
 * await runTransaction(db, async (trx) => {
 *   await claimChallenge(trx, { id, now });
 *   await insertSession(trx, session);
 * });
 * ```
 */
export function runTransaction<DB, T>(
  db: Kysely<DB>,
  callback: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const executor = db.getExecutor();
  const target = db.isTransaction ? undefined : targets.get(executor.adapter);
  if (!target) return db.transaction().execute(callback);
  const { core, dialect, driver } = target;
  return core.transaction(executor, (transactionExecutor) =>
    callback(
      new Transaction<DB>({ config: { dialect }, dialect, driver, executor: transactionExecutor }),
    ),
  );
}

/**
 * How to pause a group-commit SQLite database's writes (see
 * `GroupCommitCore.pauseWrites`), for its WAL checkpointer; `undefined` for
 * any other database.
 */
export function writePauser<DB>(db: Kysely<DB>): (() => Promise<() => void>) | undefined {
  const target = targets.get(db.getExecutor().adapter);
  return target ? () => target.core.pauseWrites() : undefined;
}
