import { hash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { prepareQuery } from '../db/database.js';
import { KeeperError } from '../errors.js';
import type { KeeperServices } from '../services.js';
import type { User } from '../wallet/open-wallet.js';

/** The session cookie (named apart from the service's, which shares the host in development). */
export const SESSION_COOKIE = 'keeper_session';
/** The cookie that binds a pending login to the browser that began it. */
export const LOGIN_COOKIE = 'keeper_login';
/**
 * How long a session lasts at most, however active (NIST SP 800-63B §4.2.3:
 * reauthenticate at least once per 12 hours); it ends sooner after
 * `config.sessionIdleMs` without a request.
 */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/**
 * The header the pages send on the requests they make by themselves (a long
 * poll): those do not count as the person's activity.
 */
export const BACKGROUND_HEADER = 'x-background-request';

/** SHA-256 of a token, as stored (a database leak reveals no usable cookie). */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** A fresh 256-bit token, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A cookie's value from the request, if it looks like one of ours. */
export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
  }
  return null;
}

/** Sets a cookie: HttpOnly, SameSite=Strict, and Secure when the keeper is served over https. */
export function setCookie(
  services: KeeperServices,
  reply: FastifyReply,
  name: string,
  value: string,
  maxAgeSeconds: number,
  path = '/',
): void {
  const secure = services.config.publicUrl.startsWith('https:') ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${name}=${value}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; Path=${path}; HttpOnly; SameSite=Strict${secure}`,
  );
}

/** Opens a session for a user: the cookie, and the CSRF token the page keeps in memory. */
export async function openSession(
  services: KeeperServices,
  reply: FastifyReply,
  user: User,
): Promise<{ csrfToken: string }> {
  const token = newToken();
  const csrfToken = newToken();
  const now = services.clock.now();
  await services.db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: user.id,
      csrf_token: csrfToken,
      expires_at: now + SESSION_TTL_MS,
      created_at: now,
    })
    .execute();
  setCookie(services, reply, SESSION_COOKIE, token, SESSION_TTL_MS / 1000);
  return { csrfToken };
}

/** A session's user and CSRF token, by the SHA-256 of the session's token. */
const sessionByHash = prepareQuery((db, p: { tokenHash: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select([
      'sessions.csrf_token',
      'sessions.expires_at',
      'sessions.created_at as session_created_at',
      'sessions.last_seen_at',
    ])
    .where('sessions.token_hash', '=', p.tokenHash),
);

/** Records a request of the session's person, only while it is within its idle time. */
const recordActivity = prepareQuery(
  (db, p: { tokenHash: string; now: number; idleSince: number }) =>
    db
      .updateTable('sessions')
      .set({ last_seen_at: p.now })
      .where('token_hash', '=', p.tokenHash)
      .where(sql<number>`coalesce(last_seen_at, created_at)`, '>', p.idleSince),
);

/** A live session: its user, CSRF token, and when it ends without a request. */
export interface LiveSession {
  readonly user: User;
  readonly csrfToken: string;
  readonly tokenHash: string;
  /** When it ends unless its person makes a request first (never after its 12 h). */
  readonly idleExpiresAt: number;
}

/**
 * The request's session: live, ended by inactivity (`idle`), or none
 * (no cookie, unknown, or past its 12 h).
 *
 * A request counts as its person's activity unless it carries
 * `X-Background-Request: 1`; the session's last request is recorded when
 * the recorded one is older than a tenth of the idle time (at most 30 s),
 * so most requests read one row and write nothing, and a session ends at
 * most that much before the idle time after its last request, never after.
 */
export function findSession(
  services: KeeperServices,
  request: FastifyRequest,
): Promise<LiveSession | 'idle' | null> {
  let found = sessionOfRequest.get(request);
  if (!found) {
    found = lookUpSession(services, request);
    sessionOfRequest.set(request, found);
  }
  return found;
}

/** The session each request was found to have: the CSRF guard and the route ask once. */
const sessionOfRequest = new WeakMap<FastifyRequest, Promise<LiveSession | 'idle' | null>>();

async function lookUpSession(
  services: KeeperServices,
  request: FastifyRequest,
): Promise<LiveSession | 'idle' | null> {
  const token = readCookie(request, SESSION_COOKIE);
  if (!token) return null;
  const tokenHash = hashToken(token);
  const [row] = (await sessionByHash(services.db, { tokenHash })).rows;
  const now = services.clock.now();
  if (!row || row.expires_at <= now) return null;
  const idleMs = services.config.sessionIdleMs;
  let lastSeenAt = row.last_seen_at ?? row.session_created_at;
  // PSD2 RTS Art. 4(3)(d): strict, a session idle for its whole idle time is over.
  if (lastSeenAt + idleMs <= now) return 'idle';
  const background = request.headers[BACKGROUND_HEADER] === '1';
  if (!background && now - lastSeenAt >= Math.min(30_000, Math.floor(idleMs / 10))) {
    const recorded = await recordActivity(services.db, {
      tokenHash,
      now,
      idleSince: now - idleMs,
    });
    // Within its idle time when read, the row is gone only if the session ended meanwhile (logout).
    if (recorded.numAffectedRows === 0n) return null;
    lastSeenAt = now;
  }
  const {
    csrf_token,
    expires_at,
    session_created_at: _created,
    last_seen_at: _lastSeen,
    ...user
  } = row;
  return {
    user,
    csrfToken: csrf_token,
    tokenHash,
    idleExpiresAt: Math.min(expires_at, lastSeenAt + idleMs),
  };
}

/**
 * The live session of a request, or `ERR_NOT_SIGNED_IN`, or
 * `ERR_SESSION_IDLE` when the session ended by inactivity. A request that
 * changes something has already shown the session's CSRF token to the
 * keeper's single guard (auth/csrf-guard.ts) before it got here.
 */
export async function requireSession(
  services: KeeperServices,
  request: FastifyRequest,
): Promise<LiveSession> {
  const session = await findSession(services, request);
  if (session === 'idle') throw sessionIdle(services);
  if (!session) throw new KeeperError('ERR_NOT_SIGNED_IN');
  return session;
}

/** The signed-in user of a request, as {@link requireSession} finds it. */
export async function requireUser(
  services: KeeperServices,
  request: FastifyRequest,
): Promise<User> {
  return (await requireSession(services, request)).user;
}

/** Ends the request's session, if any, and drops the cookie. */
export async function closeSession(
  services: KeeperServices,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const token = readCookie(request, SESSION_COOKIE);
  if (token)
    await services.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
  setCookie(services, reply, SESSION_COOKIE, '', 0);
}

/** `ERR_SESSION_IDLE`, saying how long the idle time is. */
export function sessionIdle(services: KeeperServices): KeeperError {
  const idleMs = services.config.sessionIdleMs;
  const span =
    idleMs % 60_000 === 0
      ? `${idleMs / 60_000} minute${idleMs === 60_000 ? '' : 's'}`
      : `${Math.round(idleMs / 1000)} seconds`;
  return new KeeperError('ERR_SESSION_IDLE', {
    message: `The session ended after ${span} without a request. Sign in again.`,
    details: { idleTimeoutMs: idleMs },
  });
}
