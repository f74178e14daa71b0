import type { FastifyInstance } from 'fastify';
import { emptyBodyAsObject } from '../http/empty-body.js';
import { errorBody } from '../http/schemas.js';
import type { Services } from '../services.js';
import { authenticate } from '../sessions/authenticate.js';
import { listConsentedSites, withdrawConsent } from './site-consents.js';

const sitesSchema = {
  type: 'object',
  properties: {
    sites: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          clientId: { type: 'string' },
          name: { type: 'string' },
          consentedAt: { type: 'number' },
        },
      },
    },
  },
} as const;

/**
 * The sites the signed-in account allows to ask it for confirmations
 * (docs/web-api.md): list, and withdraw a consent.
 */
export async function consentRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    '/v1/account/sites',
    {
      schema: {
        summary: 'The sites the account allows to ask for confirmations',
        response: { 200: sitesSchema, '4xx': errorBody },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      return { sites: await listConsentedSites(services, who.accountId) };
    },
  );

  app.post<{ Params: { clientId: string } }>(
    '/v1/account/sites/:clientId/withdraw',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary: "Withdraw the account's consent to a site",
        params: {
          type: 'object',
          required: ['clientId'],
          properties: { clientId: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        body: { type: 'object', additionalProperties: false },
        response: { 200: sitesSchema, '4xx': errorBody },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      await withdrawConsent(services, who, request.params.clientId, request.ip);
      return { sites: await listConsentedSites(services, who.accountId) };
    },
  );
}
