import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { CONTENT_CODINGS, type ContentCoding, VARIANT_SUFFIX } from '@cipherpad/http';

/** A file found in a static folder, ready to send. */
export interface StaticFile {
  readonly body: Buffer;
  /** Its precompressed variants, written by the build beside it (`NAME.br`, `NAME.gz`). */
  readonly encoded: Readonly<Partial<Record<ContentCoding, Buffer>>>;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly etag: string;
  readonly html: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * A name with a content hash, as esbuild's `[name]-[hash]` writes it
 * (`app-5XQ2JH7A.js`): its content never changes, so it is cached for a year.
 */
const HASHED_NAME = /-[A-Z0-9]{8,}\.[A-Za-z0-9]+$/;
const LONG_CACHE = 'public, max-age=31536000, immutable';
/** Everything else (HTML, the service worker, the manifest) is checked again on every use. */
const REVALIDATE = 'no-cache';

/**
 * A folder of built files (the security site or the phone app), served
 * read-only. A request path maps to a file inside the folder and never
 * outside it: `..`, hidden names (`.env`), backslashes and NUL are refused
 * before the file system is asked. `/login` is `login`, `login.html` or
 * `login/index.html`, the first that exists; a path ending in `/` is its
 * `index.html`. A folder that does not exist simply has no files.
 *
 * The builds write brotli and gzip variants beside each text file; they are
 * read with the file and sent as its `Content-Encoding`, never on their own
 * (`NAME.br` is not found), and nothing is compressed per request.
 */
export class StaticFolder {
  readonly #root: string;
  /** Files already read, by path: the built site and app are a few hundred KB. */
  readonly #files = new Map<string, StaticFile>();

  constructor(root: string) {
    this.#root = resolve(root);
  }

  /** The file for a request path relative to the folder (already URL-decoded), or null. */
  async find(path: string): Promise<StaticFile | null> {
    if (path.length > 1024 || /[\0\\]/.test(path)) return null;
    const segments = path.split('/');
    if (segments.some((segment) => segment === '..' || segment.startsWith('.'))) return null;
    if (/\.(br|gz)$/.test(path)) return null;
    const candidates =
      path === '' || path.endsWith('/')
        ? [`${path}index.html`]
        : [path, `${path}.html`, `${path}/index.html`];
    for (const candidate of candidates) {
      const file = resolve(this.#root, candidate);
      if (!file.startsWith(this.#root + sep)) continue;
      const found = await this.#read(file);
      if (found) return found;
    }
    return null;
  }

  async #read(file: string): Promise<StaticFile | null> {
    try {
      const info = await stat(file);
      if (!info.isFile()) return null;
      const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      // A file is read once and kept until it changes on disk (a rebuild).
      const kept = this.#files.get(file);
      if (kept?.etag === etag) return kept;
      const body = await readFile(file);
      const encoded: Partial<Record<ContentCoding, Buffer>> = {};
      for (const coding of CONTENT_CODINGS) {
        const variant = await readVariant(`${file}${VARIANT_SUFFIX[coding]}`);
        if (variant) encoded[coding] = variant;
      }
      const extension = extname(file).toLowerCase();
      const html = extension === '.html';
      const found: StaticFile = {
        body,
        encoded,
        contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
        cacheControl: !html && HASHED_NAME.test(file) ? LONG_CACHE : REVALIDATE,
        etag,
        html,
      };
      this.#files.set(file, found);
      return found;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return null;
      throw error;
    }
  }
}

async function readVariant(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}
