import { randomUUID } from 'node:crypto';
import { clientErrorAnswer, RouteTable, unstorableInput } from '@cipherpad/http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { accountRoutes } from '../account/account-routes.js';
import { activationRoutes } from '../activation/activation-routes.js';
import { approvalRoutes } from '../approval/approval-routes.js';
import { deviceRoutes } from '../approval/device-routes.js';
import { confirmPageRoutes } from '../confirmation/confirm-page-routes.js';
import { confirmationRoutes } from '../confirmation/confirmation-routes.js';
import { confirmationSettingsRoutes } from '../confirmation-settings/confirmation-settings-routes.js';
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
import { replyWithError } from './error-reply.js';
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
    // A bad percent-encoding or a parameter over Fastify's 100 characters is answered
    // by the router itself; these give it the service's codes and shape.
    frameworkErrors: replyWithError,
    clientErrorHandler: clientErrorAnswer(ERROR_CODES),
  });
  const routes = RouteTable.track(app);

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

  app.setErrorHandler(replyWithError);

  // One guard for every route, before any handler or authentication reads the request.
  app.addHook('preValidation', (request, _reply, done) => {
    const refused = unstorableInput(request);
    done(refused === null ? undefined : new ServiceError('ERR_VALIDATION', {}, refused));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const allowed = routes.methodsFor(path);
    const tooLong = path.split('/').some((part) => part.length > 100);
    if (allowed.includes(request.method) && tooLong) {
      // A route of this method fits the path, yet the router passed it by: one of
      // its parameters is over Fastify's maxParamLength (100 characters).
      return reply
        .code(414)
        .send({ error: 'ERR_URI_TOO_LONG', message: ERROR_CODES.ERR_URI_TOO_LONG.message });
    }
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return reply.code(405).send({
        error: 'ERR_METHOD_NOT_ALLOWED',
        message: ERROR_CODES.ERR_METHOD_NOT_ALLOWED.message,
      });
    }
    return reply
      .code(404)
      .send({ error: 'ERR_NOT_FOUND', message: ERROR_CODES.ERR_NOT_FOUND.message });
  });

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
    await confirmationSettingsRoutes(api, services);
    await consentRoutes(api, services);
    await confirmationRoutes(api, services);
    await confirmPageRoutes(api, services);
    await smsConfirmationRoutes(api, services);
    await webRoutes(api, services);
    if (services.config.env === 'development') await outboxRoutes(api, services);
  });
  return app;
}
