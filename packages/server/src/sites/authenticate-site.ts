import { constantTimeEqual } from '@cipherpad/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken } from '../crypto/code-hasher.js';
import { prepareQuery } from '../db/prepared-query.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** The relying site behind a request of the confirmation API. */
export interface AuthenticatedSite {
  readonly id: string;
  readonly name: string;
}

const BASIC = /^Basic ([A-Za-z0-9+/=]{1,400})$/;
const CLIENT_ID = /^cps_[A-Za-z0-9_-]{22}$/;
// Compared against when the client id is unknown, so an unknown id costs the same time.
const NO_SITE_HASH = hashToken('no such site');

/** An active site by its client id, with its secret's hash. */
const activeSite = prepareQuery<{ id: string }, { id: string; name: string; secret_hash: string }>(
  (db, p) =>
    db
      .selectFrom('sites')
      .select(['id', 'name', 'secret_hash'])
      .where('id', '=', p.id)
      .where('status', '=', 'active'),
);

/**
 * Authenticates a relying site by HTTP Basic authentication (RFC 7617, as
 * OAuth's `client_secret_basic`): the SHA-256 of the secret is compared in
 * constant time with the stored one. Every failure is the same
 * `ERR_SITE_AUTH`, with `WWW-Authenticate`. Then counts the request against
 * the site's per-minute limit (`SITE_REQUESTS_PER_MINUTE`, in memory).
 *
 * @throws ServiceError `ERR_SITE_AUTH`, `ERR_RATE_LIMITED_SITE`.
 */
export async function authenticateSite(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<AuthenticatedSite> {
  const refuse = (): never => {
    reply.header('www-authenticate', 'Basic realm="cipherpad"');
    throw new ServiceError('ERR_SITE_AUTH');
  };
  const encoded = BASIC.exec(request.headers.authorization ?? '')?.[1];
  if (!encoded) return refuse();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return refuse();
  const clientId = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  const site = CLIENT_ID.test(clientId)
    ? (await activeSite(services.db, { id: clientId })).rows[0]
    : undefined;
  const matches = constantTimeEqual(hashToken(secret), site?.secret_hash ?? NO_SITE_HASH);
  if (!site || !matches) return refuse();
  const decision = services.siteRequests.take(site.id);
  if (!decision.allowed) {
    reply.header('retry-after', String(decision.retryAfterSeconds));
    throw new ServiceError('ERR_RATE_LIMITED_SITE');
  }
  return { id: site.id, name: site.name };
}
