import type { CompiledQuery, DialectAdapter, Kysely, QueryResult } from 'kysely';
import type { GroupCommitCore } from './group-commit-core.js';

/**
 * The group-commit state behind each adapter a {@link GroupCommitSqliteDialect}
 * made. A Kysely instance and its transactions share their adapter, so it
 * tells which database a query runs on.
 */
const cores = new WeakMap<DialectAdapter, GroupCommitCore>();

/** Records that queries through `adapter` run on `core`. */
export function registerCore(adapter: DialectAdapter, core: GroupCommitCore): void {
  cores.set(adapter, core);
}

/**
 * Runs a compiled query on a group-commit SQLite database straight away,
 * without Kysely's executor, when that gives the same outcome (see
 * `GroupCommitCore.runDirect`); `undefined` when the query must take Kysely's
 * path: another dialect, an instance with plugins (which may change results),
 * or a statement that must wait for the lock.
 */
export function runDirect<DB, R>(
  executor: Kysely<DB>,
  adapter: DialectAdapter,
  query: CompiledQuery<R>,
): Promise<QueryResult<R>> | undefined {
  const core = cores.get(adapter);
  if (!core || executor.getExecutor().plugins.length > 0) return undefined;
  return core.runDirect(query, executor.isTransaction) as Promise<QueryResult<R>> | undefined;
}
