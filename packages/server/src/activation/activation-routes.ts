import type { FastifyInstance } from 'fastify';
import { errorBody, idParams, shortString } from '../app/schemas.js';
import type { Services } from '../services.js';
import { type ActivationRequest, activateDevice } from './activate-device.js';
import { issueRegistrationActivationQr } from './activation-qr.js';
import { resendActivationCode } from './resend-activation-code.js';

/** The answer of the activation QR routes. */
export const activationQrSchema = {
  type: 'object',
  properties: { uri: { type: 'string' }, expiresAt: { type: 'number' } },
} as const;

/** PRODUCT.md flow 4: activation of a device (the phone app or the CLI). */
export async function activationRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.post<{ Body: ActivationRequest }>(
    '/v1/devices/activate',
    {
      schema: {
        summary: 'Activate a device with the email and the activation code',
        body: {
          type: 'object',
          properties: {
            email: shortString,
            code: shortString,
            name: shortString,
            kind: shortString,
            agreementKey: { type: 'string', maxLength: 200 },
            signingKey: { type: 'string', maxLength: 200 },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              deviceId: { type: 'string' },
              serverKey: { type: 'string' },
              accountId: { type: 'string' },
              email: { type: 'string' },
              suites: {
                type: 'object',
                properties: { authorization: { type: 'string' }, payment: { type: 'string' } },
              },
            },
          },
          '4xx': errorBody,
        },
      },
    },
    async (request, reply) => {
      const device = await activateDevice(services, request.body ?? {}, request.ip);
      return reply.code(201).send(device);
    },
  );

  app.post<{ Body: { email?: string } }>(
    '/v1/activation/resend',
    {
      schema: {
        summary:
          'Send a new activation code by SMS (the same answer whether the email has an account)',
        body: { type: 'object', properties: { email: shortString } },
        response: { 202: { type: 'object', properties: {} }, '4xx': errorBody },
      },
    },
    async (request, reply) => {
      await resendActivationCode(services, request.body ?? {}, request.ip);
      return reply.code(202).send({});
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/registrations/:id/activation-qr',
    {
      schema: {
        summary:
          'An activation QR code for the account of a registration completed within the hour',
        params: idParams,
        response: { 200: activationQrSchema, '4xx': errorBody },
      },
    },
    async (request) => issueRegistrationActivationQr(services, request.params.id, request.ip),
  );
}
