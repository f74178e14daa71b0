import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { approveChallenge } from '../challenges/approve-challenge.js';
import { denyChallenge } from '../challenges/deny-challenge.js';
import { listPendingRequests } from '../challenges/pending-requests.js';
import { type AuthenticatedDevice, authenticateDevice } from '../devices/device-auth.js';
import { readDevice } from '../devices/read-device.js';
import { ServiceError } from '../errors/service-error.js';
import { accountTopic, type BusEvent } from '../events/event-bus.js';
import { emptyBodyAsObject } from '../http/empty-body.js';
import { errorBody, idParams } from '../http/schemas.js';
import type { Services } from '../services.js';

/** A comment line this often keeps proxies from closing an idle event stream. */
const HEARTBEAT_MS = 15_000;

const pendingRequest = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    challenge: { type: 'string' },
    site: { type: ['string', 'null'] },
    ip: { type: 'string' },
    createdAt: { type: 'number' },
    expiresAt: { type: 'number' },
    payment: {
      type: 'object',
      properties: {
        amount: { type: 'string' },
        purse: { type: 'string' },
        currency: { type: 'string' },
      },
    },
    operation: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        name: { type: 'string' },
        description: { type: 'string' },
        settings: {
          type: 'object',
          properties: {
            method: { type: 'string' },
            operations: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
    note: { type: 'string' },
    firstTime: { type: 'boolean' },
  },
} as const;

/**
 * The app's side of online approval (docs/web-api.md): every request is
 * signed by the device (see `device-auth.ts`), so these routes keep the body
 * bytes as received to check the signature over them.
 */
export async function deviceRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (device) => {
    const parseJson = device.getDefaultJsonParser('error', 'error');
    device.removeContentTypeParser('application/json');
    device.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer' },
      (request, body: Buffer, done) => {
        request.rawBody = body;
        if (body.length === 0) {
          done(null, undefined);
          return;
        }
        parseJson(request, body.toString('utf8'), done);
      },
    );

    // Authenticated before the body is validated: a stranger learns nothing about the routes.
    device.decorateRequest('device', null);
    device.addHook('preValidation', async (request) => {
      request.device = await authenticateDevice(services, request);
    });

    const streams = new Set<ServerResponse>();
    device.addHook('preClose', (done) => {
      for (const stream of streams) stream.end();
      done();
    });

    device.get(
      '/v1/device',
      {
        schema: {
          summary: 'The signing device itself, as the account lists it (its name may have changed)',
          response: {
            200: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                name: { type: 'string' },
                kind: { type: 'string' },
                createdAt: { type: 'number' },
              },
            },
            '4xx': errorBody,
          },
        },
      },
      async (request) => readDevice(services, deviceOf(request)),
    );

    device.get(
      '/v1/device/requests',
      {
        schema: {
          summary: "The pending requests of the device's account, newest first",
          response: {
            200: {
              type: 'object',
              properties: { requests: { type: 'array', items: pendingRequest } },
            },
            '4xx': errorBody,
          },
        },
      },
      async (request) => {
        const who = deviceOf(request);
        return { requests: await listPendingRequests(services, who.accountId) };
      },
    );

    device.get(
      '/v1/device/events',
      {
        schema: {
          summary:
            'Server-sent events: a request appears (`request`) or stops being pending (`closed`); a new device of the account (`device-activated`); a device renamed (`device-renamed`)',
          response: { '4xx': errorBody },
        },
      },
      async (request, reply) => {
        const who = deviceOf(request);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          // Proxies that buffer answers (nginx) pass this stream on at once.
          'x-accel-buffering': 'no',
        });
        raw.write(': connected\n\n');
        const send = (event: BusEvent) => {
          if (event.type === 'request') {
            raw.write(`event: request\ndata: ${JSON.stringify(event.request)}\n\n`);
          } else if (event.type === 'closed') {
            raw.write(`event: closed\ndata: ${JSON.stringify({ id: event.id })}\n\n`);
          } else if (event.type === 'device-activated' && event.device.id !== who.deviceId) {
            raw.write(`event: device-activated\ndata: ${JSON.stringify(event.device)}\n\n`);
          } else if (event.type === 'device-renamed') {
            raw.write(`event: device-renamed\ndata: ${JSON.stringify(event.device)}\n\n`);
          } else if (event.type === 'revoked' && event.deviceId === who.deviceId) {
            raw.end();
          }
        };
        const unsubscribe = services.events.subscribe(accountTopic(who.email), send);
        const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
        streams.add(raw);
        raw.once('close', () => {
          clearInterval(heartbeat);
          unsubscribe();
          streams.delete(raw);
        });
      },
    );

    device.post<{ Params: { id: string }; Body: { number?: string } | undefined }>(
      '/v1/device/requests/:id/approve',
      {
        schema: {
          summary: 'Approve a pending request with the number the site shows',
          params: idParams,
          body: {
            type: 'object',
            required: ['number'],
            properties: { number: { type: 'string', maxLength: 8 } },
          },
          response: {
            200: { type: 'object', properties: { status: { type: 'string' } } },
            '4xx': errorBody,
          },
        },
      },
      async (request) => {
        const who = deviceOf(request);
        return approveChallenge(services, who, request.params.id, request.body?.number, request.ip);
      },
    );

    device.post<{ Params: { id: string } }>(
      '/v1/device/requests/:id/deny',
      {
        preValidation: emptyBodyAsObject,
        schema: {
          summary: 'Deny a pending request: it cannot succeed and is logged as suspicious',
          params: idParams,
          response: {
            200: { type: 'object', properties: { status: { type: 'string' } } },
            '4xx': errorBody,
          },
        },
      },
      async (request) => {
        const who = deviceOf(request);
        return denyChallenge(services, who, request.params.id, request.ip);
      },
    );
  });
}

function deviceOf(request: FastifyRequest): AuthenticatedDevice {
  if (!request.device) throw new ServiceError('ERR_DEVICE_AUTH');
  return request.device;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in device, on the `/v1/device/` routes. */
    device: AuthenticatedDevice | null;
  }
}
