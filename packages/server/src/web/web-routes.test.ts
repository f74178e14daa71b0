import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from '../../../../scripts/precompress.mjs';
import { startTestService, type TestService } from '../testing/test-service.js';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; manifest-src 'self'; worker-src 'self'; media-src 'self' blob:; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

let service: TestService;
let root: string;
/** A script large enough to compress, as the site's build writes them. */
const SCRIPT = `export const words=${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word${i % 37}`))};`;

function write(path: string, content: string) {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cipherpad-web-'));
  write('site/index.html', '<!doctype html><title>Cipherpad</title>');
  write('site/login.html', '<!doctype html><title>Sign in</title>');
  write('site/settings/index.html', '<!doctype html><title>Settings</title>');
  write('site/assets/site-5XQ2JH7A.js', 'console.log(1);');
  write('site/assets/site-AB12CD34.css', 'body{}');
  write('site/.env', 'SECRET=1');
  write('secret.txt', 'outside');
  write('app/index.html', '<!doctype html><title>App</title>');
  write('app/sw.js', 'self.addEventListener("fetch", () => {});');
  write('app/manifest.webmanifest', '{"name":"Cipherpad"}');
  write('app/icon.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
  write('app/app-QW12ER34.js', 'export {};');
  write('site/assets/words-ZX98CV76.js', SCRIPT);
  await precompress([join(root, 'site'), join(root, 'app')]);
  service = await startTestService({
    env: { CIPHERPAD_SITE_DIR: join(root, 'site'), CIPHERPAD_APP_DIR: join(root, 'app') },
  });
});
afterAll(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  service.app.inject({ method: 'GET', url, headers });

describe('serving the security site and the phone app', () => {
  it('serves the site at / with the security headers of every HTML page', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Cipherpad</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CSP);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['permissions-policy']).toBe('camera=(self)');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('finds a screen as NAME, NAME.html or NAME/index.html', async () => {
    expect((await get('/login')).body).toContain('Sign in');
    expect((await get('/login.html')).body).toContain('Sign in');
    expect((await get('/settings')).body).toContain('Settings');
    expect((await get('/settings/')).body).toContain('Settings');
  });

  it('caches hashed assets for a year and sends them with their content type', async () => {
    const script = await get('/assets/site-5XQ2JH7A.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['content-security-policy']).toBeUndefined();
    const style = await get('/assets/site-AB12CD34.css');
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves the app at /app/, its worker and manifest never cached without checking', async () => {
    const redirect = await get('/app');
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/app/');
    const app = await get('/app/');
    expect(app.body).toContain('<title>App</title>');
    expect(app.headers['content-security-policy']).toBe(CSP);
    const worker = await get('/app/sw.js');
    expect(worker.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(worker.headers['cache-control']).toBe('no-cache');
    const manifest = await get('/app/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
    expect(manifest.headers['cache-control']).toBe('no-cache');
    expect((await get('/app/icon.svg')).headers['content-type']).toBe('image/svg+xml');
    expect((await get('/app/app-QW12ER34.js')).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    );
  });

  it('answers a matching ETag with 304', async () => {
    const first = await get('/login');
    const again = await get('/login', { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('sends the precompressed variant the browser accepts, the same bytes once decoded', async () => {
    const url = '/assets/words-ZX98CV76.js';
    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.body).toBe(SCRIPT);

    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(br.rawPayload.length).toBeLessThan(SCRIPT.length / 4);
    expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);

    for (const accept of ['gzip', 'br;q=0, gzip', 'x-gzip', 'gzip;q=1, br;q=0.5']) {
      const gz = await get(url, { 'accept-encoding': accept });
      expect(gz.headers['content-encoding'], accept).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);
    }
    for (const accept of ['identity', 'deflate', 'br;q=0, gzip;q=0', '*;q=0']) {
      const none = await get(url, { 'accept-encoding': accept });
      expect(none.headers['content-encoding'], accept).toBeUndefined();
      expect(none.body).toBe(SCRIPT);
    }
    // Each coding has its own ETag, so a cached gzip body is not revalidated as brotli.
    expect(new Set([plain.headers.etag, br.headers.etag]).size).toBe(2);
    const revalidated = await get(url, {
      'accept-encoding': 'br',
      'if-none-match': String(br.headers.etag),
    });
    expect(revalidated.statusCode).toBe(304);
    expect(
      (await get(url, { 'accept-encoding': 'gzip', 'if-none-match': String(br.headers.etag) }))
        .statusCode,
    ).toBe(200);
  });

  it('compresses the HTML pages too, and never serves a variant as a file of its own', async () => {
    write('site/big.html', `<!doctype html><title>Big</title>${'<p>Cipherpad</p>'.repeat(100)}`);
    await precompress([join(root, 'site/big.html')]);
    const page = await get('/big', { 'accept-encoding': 'br' });
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['content-security-policy']).toBe(CSP);
    expect(brotliDecompressSync(page.rawPayload).toString()).toContain('<title>Big</title>');
    for (const url of ['/assets/words-ZX98CV76.js.br', '/assets/words-ZX98CV76.js.gz']) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
    // A file too small to gain anything has no variant, and goes out as it is.
    const small = await get('/assets/site-5XQ2JH7A.js', { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body).toBe('console.log(1);');
  });

  it('never serves a file outside the folder or a hidden one', async () => {
    for (const url of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/.env',
      '/app/..%2fsite%2f.env',
      '/login%00.html',
      '/assets',
    ]) {
      const refused = await get(url);
      expect(refused.statusCode, url).toBe(404);
      expect(refused.body).not.toContain('SECRET');
      expect(refused.body).not.toContain('outside');
    }
  });

  it('keeps unknown API paths JSON 404s', async () => {
    const missing = await get('/v1/nothing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('ERR_NOT_FOUND');
    expect(missing.headers['cache-control']).toBe('no-store');
    const page = await get('/no-such-page');
    expect(page.json().error).toBe('ERR_NOT_FOUND');
  });

  it('serves nothing, and does not fail, when the folders are not built', async () => {
    const bare = await startTestService({
      env: {
        CIPHERPAD_SITE_DIR: join(root, 'missing-site'),
        CIPHERPAD_APP_DIR: join(root, 'missing-app'),
      },
    });
    try {
      for (const url of ['/', '/login', '/app/', '/app/sw.js']) {
        const missing = await bare.app.inject({ method: 'GET', url });
        expect(missing.statusCode, url).toBe(404);
        expect(missing.json().error).toBe('ERR_NOT_FOUND');
      }
      expect((await bare.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
