import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { type AuthenticatedSite, authenticateSite } from './authenticate-site.js';

/**
 * Registers routes of the confirmation API in a scope where every request
 * authenticates its site first (before its body is validated: a stranger
 * learns nothing about the routes). Handlers read the site with
 * {@link siteOf}.
 */
export async function siteRoutesScope(
  app: FastifyInstance,
  services: Services,
  routes: (scope: FastifyInstance) => Promise<void>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.decorateRequest('site', null);
    scope.addHook('preValidation', async (request, reply) => {
      request.site = await authenticateSite(services, request, reply);
    });
    await routes(scope);
  });
}

/** The site's HTTP Basic credentials, for the OpenAPI description. */
export const siteSecurity = [{ siteBasic: [] }] as const;

/** The authenticated site of a request in a {@link siteRoutesScope}. */
export function siteOf(request: FastifyRequest): AuthenticatedSite {
  if (!request.site) throw new ServiceError('ERR_SITE_AUTH');
  return request.site;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The relying site, on the routes of the confirmation API. */
    site: AuthenticatedSite | null;
  }
}
