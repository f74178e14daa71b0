import type { FastifyInstance } from 'fastify';
import { errorBody, idParams, shortString } from '../http/schemas.js';
import type { Services } from '../services.js';
import { startRegistration } from './start-registration.js';
import {
  getRegistrationStatus,
  verifyRegistrationCode,
  verifyRegistrationLink,
} from './verify-registration.js';

const status = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    emailVerified: { type: 'boolean' },
    phoneVerified: { type: 'boolean' },
    completed: { type: 'boolean' },
  },
} as const;

/** PRODUCT.md flows 1 and 2 over the API. */
export async function registrationRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.post<{ Body: { email?: string; phone?: string } }>(
    '/v1/registrations',
    {
      schema: {
        summary: 'Start a registration: sends an email code and link, and an SMS code',
        body: {
          type: 'object',
          properties: { email: shortString, phone: shortString },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              email: { type: 'string' },
              phone: { type: 'string' },
              emailExpiresAt: { type: 'number' },
              phoneExpiresAt: { type: 'number' },
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request, reply) => {
      const started = await startRegistration(services, request.body ?? {}, request.ip);
      return reply.code(201).send(started);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/registrations/:id',
    {
      schema: {
        summary: 'The status of a registration: which contacts are verified',
        params: idParams,
        response: { 200: status, '4xx': errorBody },
      },
    },
    async (request) => getRegistrationStatus(services, request.params.id),
  );

  for (const channel of ['email', 'phone'] as const) {
    app.post<{ Params: { id: string }; Body: { code?: string } }>(
      `/v1/registrations/:id/${channel}-verification`,
      {
        schema: {
          summary: `Verify the ${channel} with the code sent to it`,
          params: idParams,
          body: { type: 'object', properties: { code: shortString } },
          response: { 200: status, '4xx': errorBody },
        },
      },
      async (request) =>
        verifyRegistrationCode(
          services,
          request.params.id,
          channel,
          request.body?.code,
          request.ip,
        ),
    );
  }

  app.get<{ Querystring: { token?: string } }>(
    '/v1/registrations/verify-email',
    {
      schema: {
        summary: 'Verify the email with the token of its link (called by /verify-email.html)',
        querystring: { type: 'object', properties: { token: shortString } },
        response: { 200: status, '4xx': errorBody },
      },
    },
    async (request) => verifyRegistrationLink(services, request.query.token, request.ip),
  );
}
