import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { KeeperError } from '../errors.js';
import type { KeeperServices } from '../services.js';
import { requireSession } from './sessions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Why this state-changing route is answered without the session's CSRF
     * token. Absent (the rule), the route needs it.
     */
    csrfExempt?: string;
  }
}

/** The methods that change nothing (RFC 9110 §9.2.1, safe methods). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A route as the guard saw it registered. */
export interface GuardedRoute {
  readonly method: string;
  readonly url: string;
  /** Null when the route needs the CSRF token; otherwise why it does not. */
  readonly exempt: string | null;
}

const routesByApp = new WeakMap<FastifyInstance, GuardedRoute[]>();

/**
 * Every route of `app` with a method that can change something, as
 * registered (read by the test that sends each of them without the token).
 */
export function stateChangingRoutes(app: FastifyInstance): readonly GuardedRoute[] {
  return routesByApp.get(app) ?? [];
}

/** Whether the `X-CSRF-Token` header carries exactly `expected`, compared in constant time. */
function carriesToken(header: string | string[] | undefined, expected: string): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * One CSRF guard for the whole keeper (OWASP ASVS 4.0 §4.2.2, synchronizer
 * token): every request whose method is not safe needs a live session
 * (`ERR_NOT_SIGNED_IN`, or `ERR_SESSION_IDLE`) and that session's token in `X-CSRF-Token`
 * (`ERR_CSRF`), before its body is even parsed. A route is answered without
 * it only when it says why in `config.csrfExempt`; the table test lists
 * those. Must be installed before any route is added, so it sees them all.
 */
export function installCsrfGuard(app: FastifyInstance, services: KeeperServices): void {
  const routes: GuardedRoute[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (SAFE_METHODS.has(method)) continue;
      routes.push({ method, url: route.url, exempt: route.config?.csrfExempt ?? null });
    }
  });
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.is404) return;
    if (request.routeOptions.config.csrfExempt) return;
    const session = await requireSession(services, request);
    if (!carriesToken(request.headers['x-csrf-token'], session.csrfToken)) {
      throw new KeeperError('ERR_CSRF');
    }
  });
}
