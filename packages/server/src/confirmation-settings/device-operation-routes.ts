import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../errors/service-error.js';
import { emptyBodyAsObject } from '../http/empty-body.js';
import { errorBody, idParams, idString } from '../http/schemas.js';
import type { Services } from '../services.js';
import { authenticate } from '../sessions/authenticate.js';
import { DEVICE_OPERATIONS, parseDeviceOperation } from './account-operation.js';
import { startAccountConfirmation } from './start-confirmation-change.js';
import { startedSchema } from './started-schema.js';
import { verifyAccountConfirmation } from './verify-confirmation-change.js';

/**
 * The confirmation of a device operation (docs/web-api.md, "Device
 * operations"): showing an activation code for another device, or
 * deactivating a device, is first confirmed with an activated device (or the
 * SMS code when none is left); the operation's own route then uses the
 * confirmation once.
 */
export async function deviceOperationRoutes(
  app: FastifyInstance,
  services: Services,
): Promise<void> {
  app.post<{ Body: { operation?: string; deviceId?: string } }>(
    '/v1/account/confirmations',
    {
      schema: {
        summary: 'Ask to confirm a device operation (show an activation code, deactivate a device)',
        body: {
          type: 'object',
          required: ['operation'],
          properties: {
            operation: { type: 'string', enum: [...DEVICE_OPERATIONS] },
            deviceId: idString,
          },
        },
        response: { 201: startedSchema, '4xx': errorBody },
      },
    },
    async (request, reply) => {
      const who = await authenticate(services, request);
      const operation = await parseDeviceOperation(services, who.accountId, request.body);
      const started = await startAccountConfirmation(
        services,
        who.accountId,
        operation,
        request.ip,
      );
      return reply.code(201).send(started);
    },
  );

  app.post<{ Params: { id: string }; Body: { response?: string } | undefined }>(
    '/v1/account/confirmations/:id/verify',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary:
          "Confirm a device operation: the app's response or the SMS code, or X-Wait-Token after approval",
        params: idParams,
        body: { type: 'object', properties: { response: { type: 'string', maxLength: 64 } } },
        response: {
          200: {
            type: 'object',
            properties: {
              confirmation: { type: 'string' },
              operation: { type: 'string' },
              deviceId: { type: ['string', 'null'] },
              usableUntil: { type: 'number' },
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      const done = await verifyAccountConfirmation(
        services,
        who,
        request.params.id,
        { response: request.body?.response, waitToken: request.headers['x-wait-token'] },
        request.ip,
        'device',
      );
      if (done.kind === 'settings') throw new ServiceError('ERR_CHANGE_NOT_FOUND');
      return {
        confirmation: request.params.id,
        operation: done.kind,
        deviceId: done.deviceId,
        usableUntil: done.usableUntil,
      };
    },
  );
}
