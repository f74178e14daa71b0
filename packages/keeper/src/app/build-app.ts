import { randomUUID } from 'node:crypto';
import { clientErrorAnswer, RouteTable, unstorableInput } from '@cipherpad/http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { installCsrfGuard } from '../auth/csrf-guard.js';
import { loginRoutes } from '../auth/login-routes.js';
import { sessionRoutes } from '../auth/session-routes.js';
import { webhookRoutes } from '../cipherpad/webhook-routes.js';
import { KEEPER_ERRORS, KeeperError } from '../errors.js';
import type { KeeperServices } from '../services.js';
import { settingsRoutes } from '../settings/settings-routes.js';
import { transferRoutes } from '../transfers/transfer-routes.js';
import { walletRoutes } from '../wallet/wallet-routes.js';
import { replyWithError } from './error-reply.js';
import { RequestLog } from './request-log.js';
import { webRoutes } from './web-routes.js';

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
    // A bad percent-encoding or a parameter over Fastify's 100 characters is answered
    // by the router itself; these give it the keeper's codes and shape.
    frameworkErrors: replyWithError,
    clientErrorHandler: clientErrorAnswer(KEEPER_ERRORS),
  });
  const routes = RouteTable.track(app);
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    done(null, payload);
  });
  app.setErrorHandler(replyWithError);

  // One guard for every route, before any handler or the session reads the request.
  app.addHook('preValidation', (request, _reply, done) => {
    const refused = unstorableInput(request);
    done(refused === null ? undefined : new KeeperError('ERR_VALIDATION', { message: refused }));
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
        .send({ error: 'ERR_URI_TOO_LONG', message: KEEPER_ERRORS.ERR_URI_TOO_LONG.message });
    }
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return reply.code(405).send({
        error: 'ERR_METHOD_NOT_ALLOWED',
        message: KEEPER_ERRORS.ERR_METHOD_NOT_ALLOWED.message,
      });
    }
    return reply
      .code(404)
      .send({ error: 'ERR_NOT_FOUND', message: KEEPER_ERRORS.ERR_NOT_FOUND.message });
  });

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
