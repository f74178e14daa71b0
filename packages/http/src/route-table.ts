import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';

/** A route as declared: its method, its path pattern (`/v1/logins/:id/status`), its schema. */
export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema | undefined;
}

/**
 * Every route an app declares, recorded as it is declared (an `onRoute`
 * hook), so that an unknown method on a known path can be answered 405 with
 * its `Allow` header (RFC 9110 §15.5.6), and so that the fuzz tests reach
 * every route, new ones included, without a list to keep up to date.
 */
export class RouteTable {
  readonly #routes: DeclaredRoute[] = [];
  readonly #patterns: { readonly method: string; readonly path: RegExp }[] = [];

  /** Records the routes `app` declares from now on (call before registering them). */
  static track(app: FastifyInstance): RouteTable {
    const table = new RouteTable();
    tables.set(app, table);
    app.addHook('onRoute', (route) => table.#add(route));
    return table;
  }

  /** The table {@link track} keeps for `app`, or `undefined`. */
  static of(app: FastifyInstance): RouteTable | undefined {
    return tables.get(app);
  }

  /** The declared routes, one per method. */
  get routes(): readonly DeclaredRoute[] {
    return this.#routes;
  }

  /**
   * The methods declared for `path` (without its query), leaving out
   * catch-all routes (`/*`, the static files), which would otherwise claim
   * every path.
   */
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const pattern of this.#patterns) {
      if (pattern.path.test(path)) methods.add(pattern.method);
    }
    return [...methods].sort();
  }

  #add(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      this.#routes.push({ method, url: route.url, schema: route.schema });
      if (route.url.includes('*')) continue;
      const source = route.url
        .split('/')
        .map((part) =>
          part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/');
      this.#patterns.push({ method, path: new RegExp(`^${source}$`) });
    }
  }
}

const tables = new WeakMap<FastifyInstance, RouteTable>();
