/**
 * Storage pieces the service and the keeper share: SQLite with group commit
 * and WAL checkpoints off the event loop, PostgreSQL pools, queries compiled
 * once (prepared statements on PostgreSQL), deletes in
 * short batches, and row ids (time first), with the pool of random bytes they
 * and tokens draw on.
 */
export { deleteInBatches } from './delete-in-batches.js';
export { runTransaction } from './direct-queries.js';
export { GroupCommitSqliteDialect } from './group-commit-sqlite-dialect.js';
export { newId } from './new-id.js';
export { openPostgres, type PostgresHandle, type PostgresLocation } from './open-postgres.js';
export { openSqlite, type SqliteHandle } from './open-sqlite.js';
export { type PreparedQuery, queryPreparer } from './prepared-query.js';
export { fillRandom, randomIntBelow, randomString } from './random-pool.js';
export { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
