import type { FastifyInstance } from 'fastify';
import { connectionClosed, MAX_WAIT_SECONDS } from '../challenges/long-poll.js';
import { emptyBodyAsObject } from '../http/empty-body.js';
import { errorBody, idParams } from '../http/schemas.js';
import type { Services } from '../services.js';
import {
  answerSession,
  type SessionDelivery,
  sessionAnswerSchema,
} from '../sessions/web-session.js';
import { loginStatus } from './login-status.js';
import { redeemApproval } from './redeem-approval.js';

/**
 * The waiting site's side of online approval (docs/web-api.md): the status
 * of a login, with long polling, and the redemption of an approval.
 */
export async function approvalRoutes(app: FastifyInstance, services: Services): Promise<void> {
  // Long polls end when the service closes, so closing never waits for them.
  const closing = new AbortController();
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });

  app.get<{ Params: { id: string }; Querystring: { wait?: string } }>(
    '/v1/logins/:id/status',
    {
      schema: {
        summary: 'The status of a login (or of a confirmation change by the app), for its site',
        params: idParams,
        querystring: {
          type: 'object',
          // Seconds; more than 30 waits 30.
          properties: { wait: { type: 'string', pattern: '^[0-9]{1,4}$' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              status: {
                type: 'string',
                enum: ['pending', 'approved', 'denied', 'expired', 'closed'],
              },
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request, reply) => {
      const cancelled = AbortSignal.any([closing.signal, connectionClosed(reply)]);
      return loginStatus(
        services,
        request.params.id,
        request.headers['x-wait-token'],
        Math.min(Number(request.query.wait ?? 0), MAX_WAIT_SECONDS),
        cancelled,
      );
    },
  );

  app.post<{ Params: { id: string }; Body: { session?: SessionDelivery } | undefined }>(
    '/v1/logins/:id/session',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary: 'Redeem an approved login once: opens the session',
        params: idParams,
        body: {
          type: 'object',
          properties: { session: { type: 'string', enum: ['bearer', 'cookie'] } },
        },
        response: { 200: sessionAnswerSchema, '4xx': errorBody },
      },
    },
    async (request, reply) => {
      const session = await redeemApproval(
        services,
        request.params.id,
        request.headers['x-wait-token'],
        request.ip,
      );
      return answerSession(services, reply, request.body?.session, session);
    },
  );
}
