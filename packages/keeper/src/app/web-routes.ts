import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { CONTENT_CODINGS, type ContentCoding, chooseCoding, VARIANT_SUFFIX } from '@cipherpad/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
 * carries the CSP; content-hashed assets are cached for a year. The build
 * writes brotli and gzip variants beside each text file: the one the browser
 * accepts is sent as the file's `Content-Encoding` (never on its own, and
 * nothing is compressed per request).
 */
export async function webRoutes(app: FastifyInstance, services: KeeperServices): Promise<void> {
  const root = resolve(services.config.webDir);
  const find = async (path: string) => {
    if (path.length > 512 || /[\0\\]/.test(path)) return null;
    if (path.split('/').some((part) => part === '..' || part.startsWith('.'))) return null;
    if (/\.(br|gz)$/.test(path)) return null;
    const candidates =
      path === '' || path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`];
    for (const candidate of candidates) {
      const file = resolve(root, candidate);
      if (!file.startsWith(root + sep)) continue;
      try {
        if ((await stat(file)).isFile()) {
          const encoded: Partial<Record<ContentCoding, Buffer>> = {};
          for (const coding of CONTENT_CODINGS) {
            const variant = await readFile(`${file}${VARIANT_SUFFIX[coding]}`).catch(() => null);
            if (variant) encoded[coding] = variant;
          }
          return { file, body: await readFile(file), encoded };
        }
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
      return send(request, reply, missing);
    }
    return send(request, reply, found);
  });
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  found: {
    readonly file: string;
    readonly body: Buffer;
    readonly encoded: Partial<Record<ContentCoding, Buffer>>;
  },
) {
  const { file } = found;
  const codings = Object.keys(found.encoded) as ContentCoding[];
  const coding = chooseCoding(request.headers['accept-encoding'], codings);
  if (codings.length > 0) reply.header('vary', 'accept-encoding');
  if (coding) reply.header('content-encoding', coding);
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
  return reply.send(coding ? found.encoded[coding] : found.body);
}
