import { hash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { prepareQuery } from '../db/database.js';
import { KeeperError } from '../errors.js';
import type { KeeperServices } from '../services.js';
import type { User } from '../wallet/open-wallet.js';

/** The session cookie (named apart from the service's, which shares the host in development). */
export const SESSION_COOKIE = 'keeper_session';
/** The cookie that binds a pending login to the browser that began it. */
export const LOGIN_COOKIE = 'keeper_login';
/** How long a session lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

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
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', p.tokenHash),
);

type Session = { user: User; csrfToken: string; tokenHash: string };

/** The session each request was found to have: the CSRF guard and the route ask once. */
const sessionOfRequest = new WeakMap<FastifyRequest, Promise<Session | null>>();

/** The signed-in user and the session's CSRF token, or null (looked up once per request). */
export function currentSession(
  services: KeeperServices,
  request: FastifyRequest,
): Promise<Session | null> {
  let found = sessionOfRequest.get(request);
  if (!found) {
    found = lookUpSession(services, request);
    sessionOfRequest.set(request, found);
  }
  return found;
}

async function lookUpSession(
  services: KeeperServices,
  request: FastifyRequest,
): Promise<Session | null> {
  const token = readCookie(request, SESSION_COOKIE);
  if (!token) return null;
  const tokenHash = hashToken(token);
  const [row] = (await sessionByHash(services.db, { tokenHash })).rows;
  if (!row || row.expires_at <= services.clock.now()) return null;
  const { csrf_token, expires_at: _expires, ...user } = row;
  return { user, csrfToken: csrf_token, tokenHash };
}

/**
 * The signed-in user of a request, or `ERR_NOT_SIGNED_IN`. A request that
 * changes something has already shown the session's CSRF token to the
 * keeper's single guard (auth/csrf-guard.ts) before it got here.
 */
export async function requireUser(
  services: KeeperServices,
  request: FastifyRequest,
): Promise<User> {
  const session = await currentSession(services, request);
  if (!session) throw new KeeperError('ERR_NOT_SIGNED_IN');
  return session.user;
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
