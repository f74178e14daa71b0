import type { FastifyInstance } from 'fastify';
import { useConfirmedOperation } from '../devices/use-confirmed-operation.js';
import { emptyBodyAsObject } from '../http/empty-body.js';
import { confirmationBody, errorBody, idParams, shortString } from '../http/schemas.js';
import type { Services } from '../services.js';
import { authenticate } from '../sessions/authenticate.js';
import { type ActivationRequest, activateDevice } from './activate-device.js';
import { issueActivationQr, issueRegistrationActivationQr } from './activation-qr.js';
import { resendActivationCode } from './resend-activation-code.js';

/** The answer of the activation QR routes. */
const activationQrSchema = {
  type: 'object',
  properties: { uri: { type: 'string' }, expiresAt: { type: 'number' } },
} as const;

/**
 * Activation of a device (the phone app or the CLI), and
 * the activation QR code that shows its code: to the browser that just
 * completed a registration, or to the signed-in person with a confirmation of
 * showing it (`confirmation-settings/`), used once as the code is issued.
 */
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
}
