import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Services } from '../services.js';

/** `GET /health`: the service answers and its database does. */
export async function healthRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    '/health',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Liveness and readiness',
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, database: { type: 'string' } },
          },
          503: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              database: { type: 'string' },
              error: { type: 'string' },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(services.db);
        return { status: 'ok', database: services.dialect };
      } catch {
        return reply
          .code(503)
          .send({ status: 'unavailable', database: services.dialect, error: 'ERR_UNAVAILABLE' });
      }
    },
  );
}
