import type { FastifyInstance } from 'fastify';
import { errorBody } from '../app/schemas.js';
import type { Services } from '../services.js';
import { authenticate } from './authenticate.js';
import { clearSessionCookie } from './web-session.js';

/** Ending a session (docs/web-api.md, web sessions). */
export async function sessionRoutes(app: FastifyInstance, services: Services): Promise<void> {
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
