import type { FastifyRequest } from 'fastify';

/**
 * The header a page sends on the requests it makes by itself (a timer, a
 * poll): they do not count as the person's activity, or a page left open
 * would keep its session alive for ever.
 */
export const BACKGROUND_HEADER = 'x-background-request';

/** Whether the request says it was sent by the page itself, not caused by its person. */
export function isBackgroundRequest(request: FastifyRequest): boolean {
  return request.headers[BACKGROUND_HEADER] === '1';
}

/**
 * How stale a session's recorded last request may get before a new request
 * records it again: a tenth of the idle time, at most 30 seconds. So an
 * authenticated request writes at most once in that span, and a session
 * ends at most that much before the idle time after its last request,
 * never after.
 */
export function refreshAfterMs(idleMs: number): number {
  return Math.min(30_000, Math.floor(idleMs / 10));
}

/**
 * When a session ends unless its person makes a request first: its idle
 * time after its last recorded request, within its absolute limit.
 */
export function idleExpiresAt(
  session: { readonly lastSeenAt: number; readonly expiresAt: number },
  idleMs: number,
): number {
  return Math.min(session.expiresAt, session.lastSeenAt + idleMs);
}
