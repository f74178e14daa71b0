import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { installCsrfGuard } from '../auth/csrf-guard.js';
import { loginRoutes } from '../auth/login-routes.js';
import { sessionRoutes } from '../auth/session-routes.js';
import { webhookRoutes } from '../cipherpad/webhook-routes.js';
import { KEEPER_ERRORS, KeeperError } from '../errors.js';
import type { KeeperServices } from '../services.js';
import { settingsRoutes } from '../settings/settings-routes.js';
import { transferRoutes } from '../transfers/transfer-routes.js';
import { walletRoutes } from '../wallet/wallet-routes.js';
import { webRoutes } from '../web/web-routes.js';
import { RequestLog } from './request-log.js';

/**
 * Builds the keeper's HTTP app without listening: tests call `app.inject()`,
 * `main.ts` calls `listen()`. Every refusal is `{ error, message, ...details }`
 * with a stable code; nothing unexpected leaks past a logged `ERR_INTERNAL`.
 */
export async function buildApp(
  services: KeeperServices,
  log: FastifyBaseLogger,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log,
    logController: new RequestLog(),
    trustProxy: services.config.trustProxy,
    bodyLimit: 16 * 1024,
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    done(null, payload);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof KeeperError) {
      if (typeof error.details.retryAfter === 'number') {
        reply.header('retry-after', String(error.details.retryAfter));
      }
      return reply
        .code(error.status)
        .send({ error: error.code, message: error.message, ...error.details });
    }
    if (error.validation) {
      return reply.code(400).send({
        error: 'ERR_VALIDATION',
        message: `${error.validationContext ?? 'request'} ${error.validation[0]?.message ?? 'is invalid'}`,
      });
    }
    const byFastify: Record<string, keyof typeof KEEPER_ERRORS> = {
      FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_PAYLOAD_TOO_LARGE',
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_VALIDATION',
      FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_VALIDATION',
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_VALIDATION',
    };
    const mapped =
      byFastify[error.code] ?? (error.statusCode === 400 ? 'ERR_VALIDATION' : undefined);
    if (mapped) {
      return reply
        .code(KEEPER_ERRORS[mapped].status)
        .send({ error: mapped, message: KEEPER_ERRORS[mapped].message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: 'ERR_INTERNAL', message: KEEPER_ERRORS.ERR_INTERNAL.message });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'ERR_NOT_FOUND', message: KEEPER_ERRORS.ERR_NOT_FOUND.message }),
  );

  installCsrfGuard(app, services);
  app.get('/health', async () => ({
    status: 'ok',
    configured: services.config.credentials !== null,
  }));
  await sessionRoutes(app, services);
  await loginRoutes(app, services);
  await walletRoutes(app, services);
  await transferRoutes(app, services);
  await settingsRoutes(app, services);
  await webhookRoutes(app, services);
  await webRoutes(app, services);
  return app;
}
