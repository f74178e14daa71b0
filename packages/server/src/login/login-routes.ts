import type { FastifyInstance } from 'fastify';
import { errorBody, idParams, shortString } from '../http/schemas.js';
import type { Services } from '../services.js';
import {
  answerSession,
  type SessionDelivery,
  sessionAnswerSchema,
} from '../sessions/web-session.js';
import { type StartLoginRequest, startLogin } from './start-login.js';
import { verifyLogin } from './verify-login.js';

/** Challenge/response login (PRODUCT.md flows 5, 6 and 7 for login). */
export async function loginRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.post<{ Body: StartLoginRequest }>(
    '/v1/logins',
    {
      schema: {
        summary: 'Start a login: returns the challenge, its QR URI and the login id',
        body: {
          type: 'object',
          properties: {
            email: shortString,
            mode: { type: 'string', enum: ['authorization', 'payment'] },
            amount: { type: 'string', maxLength: 64 },
            purse: { type: 'string', maxLength: 32 },
            currency: { type: 'string', maxLength: 8 },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              challenge: { type: 'string' },
              uri: { type: 'string' },
              mode: { type: 'string' },
              expiresAt: { type: 'number' },
              matchNumber: { type: 'string' },
              waitToken: { type: 'string' },
              payment: {
                type: 'object',
                properties: {
                  amount: { type: 'string' },
                  purse: { type: 'string' },
                  currency: { type: 'string' },
                },
              },
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await startLogin(services, request.body ?? {}, request.ip)),
  );

  app.post<{ Params: { id: string }; Body: { response?: string; session?: SessionDelivery } }>(
    '/v1/logins/:id/verify',
    {
      schema: {
        summary: 'Verify the response to a login challenge; opens a session',
        params: idParams,
        body: {
          type: 'object',
          required: ['response'],
          properties: {
            response: { type: 'string', maxLength: 64 },
            session: { type: 'string', enum: ['bearer', 'cookie'] },
          },
        },
        response: { 200: sessionAnswerSchema, '4xx': errorBody },
      },
    },
    async (request, reply) => {
      const session = await verifyLogin(
        services,
        request.params.id,
        request.body.response,
        request.ip,
      );
      return answerSession(services, reply, request.body.session, session);
    },
  );
}
