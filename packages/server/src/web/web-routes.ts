import { type ContentCoding, chooseCoding } from '@cipherpad/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { type StaticFile, StaticFolder } from './static-folder.js';

/** The Content-Security-Policy of every HTML page (docs/web-api.md): no inline script or style. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "media-src 'self' blob:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the security site at `/` (`config.siteDir`) and the phone app at
 * `/app/` (`config.appDir`) as static files, beside the JSON API under
 * `/v1/`. HTML pages carry the Content-Security-Policy and the other headers
 * of docs/web-api.md. A path with no file is the API's 404, or the site's
 * `404.html` when it has one. A file with precompressed variants goes out
 * in the one the browser accepts (`Content-Encoding`, `Vary: Accept-Encoding`).
 */
export async function webRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const site = new StaticFolder(services.config.siteDir);
  const phoneApp = new StaticFolder(services.config.appDir);

  const serve = async (
    folder: StaticFolder,
    path: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => {
    const file = await folder.find(path);
    if (file) return send(request, reply, file, 200);
    const missing = await site.find('404.html');
    if (missing) return send(request, reply, missing, 404);
    return reply.callNotFound();
  };

  // Static files are not part of the API's OpenAPI description.
  const hidden = { schema: { hide: true } };
  app.get('/app', hidden, (_request, reply) => reply.redirect('/app/', 301));
  app.get<{ Params: { '*': string } }>('/app/*', hidden, (request, reply) =>
    serve(phoneApp, request.params['*'], request, reply),
  );
  app.get<{ Params: { '*': string } }>('/*', hidden, (request, reply) => {
    const path = request.params['*'] ?? '';
    // The API's unknown paths stay JSON 404s.
    if (path === 'v1' || path.startsWith('v1/')) return reply.callNotFound();
    return serve(site, path, request, reply);
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, status: number) {
  const codings = Object.keys(file.encoded) as ContentCoding[];
  const coding = chooseCoding(request.headers['accept-encoding'], codings);
  // Each coding is its own representation, with its own validator (RFC 9110 §8.8.3).
  const etag = coding ? `${file.etag.slice(0, -1)}-${coding}"` : file.etag;
  reply.header('cache-control', file.cacheControl);
  reply.header('etag', etag);
  if (codings.length > 0) reply.header('vary', 'accept-encoding');
  if (coding) reply.header('content-encoding', coding);
  if (file.html) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('permissions-policy', 'camera=(self)');
  }
  reply.type(file.contentType);
  if (status === 200 && request.headers['if-none-match'] === etag) {
    return reply.code(304).send();
  }
  return reply.code(status).send(coding ? file.encoded[coding] : file.body);
}
