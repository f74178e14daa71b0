import { randomUUID } from 'node:crypto';
import { CipherpadError } from '@cipherpad/core';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { accountRoutes } from '../account/account-routes.js';
import { activationRoutes } from '../activation/activation-routes.js';
import { approvalRoutes } from '../approval/approval-routes.js';
import { deviceRoutes } from '../approval/device-routes.js';
import { confirmPageRoutes } from '../confirmation/confirm-page-routes.js';
import { confirmationRoutes } from '../confirmation/confirmation-routes.js';
import { consentRoutes } from '../consent/consent-routes.js';
import { ERROR_CODES } from '../errors/error-codes.js';
import { ServiceError } from '../errors/service-error.js';
import { healthRoutes } from '../health/health-routes.js';
import { loginRoutes } from '../login/login-routes.js';
import { outboxRoutes } from '../outbox/outbox-routes.js';
import { registrationRoutes } from '../registration/registration-routes.js';
import type { Services } from '../services.js';
import { sessionRoutes } from '../sessions/session-routes.js';
import { smsConfirmationRoutes } from '../sms-confirmation/sms-confirmation-routes.js';
import { webRoutes } from '../web/web-routes.js';
import { openApiRoutes, registerOpenApi } from './openapi.js';
import { RequestLog } from './request-log.js';

/**
 * Builds the HTTP application from its services, without listening: tests
 * call `app.inject()`, `main.ts` calls `listen()`.
 */
export async function buildApp(
  services: Services,
  log: FastifyBaseLogger,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log,
    trustProxy: services.config.trustProxy,
    bodyLimit: 16 * 1024,
    genReqId: () => randomUUID(),
    // One line per request, written when the response is sent (below), instead of two.
    logController: new RequestLog(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  // The API speaks JSON only; anything else is refused with ERR_UNSUPPORTED_MEDIA_TYPE.
  app.removeContentTypeParser('text/plain');

  // Callback style: an async hook would cost a promise on every answer.
  app.addHook('onSend', (_request, reply, payload, done) => {
    // API answers are never cached; static files set their own caching (web/web-routes.ts).
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ServiceError) {
      if (typeof error.details.retryAfter === 'number') {
        reply.header('retry-after', String(error.details.retryAfter));
      }
      return reply
        .code(error.status)
        .send({ error: error.code, message: error.message, ...error.details });
    }
    if (error instanceof CipherpadError) {
      return reply.code(400).send({ error: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.code(400).send({
        error: 'ERR_VALIDATION',
        message: `${error.validationContext ?? 'request'} ${error.validation[0]?.message ?? 'is invalid'}`,
      });
    }
    const byFastify: Record<string, keyof typeof ERROR_CODES> = {
      FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_PAYLOAD_TOO_LARGE',
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_VALIDATION',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_VALIDATION',
      FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_VALIDATION',
    };
    const mapped =
      byFastify[error.code] ?? (error.statusCode === 400 ? 'ERR_VALIDATION' : undefined);
    if (mapped) {
      return reply
        .code(ERROR_CODES[mapped].status)
        .send({ error: mapped, message: ERROR_CODES[mapped].message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: 'ERR_INTERNAL', message: ERROR_CODES.ERR_INTERNAL.message });
  });

  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'ERR_NOT_FOUND', message: ERROR_CODES.ERR_NOT_FOUND.message }),
  );

  await registerOpenApi(app, services);
  await app.register(async (api) => {
    await openApiRoutes(api);
    await healthRoutes(api, services);
    await registrationRoutes(api, services);
    await activationRoutes(api, services);
    await loginRoutes(api, services);
    await approvalRoutes(api, services);
    await deviceRoutes(api, services);
    await sessionRoutes(api, services);
    await accountRoutes(api, services);
    await consentRoutes(api, services);
    await confirmationRoutes(api, services);
    await confirmPageRoutes(api, services);
    await smsConfirmationRoutes(api, services);
    await webRoutes(api, services);
    if (services.config.env === 'development') await outboxRoutes(api, services);
  });
  return app;
}
