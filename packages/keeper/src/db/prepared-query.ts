import type { Compilable, CompiledQuery, DialectAdapter, Kysely, QueryResult } from 'kysely';

const PARAMETER = Symbol('parameter');

/** What `build` receives in place of a parameter's value: it names the parameter. */
interface Placeholder {
  readonly [PARAMETER]: string;
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PARAMETER in value;
}

/**
 * Makes `prepareQuery` for the schema `DB`: queries built and compiled once
 * per dialect, then run with new parameter values. For the hot paths, where
 * building and compiling the same query on every request (Kysely's builders
 * and its compiler walking the tree) costs more than the database running it.
 *
 * Independent of any one schema (it only needs Kysely's types), so that a
 * package with another schema can make its own with one line.
 *
 * `build` receives placeholders in place of the parameters; it must use each
 * one only as a value (never to choose the query's shape, never in `sql`
 * raw text), so the compiled SQL is the same for every call. Every value the
 * query sends is still a bound parameter: nothing is pasted into the SQL.
 *
 * @example
 * ```ts
 * const prepareQuery = queryPreparer<KeeperDatabase>();
 * const userByEmail = prepareQuery((db, p: { email: string }) =>
 *   db.selectFrom('users').select('id').where('email', '=', p.email),
 * );
 * const { rows } = await userByEmail(db, { email: 'a@example.com' });
 * ```
 */
export function queryPreparer<DB>() {
  return function prepareQuery<P extends Record<string, unknown>, R>(
    build: (db: Kysely<DB>, params: P) => Compilable<R>,
  ): (executor: Kysely<DB>, params: P) => Promise<QueryResult<R>> {
    const compiledBy = new WeakMap<DialectAdapter, CompiledQuery<R>>();
    const placeholders = new Proxy({} as P, {
      get: (_target, name) => ({ [PARAMETER]: String(name) }),
    });
    return (executor, params) => {
      // A transaction shares its database's adapter, so it finds the same compiled query.
      const adapter = executor.getExecutor().adapter;
      let compiled = compiledBy.get(adapter);
      if (!compiled) {
        compiled = build(executor, placeholders).compile();
        compiledBy.set(adapter, compiled);
      }
      const parameters = compiled.parameters.map((value) =>
        isPlaceholder(value) ? params[value[PARAMETER]] : value,
      );
      return executor.executeQuery<R>({ ...compiled, parameters });
    };
  };
}
