import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../cipherpad/verify-webhook.js';
import { FakeCipherpad, fakeResponse } from '../testing/fake-cipherpad.js';
import { startTestKeeper, type TestBrowser, type TestKeeper } from '../testing/test-keeper.js';

const WEBHOOK_SECRET = 'whsec-regression-0123456789';
let fake: FakeCipherpad;
let keeper: TestKeeper;
let browser: TestBrowser;

beforeAll(async () => {
  fake = await new FakeCipherpad().start();
  keeper = await startTestKeeper({
    cipherpadUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    webhookSecret: WEBHOOK_SECRET,
  });
  browser = keeper.browser();
  const started = await browser.call('POST', '/api/login', { email: 'regression@example.com' });
  const { id, challenge } = started.json();
  await browser.call('POST', `/api/login/${id}/verify`, { response: fakeResponse(challenge) });
});
afterAll(async () => {
  await keeper?.close();
  await fake?.stop();
});

describe("Fastify's refusals in the keeper's shape", () => {
  // Each of these answered 500 ERR_INTERNAL on PostgreSQL, which cannot hold NUL in text.
  it.each([
    ['GET', '/api/transfers/%00'],
    ['POST', '/api/transfers/%00/cancel'],
    ['GET', '/api/settings/changes/%00/status'],
    ['GET', '/api/login/%00/status'],
  ] as const)('refuses a NUL in the id of %s %s with ERR_VALIDATION', async (method, url) => {
    const refused = await browser.call(method, url, method === 'POST' ? {} : undefined);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({
      error: 'ERR_VALIDATION',
      message: 'params/id must be letters, digits, - and _ only',
    });
  });

  it('refuses a NUL in a JSON string before it reaches the database', async () => {
    // The email pattern lets NUL through; PostgreSQL refused the insert with a 500.
    const refused = await keeper
      .browser()
      .call('POST', '/api/login', { email: 'a\u0000@example.com' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({
      error: 'ERR_VALIDATION',
      message: 'the body must not hold a NUL character',
    });
    const note = await browser.call('POST', '/api/transfers', {
      currency: 'Z',
      to: 'Z123456789012',
      amount: '1.00',
      note: 'x\u0000',
    });
    expect(note.json().error).toBe('ERR_VALIDATION');
  });

  it('refuses a signed webhook whose confirmation id holds a NUL (it answered 500)', async () => {
    // The webhook parses its own body (its raw bytes are signed), past the app's check.
    const body =
      '{"type":"confirmation.updated","confirmation":{"id":"\\u0000","status":"confirmed"}}';
    const refused = await keeper.app.inject({
      method: 'POST',
      url: '/webhooks/cipherpad',
      headers: {
        'content-type': 'application/json',
        'cipherpad-signature': signWebhook(body, WEBHOOK_SECRET, keeper.services.clock.now()),
      },
      payload: body,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toBe('ERR_VALIDATION');
  });

  it('answers bad percent-encoding, an oversized id and another method with their codes', async () => {
    const badUrl = await browser.call('GET', '/api/transfers/%ff');
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error).toBe('ERR_URL_INVALID');
    const long = await browser.call('GET', `/api/transfers/${'a'.repeat(5000)}`);
    expect(long.statusCode).toBe(414);
    expect(long.json().error).toBe('ERR_URI_TOO_LONG');
    const method = await keeper.app.inject({ method: 'DELETE', url: '/api/transfers' });
    expect(method.statusCode).toBe(405);
    expect(method.headers.allow).toBe('GET, HEAD, POST');
    expect(method.json().error).toBe('ERR_METHOD_NOT_ALLOWED');
    const form = await keeper.app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().error).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it("answers what Node's HTTP parser refuses with a stable code", async () => {
    await keeper.app.listen({ port: 0, host: '127.0.0.1' });
    const address = keeper.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(text));
        let received = '';
        socket.on('data', (chunk) => {
          received += chunk.toString('latin1');
        });
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
      });
    const answer = await raw('BREW /api/login HTTP/1.1\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      error: 'ERR_VALIDATION',
      message: 'The request is malformed.',
    });
    const big = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4)).error).toBe('ERR_HEADERS_TOO_LARGE');
  });
});
