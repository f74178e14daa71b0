import type { FastifyInstance } from 'fastify';
import { useConfirmedOperation } from '../devices/use-confirmed-operation.js';
import { emptyBodyAsObject } from '../http/empty-body.js';
import { confirmationBody, errorBody, idParams, settingsSchema } from '../http/schemas.js';
import type { Services } from '../services.js';
import { authenticate } from '../sessions/authenticate.js';
import { deactivateDevice, listDevices, MAX_DEVICE_NAME, renameDevice } from './account-devices.js';
import { getAccount } from './get-account.js';
import { listActivity } from './list-activity.js';

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
 * The signed-in person's account (docs/web-api.md): details, devices and
 * activity log. Deactivating a device takes a confirmation of it
 * (`confirmation-settings/`), used once in the deactivating transaction.
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
}
