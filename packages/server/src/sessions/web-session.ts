import { constantTimeEqual } from '@cipherpad/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';

/** The cookie that carries the security site's session. */
export const SESSION_COOKIE = 'cp_session';

/** How a client wants its new session: a bearer token in the body, or the cookie. */
export type SessionDelivery = 'bearer' | 'cookie';

/** A new session as a route answers it (docs/web-api.md, web sessions). */
export interface SessionAnswer {
  readonly session: {
    readonly token?: string;
    readonly expiresAt: number;
    /** When it ends unless a request comes first (the policy's idle time, within `expiresAt`). */
    readonly idleExpiresAt: number;
    /** The idle time: the session ends after this long without a request. */
    readonly idleTimeoutMs: number;
  };
  readonly csrfToken?: string;
  readonly account: { readonly id: string; readonly email: string };
  readonly deviceId: string;
}

/**
 * The CSRF token of a session: an HMAC of its token under a key derived from
 * the master key. It needs no storage, and the site gets it again from
 * `GET /v1/session` after a reload.
 */
export function csrfTokenFor(services: Services, sessionToken: string): string {
  return services.codes.hash('csrf', sessionToken);
}

/** Whether `X-CSRF-Token` holds the session's CSRF token (compared in constant time). */
export function csrfTokenMatches(
  services: Services,
  sessionToken: string,
  request: FastifyRequest,
): boolean {
  const header = request.headers['x-csrf-token'];
  if (typeof header !== 'string' || header.length > 128) return false;
  return constantTimeEqual(csrfTokenFor(services, sessionToken), header);
}

/** The session token in the request's `cp_session` cookie, if any. */
export function sessionCookie(request: FastifyRequest): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(separator + 1).trim();
    return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
  }
  return null;
}

function cookieAttributes(services: Services): string {
  const secure = services.config.publicUrl.startsWith('https:') ? '; Secure' : '';
  return `Path=/; HttpOnly; SameSite=Strict${secure}`;
}

/** Sets the session cookie; it lasts as long as the session. */
export function setSessionCookie(
  services: Services,
  reply: FastifyReply,
  token: string,
  expiresAt: number,
): void {
  const maxAge = Math.max(0, Math.floor((expiresAt - services.clock.now()) / 1000));
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${token}; Max-Age=${maxAge}; ${cookieAttributes(services)}`,
  );
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(services: Services, reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; ${cookieAttributes(services)}`);
}

/**
 * Answers a new session the way the client asked: the bearer token in the
 * body, or the cookie with only the CSRF token in the body.
 */
export function answerSession(
  services: Services,
  reply: FastifyReply,
  delivery: SessionDelivery | undefined,
  session: {
    token: string;
    expiresAt: number;
    accountId: string;
    email: string;
    deviceId: string;
  },
): SessionAnswer {
  const account = { id: session.accountId, email: session.email };
  const idleTimeoutMs = services.policy.sessionIdleMs;
  const idleExpiresAt = Math.min(session.expiresAt, services.clock.now() + idleTimeoutMs);
  if (delivery === 'cookie') {
    setSessionCookie(services, reply, session.token, session.expiresAt);
    return {
      session: { expiresAt: session.expiresAt, idleExpiresAt, idleTimeoutMs },
      csrfToken: csrfTokenFor(services, session.token),
      account,
      deviceId: session.deviceId,
    };
  }
  return {
    session: { token: session.token, expiresAt: session.expiresAt, idleExpiresAt, idleTimeoutMs },
    account,
    deviceId: session.deviceId,
  };
}

/** The response schema of a new session. */
export const sessionAnswerSchema = {
  type: 'object',
  properties: {
    session: {
      type: 'object',
      properties: {
        token: { type: 'string' },
        expiresAt: { type: 'number' },
        idleExpiresAt: { type: 'number' },
        idleTimeoutMs: { type: 'number' },
      },
    },
    csrfToken: { type: 'string' },
    account: {
      type: 'object',
      properties: { id: { type: 'string' }, email: { type: 'string' } },
    },
    deviceId: { type: 'string' },
  },
} as const;
