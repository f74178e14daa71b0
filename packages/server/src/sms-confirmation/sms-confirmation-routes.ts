import type { FastifyInstance } from 'fastify';
import { connectionClosed, MAX_WAIT_SECONDS } from '../challenges/long-poll.js';
import {
  errorBody,
  idempotencyHeaders,
  idParams,
  shortString,
  waitQuery,
} from '../http/schemas.js';
import type { Services } from '../services.js';
import { operationInputSchema } from '../sites/confirmation-operation.js';
import { siteOf, siteRoutesScope, siteSecurity } from '../sites/site-routes-scope.js';
import { createSmsConfirmation } from './create-sms-confirmation.js';
import { smsConfirmationStatus } from './sms-confirmation-status.js';
import { verifySmsConfirmation } from './verify-sms-confirmation.js';

const viewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'confirmed', 'failed', 'expired'] },
    expiresAt: { type: 'number' },
    confirmedAt: { type: 'number' },
  },
} as const;

/** SMS confirmation without registration (PRODUCT.md flow 14), for relying sites. */
export async function smsConfirmationRoutes(
  app: FastifyInstance,
  services: Services,
): Promise<void> {
  await siteRoutesScope(app, services, async (scope) => {
    const closing = new AbortController();
    scope.addHook('preClose', (done) => {
      closing.abort();
      done();
    });

    scope.post<{ Body: { phone?: string; operation?: unknown } }>(
      '/v1/sms-confirmations',
      {
        schema: {
          summary: 'Send a code by SMS for one operation, without an account (site)',
          security: siteSecurity,
          headers: idempotencyHeaders,
          body: {
            type: 'object',
            required: ['phone', 'operation'],
            properties: { phone: shortString, operation: operationInputSchema },
            additionalProperties: false,
          },
          response: { 201: viewSchema, '4xx': errorBody },
        },
      },
      async (request, reply) => {
        const created = await createSmsConfirmation(
          services,
          siteOf(request),
          request.body,
          request.headers['idempotency-key'],
        );
        return reply.code(201).send(created);
      },
    );

    scope.post<{ Params: { id: string }; Body: { code?: string } }>(
      '/v1/sms-confirmations/:id/verify',
      {
        schema: {
          summary: 'Verify the code the person received by SMS (site)',
          security: siteSecurity,
          params: idParams,
          body: {
            type: 'object',
            required: ['code'],
            properties: { code: { type: 'string', maxLength: 32 } },
            additionalProperties: false,
          },
          response: { 200: viewSchema, '4xx': errorBody },
        },
      },
      async (request) =>
        verifySmsConfirmation(services, siteOf(request), request.params.id, request.body.code),
    );

    scope.get<{ Params: { id: string }; Querystring: { wait?: string } }>(
      '/v1/sms-confirmations/:id',
      {
        schema: {
          summary: 'The status of an SMS confirmation, optionally long-polled (site)',
          security: siteSecurity,
          params: idParams,
          querystring: waitQuery,
          response: { 200: viewSchema, '4xx': errorBody },
        },
      },
      async (request, reply) =>
        smsConfirmationStatus(
          services,
          siteOf(request),
          request.params.id,
          Math.min(Number(request.query.wait ?? 0), MAX_WAIT_SECONDS),
          AbortSignal.any([closing.signal, connectionClosed(reply)]),
        ),
    );
  });
}
