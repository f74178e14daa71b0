import type { FastifyInstance } from 'fastify';
import { ALL_OPERATIONS, CONFIRMATION_METHODS } from '../accounts/confirmable-operations.js';
import { emptyBodyAsObject } from '../http/empty-body.js';
import { errorBody, idParams, settingsSchema } from '../http/schemas.js';
import type { Services } from '../services.js';
import { authenticate } from '../sessions/authenticate.js';
import { deviceOperationRoutes } from './device-operation-routes.js';
import { startConfirmationChange } from './start-confirmation-change.js';
import { startedSchema } from './started-schema.js';
import { verifyConfirmationChange } from './verify-confirmation-change.js';

/**
 * The account operations the person confirms with an activated device (or
 * the SMS code), docs/web-api.md: a change of the
 * confirmation settings, applied as it is confirmed, and the device
 * operations (showing an activation code, deactivating a device), whose own
 * routes then use the confirmation once. Every route takes the bearer
 * session or the cookie with its CSRF token.
 */
export async function confirmationSettingsRoutes(
  app: FastifyInstance,
  services: Services,
): Promise<void> {
  app.post<{ Body: { method?: string; operations?: string[] } }>(
    '/v1/account/confirmation-changes',
    {
      schema: {
        summary: 'Ask to change the confirmation settings; returns the confirmation to give',
        body: {
          type: 'object',
          required: ['method', 'operations'],
          properties: {
            method: { type: 'string', enum: [...CONFIRMATION_METHODS] },
            operations: {
              type: 'array',
              maxItems: ALL_OPERATIONS.length,
              items: { type: 'string', enum: [...ALL_OPERATIONS] },
            },
          },
        },
        response: { 201: startedSchema, '4xx': errorBody },
      },
    },
    async (request, reply) => {
      const who = await authenticate(services, request);
      const started = await startConfirmationChange(
        services,
        who.accountId,
        request.body,
        request.ip,
      );
      return reply.code(201).send(started);
    },
  );

  app.post<{ Params: { id: string }; Body: { response?: string } | undefined }>(
    '/v1/account/confirmation-changes/:id/verify',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary:
          "Confirm a settings change: the app's response or the SMS code, or X-Wait-Token after approval",
        params: idParams,
        body: { type: 'object', properties: { response: { type: 'string', maxLength: 64 } } },
        response: { 200: settingsSchema, '4xx': errorBody },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      return verifyConfirmationChange(
        services,
        who,
        request.params.id,
        { response: request.body?.response, waitToken: request.headers['x-wait-token'] },
        request.ip,
      );
    },
  );

  await deviceOperationRoutes(app, services);
}
