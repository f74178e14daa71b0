import type { FastifyInstance } from 'fastify';
import { emptyBodyAsObject } from '../http/empty-body.js';
import { errorBody, idParams } from '../http/schemas.js';
import type { Services } from '../services.js';
import { operationSchema } from '../sites/confirmation-operation.js';
import {
  consentOnPage,
  getConfirmPage,
  holdConfirmation,
  rebindConfirmation,
} from './confirm-page.js';

const pageHeaders = {
  type: 'object',
  properties: { 'x-page-token': { type: 'string', maxLength: 100 } },
} as const;

const confirmPageSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'confirmed', 'denied', 'expired', 'failed'] },
    site: { type: 'object', properties: { name: { type: 'string' } } },
    operation: operationSchema,
    email: { type: 'string' },
    hasAccount: { type: 'boolean' },
    bound: { type: 'boolean' },
    consented: { type: 'boolean' },
    signedInAsOwner: { type: 'boolean' },
    expiresAt: { type: 'number' },
    mode: { type: 'string', enum: ['authorization', 'payment'] },
    challenge: { type: 'string' },
    uri: { type: 'string' },
    matchNumber: { type: 'string' },
  },
} as const;

const emptyBody = { type: 'object', additionalProperties: false } as const;

/**
 * The security site's confirm page (docs/confirmation-api.md, "Security site
 * page"): every route needs the page token of `confirmUrl` in `X-Page-Token`.
 */
export async function confirmPageRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get<{ Params: { id: string } }>(
    '/v1/confirm-pages/:id',
    {
      schema: {
        summary: "The confirm page's view of a confirmation (needs X-Page-Token)",
        params: idParams,
        headers: pageHeaders,
        response: { 200: confirmPageSchema, '4xx': errorBody },
      },
    },
    async (request) => getConfirmPage(services, request.params.id, request),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/confirm-pages/:id/consent',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary: 'The signed-in owner allows the site to ask for confirmations',
        params: idParams,
        headers: pageHeaders,
        body: emptyBody,
        response: { 200: confirmPageSchema, '4xx': errorBody },
      },
    },
    async (request) => consentOnPage(services, request.params.id, request),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/confirm-pages/:id/hold',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary: 'Keep the confirmation open while the person registers inline',
        params: idParams,
        headers: pageHeaders,
        body: emptyBody,
        response: { 200: confirmPageSchema, '4xx': errorBody },
      },
    },
    async (request) => holdConfirmation(services, request.params.id, request),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/confirm-pages/:id/rebind',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary: 'Bind the confirmation to the newly registered account, with a fresh challenge',
        params: idParams,
        headers: pageHeaders,
        body: emptyBody,
        response: { 200: confirmPageSchema, '4xx': errorBody },
      },
    },
    async (request) => rebindConfirmation(services, request.params.id, request),
  );
}
