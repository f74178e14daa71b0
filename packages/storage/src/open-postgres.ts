import {
  Kysely,
  type PostgresCursor,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import pg from 'pg';
import { preparedStatementName } from './prepared-query.js';

/** A PostgreSQL database: its URL, optionally one schema of it, and the pool's size. */
export interface PostgresLocation {
  readonly url: string;
  readonly schema?: string;
  /** Connections at most; 10 unless given. */
  readonly poolSize?: number;
}

/** An open PostgreSQL pool: the typed query layer, and how to close it. */
export interface PostgresHandle<DB> {
  readonly db: Kysely<DB>;
  close(): Promise<void>;
}

/**
 * Opens a pool of PostgreSQL connections as Cipherpad's parts use it:
 *
 * - `int8` (bigint) columns are read as numbers: they hold millisecond times
 *   and minor units of money, kept well inside 2^53;
 * - with `schema`, each connection's `search_path` is that schema;
 * - the queries compiled once by `queryPreparer` run as named prepared
 *   statements, so PostgreSQL parses and plans each once per connection
 *   instead of on every call (the login bench: about 47% more cycles a
 *   second, half the database's CPU per cycle). Every other statement (built
 *   per call, migrations) runs unnamed, so the statements a connection keeps
 *   are bounded by the code, not by the traffic;
 * - an idle connection that fails (the server restarted, or ended it) is
 *   dropped from the pool and reported to `onWarning`, and the next query
 *   opens a new one. Without a listener, node-postgres would throw that
 *   error out of the process.
 */
export function openPostgres<DB>(
  location: PostgresLocation,
  onWarning: (message: string, error: Error) => void = () => {},
): PostgresHandle<DB> {
  const pool = new pg.Pool({
    connectionString: location.url,
    max: location.poolSize ?? 10,
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format ?? 'text'),
    },
    ...(location.schema ? { options: `-c search_path=${location.schema}` } : {}),
  });
  pool.on('error', (error: Error & { code?: string }) => {
    // A fresh error: node-postgres hangs the whole client (its settings
    // included) on the one it emits.
    const reported = new Error(error.message);
    if (error.code) Object.assign(reported, { code: error.code });
    onWarning('an idle PostgreSQL connection failed and was dropped from the pool', reported);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: namingStatements(pool) }) });
  return { db, close: () => db.destroy() };
}

/**
 * The pool as Kysely's dialect sees it, each client passing the statements
 * `queryPreparer` compiled as named ones. A client keeps one wrapper for
 * its life, so Kysely (which keys its connections by client) keeps one too.
 */
function namingStatements(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query(
      sqlOrCursor: string | PostgresCursor<unknown>,
      parameters?: readonly unknown[],
    ): unknown {
      if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as never);
      const values = parameters as unknown[];
      const name = preparedStatementName(sqlOrCursor);
      return name
        ? client.query({ name, text: sqlOrCursor, values })
        : client.query(sqlOrCursor, values);
    }
    return { query, release: () => client.release() };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
