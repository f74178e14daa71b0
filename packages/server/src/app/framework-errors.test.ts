import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSite } from '../sites/register-site.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let siteAuth = '';

beforeAll(async () => {
  service = await startTestService();
  const site = await registerSite(
    { db: service.services.db, secrets: service.services.secrets, now: service.clock.now() },
    { name: 'Regression Shop' },
  );
  siteAuth = `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`;
});
afterAll(async () => {
  await service?.close();
});

type Method = 'GET' | 'POST' | 'DELETE' | 'PUT';

async function answer(
  method: Method,
  url: string,
  options: { headers?: Record<string, string>; payload?: string } = {},
) {
  const reply = await service.app.inject({
    method,
    url,
    headers: {
      ...(options.payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.payload === undefined ? {} : { payload: options.payload }),
  });
  return { status: reply.statusCode, body: reply.json(), headers: reply.headers };
}

describe("Fastify's refusals in the service's shape", () => {
  // Each of these answered 500 ERR_INTERNAL on PostgreSQL, which cannot hold NUL in text.
  it.each([
    ['GET', '/v1/logins/%00/status', {}],
    ['POST', '/v1/logins/%00/session', {}],
    ['POST', '/v1/logins/a%00b/verify', {}],
    ['GET', '/v1/confirm-pages/%00', {}],
    ['POST', '/v1/confirm-pages/%00/hold', {}],
    ['POST', '/v1/confirm-pages/%00/rebind', {}],
    ['GET', '/v1/sms-confirmations/%00', { authorization: 'site' }],
    ['GET', '/v1/confirmations/%00', { authorization: 'site' }],
  ] as const)('refuses a NUL in the id of %s %s with ERR_VALIDATION', async (method, url, auth) => {
    const headers = 'authorization' in auth ? { authorization: siteAuth } : undefined;
    const refused = await answer(method, url, {
      ...(headers ? { headers } : {}),
      ...(method === 'POST' ? { payload: '{}' } : {}),
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: 'ERR_VALIDATION',
      message: 'params/id must be letters, digits, - and _ only',
    });
  });

  it('refuses a NUL in a JSON string, a key, the query or a header before any handler', async () => {
    const inEmail = await answer('POST', '/v1/logins', {
      payload: '{"email":"a\\u0000@example.com"}',
    });
    expect(inEmail).toMatchObject({ status: 400, body: { error: 'ERR_VALIDATION' } });
    expect(inEmail.body.message).toBe('the body must not hold a NUL character');
    const inKey = await answer('POST', '/v1/logins', { payload: '{"a\\u0000":{"b":["\\u0000"]}}' });
    expect(inKey.body.message).toBe('the body must not hold a NUL character');
    const inQuery = await answer('GET', '/v1/registrations/verify-email?token=%00');
    expect(inQuery.body).toMatchObject({ error: 'ERR_VALIDATION' });
    expect(inQuery.body.message).toBe('the query must not hold a NUL character');
    const inHeader = await answer('POST', '/v1/confirmations', {
      headers: { authorization: siteAuth, 'idempotency-key': 'key\u0000' },
      payload: '{"email":"a@example.com","operation":{"type":"login"}}',
    });
    expect(inHeader.status).toBe(400);
    expect(inHeader.body.message).toBe('the idempotency-key header must not hold a NUL character');
  });

  it('refuses an id that is not letters, digits, - and _ with ERR_VALIDATION', async () => {
    const refused = await answer('GET', '/v1/registrations/abc.def');
    expect(refused).toMatchObject({ status: 400, body: { error: 'ERR_VALIDATION' } });
  });

  it('answers bad percent-encoding with ERR_URL_INVALID (it was FST_ERR_BAD_URL)', async () => {
    for (const url of [
      '/v1/registrations/%ff',
      '/v1/logins/%c0%af/status',
      '/v1/logins/%/verify',
    ]) {
      const refused = await answer(url.endsWith('verify') ? 'POST' : 'GET', url);
      expect(refused.status, url).toBe(400);
      expect(refused.body, url).toEqual({
        error: 'ERR_URL_INVALID',
        message: 'The URL is not validly percent-encoded UTF-8.',
      });
    }
  });

  it('answers an id over 100 characters with 414 ERR_URI_TOO_LONG (it was FST_ERR_MAX_PARAM_LENGTH)', async () => {
    const long = 'a'.repeat(5000);
    for (const [method, url] of [
      ['GET', `/v1/registrations/${long}`],
      ['POST', `/v1/logins/${long}/verify`],
      ['GET', `/v1/logins/${'b'.repeat(101)}/status`],
    ] as const) {
      const refused = await answer(method, url, method === 'POST' ? { payload: '{}' } : {});
      expect(refused.status, url.slice(0, 30)).toBe(414);
      expect(refused.body.error).toBe('ERR_URI_TOO_LONG');
    }
    // Up to the limit, the route's schema bounds the id.
    const schema = await answer('GET', `/v1/registrations/${'c'.repeat(100)}`);
    expect(schema).toMatchObject({ status: 400, body: { error: 'ERR_VALIDATION' } });
  });

  it('answers another method on a known path with 405 ERR_METHOD_NOT_ALLOWED and Allow', async () => {
    const refused = await answer('DELETE', '/v1/logins');
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe('POST');
    expect(refused.body.error).toBe('ERR_METHOD_NOT_ALLOWED');
    const get = await answer('PUT', '/v1/logins/0123/status');
    expect(get.headers.allow).toBe('GET, HEAD');
    const unknown = await answer('DELETE', '/v1/nothing-here');
    expect(unknown).toMatchObject({ status: 404, body: { error: 'ERR_NOT_FOUND' } });
  });

  it('answers the body refusals with their codes', async () => {
    const cases: [Record<string, string>, string, number, string][] = [
      [{}, 'x'.repeat(17 * 1024), 413, 'ERR_PAYLOAD_TOO_LARGE'],
      [{ 'content-type': 'text/plain' }, '{}', 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
      [
        { 'content-type': 'application/x-www-form-urlencoded' },
        'a=1',
        415,
        'ERR_UNSUPPORTED_MEDIA_TYPE',
      ],
      [{}, '{"email":', 400, 'ERR_VALIDATION'],
      [{}, '', 400, 'ERR_VALIDATION'],
      [{}, '{"__proto__":{"polluted":1}}', 400, 'ERR_VALIDATION'],
      [{}, '{"email":5}', 400, 'ERR_VALIDATION'],
    ];
    for (const [headers, payload, status, code] of cases) {
      const refused = await answer('POST', '/v1/logins', { headers, payload });
      expect(refused.status, payload.slice(0, 20)).toBe(status);
      expect(refused.body.error, payload.slice(0, 20)).toBe(code);
      expect(typeof refused.body.message).toBe('string');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("answers what Node's HTTP parser refuses in the same shape, with a stable code", async () => {
    await service.app.listen({ port: 0, host: '127.0.0.1' });
    const address = service.app.server.address();
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
    const brew = await raw('BREW /v1/logins HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(brew).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(brew.slice(brew.indexOf('\r\n\r\n') + 4)).error).toBe('ERR_VALIDATION');
    const nul = await raw('GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n');
    expect(JSON.parse(nul.slice(nul.indexOf('\r\n\r\n') + 4)).error).toBe('ERR_VALIDATION');
    const big = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4)).error).toBe('ERR_HEADERS_TOO_LARGE');
  });
});
