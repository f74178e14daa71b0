import type {
  Compilable,
  CompiledQuery,
  DialectAdapter,
  Kysely,
  QueryResult,
  RawBuilder,
} from 'kysely';
import { runDirect } from './direct-queries.js';

const PARAMETER = Symbol('parameter');

/** What `build` receives in place of a parameter's value: it names the parameter. */
interface Placeholder {
  readonly [PARAMETER]: string;
}

/** The SQL texts `queryPreparer` compiled, each with its prepared statement's name. */
const statementNames = new Map<string, string>();

/**
 * The name under which a SQL text compiled by `queryPreparer` runs as a
 * prepared statement (on PostgreSQL, see `openPostgres`), or `undefined`
 * for any other text. One name per text, for the life of the process.
 */
export function preparedStatementName(sql: string): string | undefined {
  return statementNames.get(sql);
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PARAMETER in value;
}

/** A query built and compiled once, run with new parameter values. */
export type PreparedQuery<DB, P, R> = (executor: Kysely<DB>, params: P) => Promise<QueryResult<R>>;

/**
 * Makes `prepareQuery` for the schema `DB`: queries built and compiled once
 * per dialect, then run with new parameter values. For the hot paths, where
 * building and compiling the same query on every request (Kysely's builders
 * and its compiler walking the tree) costs more than the database running it.
 *
 * `build` receives placeholders in place of the parameters; it must use each
 * one only as a value (never to choose the query's shape), so the compiled
 * SQL is the same for every call. Every value the query sends is still a
 * bound parameter: nothing is pasted into the SQL. `build` may return a query
 * builder or a `sql` template (for a statement the builder cannot express, on
 * one dialect).
 *
 * @example
 * ```ts
 * const prepareQuery = queryPreparer<Database>();
 * const accountByEmail = prepareQuery<{ email: string }, { id: string }>((db, p) =>
 *   db.selectFrom('accounts').select('id').where('email', '=', p.email),
 * );
 * const { rows } = await accountByEmail(db, { email: 'a@example.com' });
 * ```
 */
export function queryPreparer<DB>() {
  return function prepareQuery<P extends Record<string, unknown>, R>(
    build: (db: Kysely<DB>, params: P) => Compilable<R> | RawBuilder<R>,
  ): PreparedQuery<DB, P, R> {
    const compiledBy = new WeakMap<DialectAdapter, CompiledQuery<R>>();
    const placeholders = new Proxy({} as P, {
      get: (_target, name) => ({ [PARAMETER]: String(name) }),
    });
    return (executor, params) => {
      // A transaction shares its database's adapter, so it finds the same compiled query.
      const adapter = executor.getExecutor().adapter;
      let compiled = compiledBy.get(adapter);
      if (!compiled) {
        // A builder's `compile()` takes no argument; a `sql` template's needs the executor.
        const built = build(executor, placeholders) as {
          compile(db: Kysely<DB>): CompiledQuery<R>;
        };
        compiled = built.compile(executor);
        compiledBy.set(adapter, compiled);
        if (!statementNames.has(compiled.sql)) {
          statementNames.set(compiled.sql, `cipherpad_${statementNames.size + 1}`);
        }
      }
      const parameters = compiled.parameters.map((value) =>
        isPlaceholder(value) ? params[value[PARAMETER]] : value,
      );
      const query = { ...compiled, parameters };
      // On group-commit SQLite, most run at once, without Kysely's executor.
      return runDirect(executor, adapter, query) ?? executor.executeQuery<R>(query);
    };
  };
}
