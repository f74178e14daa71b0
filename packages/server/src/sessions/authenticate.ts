import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { prepareQuery } from '../db/prepared-query.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { idleExpiresAt, isBackgroundRequest, refreshAfterMs } from './session-activity.js';
import { parseSessionToken, sessionSecretMatches } from './session-token.js';
import { csrfTokenFor, csrfTokenMatches, sessionCookie } from './web-session.js';

/** The account behind a request's session. */
export interface Authenticated {
  readonly sessionId: string;
  readonly accountId: string;
  readonly email: string;
  readonly deviceId: string | null;
  /** The session's absolute end. */
  readonly expiresAt: number;
  /** When the session ends unless its person makes a request first (never after `expiresAt`). */
  readonly idleExpiresAt: number;
  /** How the session came: `Authorization: Bearer`, or the security site's cookie. */
  readonly via: 'bearer' | 'cookie';
  /** The session's CSRF token, for a cookie session. */
  readonly csrfToken?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** A session with its account and device: one read by the primary key. */
const sessionById = prepareQuery((db, p: { id: string }) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('devices as d', 'd.id', 's.device_id')
    .select([
      's.id',
      's.secret_hash',
      's.account_id',
      's.device_id',
      's.created_at',
      's.last_seen_at',
      's.expires_at',
      'a.email',
      'a.status',
      'd.status as device_status',
    ])
    .where('s.id', '=', p.id),
);

/**
 * Records a request of the session's person, only while the session is
 * still within its idle time at the moment of writing: a request racing
 * the end cannot bring an ended session back.
 */
const recordActivity = prepareQuery((db, p: { id: string; now: number; idleSince: number }) =>
  db
    .updateTable('sessions')
    .set({ last_seen_at: p.now })
    .where('id', '=', p.id)
    .where(sql<number>`coalesce(last_seen_at, created_at)`, '>', p.idleSince),
);

/**
 * Finds the live session of `Authorization: Bearer <token>` or, without that
 * header, of the `cp_session` cookie. A cookie session must carry its CSRF
 * token in `X-CSRF-Token` on every request that is not GET or HEAD: the
 * browser sends the cookie with any request, the header only from our pages.
 *
 * The request counts as its person's activity unless it carries
 * `X-Background-Request: 1` (a page's own timer or poll): the session's
 * last request is recorded when the recorded one is older than
 * {@link refreshAfterMs}, so most requests read one row and write nothing.
 *
 * @throws ServiceError `ERR_UNAUTHENTICATED` when the session is missing,
 *   unknown or past its absolute end, or its account or its device is no longer active;
 *   `ERR_SESSION_IDLE` when it went the policy's idle time without a request;
 *   `ERR_CSRF` when a cookie request lacks its CSRF token.
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
  const [session] = (await sessionById(services.db, { id: parts.id })).rows;
  const now = services.clock.now();
  if (
    !sessionSecretMatches(parts.secret, session?.secret_hash) ||
    !session ||
    session.expires_at <= now ||
    session.status !== 'active' ||
    // A session opened by a device ends when the device is deactivated.
    (session.device_id !== null && session.device_status !== 'active')
  ) {
    throw new ServiceError('ERR_UNAUTHENTICATED');
  }
  const idleMs = services.policy.sessionIdleMs;
  let lastSeenAt = session.last_seen_at ?? session.created_at;
  // PSD2 RTS Art. 4(3)(d): strict, a session idle for its whole idle time is over.
  if (lastSeenAt + idleMs <= now) throw idleEnded(idleMs);
  if (via === 'cookie' && !SAFE_METHODS.has(request.method)) {
    if (!csrfTokenMatches(services, token, request)) throw new ServiceError('ERR_CSRF');
  }
  if (now - lastSeenAt >= refreshAfterMs(idleMs) && !isBackgroundRequest(request)) {
    const recorded = await recordActivity(services.db, {
      id: session.id,
      now,
      idleSince: now - idleMs,
    });
    // Within its idle time when read, the row is gone only if the session ended meanwhile (logout).
    if (recorded.numAffectedRows === 0n) throw new ServiceError('ERR_UNAUTHENTICATED');
    lastSeenAt = now;
  }
  return {
    sessionId: session.id,
    accountId: session.account_id,
    email: session.email,
    deviceId: session.device_id,
    expiresAt: session.expires_at,
    idleExpiresAt: idleExpiresAt({ lastSeenAt, expiresAt: session.expires_at }, idleMs),
    via,
    ...(via === 'cookie' ? { csrfToken: csrfTokenFor(services, token) } : {}),
  };
}

/** `ERR_SESSION_IDLE`, saying how long the idle time is, so a person knows why and what to do. */
function idleEnded(idleMs: number): ServiceError {
  const span =
    idleMs % 60_000 === 0
      ? `${idleMs / 60_000} minute${idleMs === 60_000 ? '' : 's'}`
      : `${Math.round(idleMs / 1000)} seconds`;
  return new ServiceError(
    'ERR_SESSION_IDLE',
    { idleTimeoutMs: idleMs },
    `The session ended after ${span} without a request. Sign in again.`,
  );
}
