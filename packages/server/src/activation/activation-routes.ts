import type { FastifyInstance } from 'fastify';
import { errorBody, shortString } from '../app/schemas.js';
import type { Services } from '../services.js';
import { type ActivationRequest, activateDevice } from './activate-device.js';

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
}
