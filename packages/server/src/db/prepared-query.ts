import type { Compilable, CompiledQuery, DialectAdapter, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

const PARAMETER = Symbol('parameter');
interface Placeholder {
  readonly [PARAMETER]: string;
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PARAMETER in value;
}

/**
 * A query built and compiled once per dialect, then run with new parameter
 * values: for the hot paths, where building and compiling the same query on
 * every request costs more than running it.
 *
 * `build` receives placeholders in place of the parameters; it must use each
 * one only as a value (never to choose the query's shape), so the compiled SQL
 * is the same for every call.
 *
 * @example
 * ```ts
 * const accountByEmail = prepareQuery<{ email: string }, { id: string }>((db, p) =>
 *   db.selectFrom('accounts').select('id').where('email', '=', p.email),
 * );
 * const { rows } = await accountByEmail(db, { email: 'a@example.com' });
 * ```
 */
export function prepareQuery<P extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, params: P) => Compilable<R>,
): (executor: Kysely<Database>, params: P) => Promise<QueryResult<R>> {
  const compiledBy = new WeakMap<DialectAdapter, CompiledQuery<R>>();
  const placeholders = new Proxy({} as P, {
    get: (_target, name) => ({ [PARAMETER]: String(name) }),
  });
  return (executor, params) => {
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
}
