import type { FastifyInstance } from 'fastify';
import { issueActivationQr } from '../activation/activation-qr.js';
import { activationQrSchema } from '../activation/activation-routes.js';
import { emptyBodyAsObject } from '../app/empty-body.js';
import { errorBody, idParams } from '../app/schemas.js';
import { ALL_OPERATIONS, CONFIRMATION_METHODS } from '../confirmation-settings/operations.js';
import { startConfirmationChange } from '../confirmation-settings/start-confirmation-change.js';
import { useConfirmedOperation } from '../confirmation-settings/use-confirmed-operation.js';
import { verifyConfirmationChange } from '../confirmation-settings/verify-confirmation-change.js';
import type { Services } from '../services.js';
import { authenticate } from '../sessions/authenticate.js';
import { deactivateDevice, listDevices, MAX_DEVICE_NAME, renameDevice } from './account-devices.js';
import { idString, startedSchema } from './account-schemas.js';
import { deviceOperationRoutes } from './device-operation-routes.js';
import { getAccount } from './get-account.js';
import { listActivity } from './list-activity.js';

const settingsSchema = {
  type: 'object',
  properties: {
    method: { type: 'string' },
    operations: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** The body of a device operation: the id of its confirmation. */
const confirmationBody = {
  type: 'object',
  properties: { confirmation: idString },
} as const;

const deviceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string' },
    createdAt: { type: 'number' },
    lastUsedAt: { type: ['number', 'null'] },
  },
} as const;

/**
 * The signed-in person's account (docs/web-api.md, PRODUCT.md flow 9):
 * details, devices, activity log, activation QR and confirmation settings.
 * Every route takes the bearer session or the cookie with its CSRF token.
 */
export async function accountRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    '/v1/account',
    {
      schema: {
        summary: 'The account: email, masked phone, confirmation settings',
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              email: { type: 'string' },
              phone: { type: 'string' },
              createdAt: { type: 'number' },
              confirmation: settingsSchema,
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      return getAccount(services, who.accountId);
    },
  );

  app.get(
    '/v1/account/devices',
    {
      schema: {
        summary: 'The devices of the account, newest first',
        response: {
          200: { type: 'object', properties: { devices: { type: 'array', items: deviceSchema } } },
          '4xx': errorBody,
        },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      return { devices: await listDevices(services, who.accountId) };
    },
  );

  app.patch<{ Params: { id: string }; Body: { name?: string } }>(
    '/v1/account/devices/:id',
    {
      schema: {
        summary: 'Rename a device',
        params: idParams,
        body: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: MAX_DEVICE_NAME * 2 } },
        },
        response: { 200: deviceSchema, '4xx': errorBody },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      return renameDevice(services, who, request.params.id, request.body.name, request.ip);
    },
  );

  app.post<{ Params: { id: string }; Body: { confirmation?: string } | undefined }>(
    '/v1/account/devices/:id/deactivate',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary:
          'Deactivate a device, with a confirmation of it: its key is forgotten and its sessions end',
        params: idParams,
        body: confirmationBody,
        response: { 200: deviceSchema, '4xx': errorBody },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      const deviceId = request.params.id;
      return deactivateDevice(services, who, deviceId, request.ip, (trx) =>
        useConfirmedOperation(services, trx, who.accountId, request.body?.confirmation, {
          kind: 'deactivate-device',
          deviceId,
        }),
      );
    },
  );

  app.get<{ Querystring: { before?: string; limit?: string } }>(
    '/v1/account/activity',
    {
      schema: {
        summary: 'The activity log, newest first, a page at a time',
        querystring: {
          type: 'object',
          properties: {
            before: { type: 'string', maxLength: 20 },
            limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              events: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    type: { type: 'string' },
                    at: { type: 'number' },
                    ip: { type: ['string', 'null'] },
                    device: {
                      type: ['object', 'null'],
                      properties: { id: { type: 'string' }, name: { type: 'string' } },
                    },
                    site: { type: ['string', 'null'] },
                    suspicious: { type: 'boolean' },
                    details: { type: 'object', additionalProperties: true },
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
      const who = await authenticate(services, request);
      return listActivity(services, who.accountId, request.query);
    },
  );

  app.post<{ Body: { confirmation?: string } | undefined }>(
    '/v1/account/activation-qr',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary: 'An activation QR code for another device, with a confirmation of showing it',
        body: confirmationBody,
        response: { 200: activationQrSchema, '4xx': errorBody },
      },
    },
    async (request) => {
      const who = await authenticate(services, request);
      return issueActivationQr(services, who.accountId, request.ip, (trx) =>
        useConfirmedOperation(services, trx, who.accountId, request.body?.confirmation, {
          kind: 'show-activation',
        }),
      );
    },
  );

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
