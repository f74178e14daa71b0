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
import { confirmationStatus } from './confirmation-status.js';
import { confirmationViewSchema } from './confirmation-view.js';
import { createConfirmation } from './create-confirmation.js';
import { verifyConfirmation } from './verify-confirmation.js';

/**
 * The confirmation API for relying sites (docs/confirmation-api.md): every
 * route authenticates the site with HTTP Basic before anything else.
 */
export async function confirmationRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await siteRoutesScope(app, services, (scope) => routes(scope, services));
}

async function routes(app: FastifyInstance, services: Services): Promise<void> {
  const closing = new AbortController();
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });

  app.post<{ Body: { email?: string; operation?: unknown } }>(
    '/v1/confirmations',
    {
      schema: {
        summary: 'Ask a person to confirm a login, an operation or a payment (site)',
        security: siteSecurity,
        headers: idempotencyHeaders,
        body: {
          type: 'object',
          required: ['email', 'operation'],
          properties: { email: shortString, operation: operationInputSchema },
          additionalProperties: false,
        },
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { type: 'string', enum: ['pending'] },
              mode: { type: 'string', enum: ['authorization', 'payment'] },
              challenge: { type: 'string' },
              uri: { type: 'string' },
              matchNumber: { type: 'string' },
              expiresAt: { type: 'number' },
              confirmUrl: { type: 'string' },
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request, reply) => {
      const site = siteOf(request);
      const created = await createConfirmation(
        services,
        site,
        request.body,
        request.headers['idempotency-key'],
        request.ip,
      );
      return reply.code(201).send(created);
    },
  );

  app.post<{ Params: { id: string }; Body: { response?: string } }>(
    '/v1/confirmations/:id/verify',
    {
      schema: {
        summary: 'Verify the response the person typed (site)',
        security: siteSecurity,
        params: idParams,
        body: {
          type: 'object',
          required: ['response'],
          properties: { response: { type: 'string', maxLength: 64 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { type: 'string', enum: ['confirmed'] },
              confirmedAt: { type: 'number' },
              deviceId: { type: 'string' },
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request) => {
      const site = siteOf(request);
      return verifyConfirmation(
        services,
        site,
        request.params.id,
        request.body.response,
        request.ip,
      );
    },
  );

  app.get<{ Params: { id: string }; Querystring: { wait?: string; challenge?: string } }>(
    '/v1/confirmations/:id',
    {
      schema: {
        summary: 'The status of a confirmation, optionally long-polled (site)',
        security: siteSecurity,
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            ...waitQuery.properties,
            // The challenge the site shows: the long poll answers at once when it was re-issued.
            challenge: { type: 'string', maxLength: 64 },
          },
        },
        response: { 200: confirmationViewSchema, '4xx': errorBody },
      },
    },
    async (request, reply) => {
      const site = siteOf(request);
      return confirmationStatus(
        services,
        site,
        request.params.id,
        Math.min(Number(request.query.wait ?? 0), MAX_WAIT_SECONDS),
        AbortSignal.any([closing.signal, connectionClosed(reply)]),
        request.query.challenge,
      );
    },
  );
}
