import type { FastifyInstance } from 'fastify';
import { errorBody } from '../http/schemas.js';
import type { Services } from '../services.js';
import { type Authenticated, authenticate } from './authenticate.js';
import { clearSessionCookie } from './web-session.js';

/** What `GET /v1/session` and `POST /v1/session/refresh` answer. */
interface SessionState {
  readonly account: { readonly id: string; readonly email: string };
  readonly deviceId: string | null;
  readonly expiresAt: number;
  readonly idleExpiresAt: number;
  readonly idleRemainingMs: number;
  readonly idleTimeoutMs: number;
  readonly csrfToken?: string;
}

const sessionStateSchema = {
  type: 'object',
  properties: {
    account: {
      type: 'object',
      properties: { id: { type: 'string' }, email: { type: 'string' } },
    },
    deviceId: { type: ['string', 'null'] },
    expiresAt: { type: 'number' },
    idleExpiresAt: { type: 'number' },
    idleRemainingMs: { type: 'number' },
    idleTimeoutMs: { type: 'number' },
    csrfToken: { type: 'string' },
  },
} as const;

function sessionState(services: Services, who: Authenticated): SessionState {
  return {
    account: { id: who.accountId, email: who.email },
    deviceId: who.deviceId,
    expiresAt: who.expiresAt,
    idleExpiresAt: who.idleExpiresAt,
    // Relative too: a page schedules its warning on its own clock, which may differ from ours.
    idleRemainingMs: Math.max(0, who.idleExpiresAt - services.clock.now()),
    idleTimeoutMs: services.policy.sessionIdleMs,
    ...(who.csrfToken ? { csrfToken: who.csrfToken } : {}),
  };
}

/** The session itself: reading it, keeping it alive, ending it (docs/web-api.md, sessions). */
export async function sessionRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    '/v1/session',
    {
      schema: {
        summary:
          'The account of the session (bearer or cookie) and when it ends; with X-Background-Request: 1 it does not count as activity',
        response: { 200: sessionStateSchema, '4xx': errorBody },
      },
    },
    async (request) => sessionState(services, await authenticate(services, request)),
  );

  app.post(
    '/v1/session/refresh',
    {
      schema: {
        summary: 'Keep the session alive ("Stay signed in"): counts as the person\'s activity',
        response: { 200: sessionStateSchema, '4xx': errorBody },
      },
    },
    async (request) => sessionState(services, await authenticate(services, request)),
  );

  app.post(
    '/v1/session/logout',
    {
      schema: {
        summary: 'End the session (bearer or cookie) and clear the cookie',
        response: { 200: { type: 'object', properties: {} }, '4xx': errorBody },
      },
    },
    async (request, reply) => {
      const who = await authenticate(services, request);
      await services.db.deleteFrom('sessions').where('id', '=', who.sessionId).execute();
      clearSessionCookie(services, reply);
      return {};
    },
  );
}
