import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/**
 * The OpenAPI 3 description of the API, built by `@fastify/swagger` from the
 * schemas each route declares beside its handler. Registered before the
 * routes, so it sees all of them; served at `GET /v1/openapi.json`.
 */
export async function registerOpenApi(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Cipherpad',
        description:
          'The Cipherpad service: registration, activation, login, online approval, the account, and the confirmation API for relying sites (docs/web-api.md, docs/confirmation-api.md).',
        version: '1',
      },
      servers: [{ url: services.config.publicUrl }],
      components: {
        securitySchemes: {
          siteBasic: {
            type: 'http',
            scheme: 'basic',
            description: 'A relying site: its client id and client secret (RFC 7617).',
          },
        },
      },
    },
  });
}

/** `GET /v1/openapi.json`. */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/openapi.json',
    {
      schema: {
        summary: 'This OpenAPI description of the API',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => app.swagger(),
  );
}
