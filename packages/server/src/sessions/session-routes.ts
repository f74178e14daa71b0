import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors/service-error.js';
import { errorBody } from '../http/schemas.js';
import type { Services } from '../services.js';
import { type Authenticated, authenticate } from './authenticate.js';
import { clearSessionCookie, SESSION_COOKIE } from './web-session.js';

/** What `GET /v1/session` and `POST /v1/session/refresh` answer for a live session. */
interface SessionState {
  readonly signedIn: true;
  readonly account: { readonly id: string; readonly email: string };
  readonly deviceId: string | null;
  readonly expiresAt: number;
  readonly idleExpiresAt: number;
  readonly idleRemainingMs: number;
  readonly idleTimeoutMs: number;
  readonly csrfToken?: string;
}

/** What `GET /v1/session` answers a browser without a live session. */
interface SignedOut {
  readonly signedIn: false;
  /** `idle`: the cookie's session ended after the idle time without a request. */
  readonly ended?: 'idle';
}

const sessionStateSchema = {
  type: 'object',
  properties: {
    signedIn: { type: 'boolean' },
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

const sessionOrSignedOutSchema = {
  type: 'object',
  properties: { ...sessionStateSchema.properties, ended: { type: 'string', enum: ['idle'] } },
} as const;

function sessionState(services: Services, who: Authenticated): SessionState {
  return {
    signedIn: true,
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

/**
 * The cookie session of a request without `Authorization`, or `{signedIn: false}` when
 * there is no live one: the browser's question "is anyone signed in?" is answered, not
 * refused (no cookie, or one whose session is unknown, over or idle). A bearer client
 * asks with its token and is refused as every route refuses it.
 */
async function browserSession(
  services: Services,
  request: FastifyRequest,
): Promise<Authenticated | SignedOut> {
  try {
    return await authenticate(services, request);
  } catch (error) {
    if (
      !(error instanceof ServiceError) ||
      (error.code !== 'ERR_UNAUTHENTICATED' && error.code !== 'ERR_SESSION_IDLE')
    ) {
      throw error;
    }
    return { signedIn: false, ...(error.code === 'ERR_SESSION_IDLE' ? { ended: 'idle' } : {}) };
  }
}

/** The session itself: reading it, keeping it alive, ending it (docs/web-api.md, sessions). */
export async function sessionRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    '/v1/session',
    {
      schema: {
        summary:
          'The account of the session (bearer or cookie) and when it ends; with X-Background-Request: 1 it does not count as activity. Without Authorization, no live cookie session answers {signedIn: false}',
        response: { 200: sessionOrSignedOutSchema, '4xx': errorBody },
      },
    },
    async (request, reply): Promise<SessionState | SignedOut> => {
      if (request.headers.authorization !== undefined) {
        return sessionState(services, await authenticate(services, request));
      }
      const found = await browserSession(services, request);
      if ('sessionId' in found) return sessionState(services, found);
      // A dead cookie is dropped, so the next page asks without it.
      if (request.headers.cookie?.includes(`${SESSION_COOKIE}=`)) {
        clearSessionCookie(services, reply);
      }
      return found;
    },
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
