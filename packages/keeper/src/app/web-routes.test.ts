import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from '../../../../scripts/precompress.mjs';
import { FakeCipherpad } from '../testing/fake-cipherpad.js';
import { startTestKeeper, type TestKeeper } from '../testing/test-keeper.js';

/** A page script large enough to compress, as the keeper's build writes them. */
const SCRIPT = `export const rows=${JSON.stringify(Array.from({ length: 400 }, (_, i) => `row${i % 41}`))};`;
const PAGE = `<!doctype html><title>Wallet · Keeper</title>${'<p>Keeper</p>'.repeat(100)}`;

let fake: FakeCipherpad;
let keeper: TestKeeper;
let web: string;

beforeAll(async () => {
  web = mkdtempSync(join(tmpdir(), 'keeper-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'assets/wallet-AB12CD34.js'), SCRIPT);
  writeFileSync(join(web, 'wallet.html'), PAGE);
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Keeper</title>');
  await precompress([join(web, 'assets'), join(web, 'wallet.html'), join(web, 'index.html')]);
  fake = await new FakeCipherpad().start();
  keeper = await startTestKeeper({ cipherpadUrl: fake.url, env: { KEEPER_WEB_DIR: web } });
});
afterAll(async () => {
  await keeper?.close();
  await fake?.stop();
  rmSync(web, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  keeper.app.inject({ method: 'GET', url, headers });

describe("the keeper's pages, precompressed at build time", () => {
  it('sends brotli or gzip as the browser accepts, the same bytes once decoded', async () => {
    for (const [url, content] of [
      ['/assets/wallet-AB12CD34.js', SCRIPT],
      ['/wallet', PAGE],
    ] as const) {
      const plain = await get(url);
      expect(plain.statusCode, url).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toBe('accept-encoding');
      expect(plain.body).toBe(content);

      const br = await get(url, { 'accept-encoding': 'gzip, deflate, br, zstd' });
      expect(br.headers['content-encoding'], url).toBe('br');
      expect(br.headers.vary).toBe('accept-encoding');
      expect(br.rawPayload.length).toBeLessThan(content.length / 4);
      expect(brotliDecompressSync(br.rawPayload).toString()).toBe(content);

      const gz = await get(url, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding'], url).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).toString()).toBe(content);

      const refused = await get(url, { 'accept-encoding': 'br;q=0, gzip;q=0' });
      expect(refused.headers['content-encoding']).toBeUndefined();
      expect(refused.body).toBe(content);
    }
    const page = await get('/wallet', { 'accept-encoding': 'br' });
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('sends a file too small to gain as it is, and never a variant as a file of its own', async () => {
    const small = await get('/', { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body).toBe('<!doctype html><title>Keeper</title>');
    for (const url of ['/assets/wallet-AB12CD34.js.br', '/wallet.html.gz']) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });
});
