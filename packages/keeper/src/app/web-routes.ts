import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { KeeperServices } from '../services.js';

/** The Content-Security-Policy of every page: no inline script or style, nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};
const HASHED = /-[A-Z0-9]{8,}\.[a-z]+$/;

/**
 * Serves the built pages (`config.webDir`) at `/`: `/wallet` is
 * `wallet.html`, `/` is `index.html`. Paths with `..`, hidden names,
 * backslashes or NUL are refused before the file system is asked. HTML
 * carries the CSP; content-hashed assets are cached for a year.
 */
export async function webRoutes(app: FastifyInstance, services: KeeperServices): Promise<void> {
  const root = resolve(services.config.webDir);
  const find = async (path: string) => {
    if (path.length > 512 || /[\0\\]/.test(path)) return null;
    if (path.split('/').some((part) => part === '..' || part.startsWith('.'))) return null;
    const candidates =
      path === '' || path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`];
    for (const candidate of candidates) {
      const file = resolve(root, candidate);
      if (!file.startsWith(root + sep)) continue;
      try {
        if ((await stat(file)).isFile()) return { file, body: await readFile(file) };
      } catch {
        // Not this candidate.
      }
    }
    return null;
  };
  app.get<{ Params: { '*': string } }>('/*', async (request, reply) => {
    const path = request.params['*'] ?? '';
    if (path === 'api' || path.startsWith('api/')) return reply.callNotFound();
    const found = (await find(path)) ?? null;
    if (!found) {
      const missing = await find('404.html');
      if (!missing) return reply.callNotFound();
      reply.code(404);
      return send(reply, missing.file, missing.body);
    }
    return send(reply, found.file, found.body);
  });
}

function send(reply: import('fastify').FastifyReply, file: string, body: Buffer) {
  const extension = extname(file);
  const html = extension === '.html';
  reply.type(TYPES[extension] ?? 'application/octet-stream');
  reply.header(
    'cache-control',
    !html && HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
  if (html) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-frame-options', 'DENY');
  }
  return reply.send(body);
}
