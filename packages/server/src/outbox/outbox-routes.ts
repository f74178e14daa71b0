import type { FastifyInstance } from 'fastify';
import { errorBody } from '../http/schemas.js';
import type { Services } from '../services.js';

/**
 * Development only: the messages kept in the outbox, so a person can read
 * their codes with no real mail server or SMS gateway. Never registered in
 * production.
 */
export async function outboxRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get<{ Querystring: { to?: string; limit?: string } }>(
    '/v1/dev/outbox',
    {
      schema: {
        summary: 'Development: messages kept in the outbox, newest first',
        querystring: {
          type: 'object',
          properties: {
            to: { type: 'string', maxLength: 320 },
            // Query values are strings: the API's validator does not coerce types.
            limit: { type: 'string', pattern: '^(?:[1-9]\\d?|1\\d\\d|200)$' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              messages: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'number' },
                    channel: { type: 'string' },
                    to: { type: 'string' },
                    subject: { type: ['string', 'null'] },
                    body: { type: 'string' },
                    createdAt: { type: 'number' },
                  },
                },
              },
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request) => {
      let query = services.db
        .selectFrom('outbox')
        .select(['id', 'channel', 'recipient', 'subject', 'body', 'created_at'])
        .orderBy('id', 'desc')
        .limit(Number(request.query.limit ?? 50));
      const raw = request.query.to?.trim() ?? '';
      // Emails are stored lower-case, phones in E.164 without separators.
      const to = raw.includes('@') ? raw.toLowerCase() : raw.replace(/[\s().-]/g, '');
      if (to) query = query.where('recipient', '=', to);
      const rows = await query.execute();
      return {
        messages: rows.map((row) => ({
          id: row.id,
          channel: row.channel,
          to: row.recipient,
          subject: row.subject,
          body: row.body,
          createdAt: row.created_at,
        })),
      };
    },
  );
}
