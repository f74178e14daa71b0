import type { FastifyRequest } from 'fastify';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { parseSessionToken, sessionSecretMatches } from './session-token.js';
import { csrfTokenFor, csrfTokenMatches, sessionCookie } from './web-session.js';

/** The account behind a request's session. */
export interface Authenticated {
  readonly sessionId: string;
  readonly accountId: string;
  readonly email: string;
  readonly deviceId: string | null;
  readonly expiresAt: number;
  /** How the session came: `Authorization: Bearer`, or the security site's cookie. */
  readonly via: 'bearer' | 'cookie';
  /** The session's CSRF token, for a cookie session. */
  readonly csrfToken?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Finds the live session of `Authorization: Bearer <token>` or, without that
 * header, of the `cp_session` cookie. A cookie session must carry its CSRF
 * token in `X-CSRF-Token` on every request that is not GET or HEAD: the
 * browser sends the cookie with any request, the header only from our pages.
 *
 * @throws ServiceError `ERR_UNAUTHENTICATED` when the session is missing,
 *   unknown or expired, or its account or its device is no longer active; `ERR_CSRF` when a cookie request lacks its CSRF token.
 */
export async function authenticate(
  services: Services,
  request: FastifyRequest,
): Promise<Authenticated> {
  const header = request.headers.authorization;
  let token: string | null = null;
  let via: Authenticated['via'] = 'bearer';
  if (header !== undefined) {
    token = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header)?.[1] ?? null;
  } else {
    token = sessionCookie(request);
    via = 'cookie';
  }
  if (!token) throw new ServiceError('ERR_UNAUTHENTICATED');
  const parts = parseSessionToken(token);
  if (!parts) throw new ServiceError('ERR_UNAUTHENTICATED');
  const session = await services.db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('devices as d', 'd.id', 's.device_id')
    .select([
      's.id',
      's.secret_hash',
      's.account_id',
      's.device_id',
      's.expires_at',
      'a.email',
      'a.status',
      'd.status as device_status',
    ])
    .where('s.id', '=', parts.id)
    .executeTakeFirst();
  if (
    !sessionSecretMatches(parts.secret, session?.secret_hash) ||
    !session ||
    session.expires_at <= services.clock.now() ||
    session.status !== 'active' ||
    // A session opened by a device ends when the device is deactivated.
    (session.device_id !== null && session.device_status !== 'active')
  ) {
    throw new ServiceError('ERR_UNAUTHENTICATED');
  }
  if (via === 'cookie' && !SAFE_METHODS.has(request.method)) {
    if (!csrfTokenMatches(services, token, request)) throw new ServiceError('ERR_CSRF');
  }
  return {
    sessionId: session.id,
    accountId: session.account_id,
    email: session.email,
    deviceId: session.device_id,
    expiresAt: session.expires_at,
    via,
    ...(via === 'cookie' ? { csrfToken: csrfTokenFor(services, token) } : {}),
  };
}
