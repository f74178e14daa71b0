/**
 * Storage pieces the service and the keeper share: SQLite with group commit
 * and WAL checkpoints off the event loop, and queries compiled once.
 */
export { GroupCommitSqliteDialect } from './group-commit-sqlite-dialect.js';
export { openSqlite, type SqliteHandle } from './open-sqlite.js';
export { type PreparedQuery, queryPreparer } from './prepared-query.js';
export { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
