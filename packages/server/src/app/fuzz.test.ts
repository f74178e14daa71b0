import { readFileSync } from 'node:fs';
import { computeResponse } from '@cipherpad/core';
import { RouteTable } from '@cipherpad/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSite } from '../sites/register-site.js';
import { deviceAuthorization } from '../testing/device-request.js';
import { documentedCodes } from '../testing/documented-codes.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { type MalformedRequest, malformedRequests } from '../testing/malformed-requests.js';
import { startTestService, type TestService } from '../testing/test-service.js';

const docs = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
/** What the service may answer with: its own codes and the core's (docs/errors.md). */
const DOCUMENTED = documentedCodes(docs, ['Service', 'Protocol']);

let service: TestService;
let alice: Enrolled;
let site: { clientId: string; clientSecret: string };
let bearer = '';
let cookie = { cookie: '', csrfToken: '' };

beforeAll(async () => {
  service = await startTestService();
  alice = await enroll(service, 'fuzz@example.com', '+442079460111');
  site = await registerSite(
    { db: service.services.db, secrets: service.services.secrets, now: service.clock.now() },
    { name: 'Fuzz Shop' },
  );
  await signInAgain();
});
afterAll(async () => {
  await service?.close();
});

/** A fresh bearer session and a fresh cookie session with its CSRF token. */
async function signInAgain(): Promise<void> {
  const login = async (session: 'bearer' | 'cookie') => {
    const started = await service.app.inject({
      method: 'POST',
      url: '/v1/logins',
      payload: { email: alice.email },
    });
    const { id, challenge } = started.json();
    const response = await computeResponse(alice.ocraKey, { mode: 'authorization', challenge });
    const verified = await service.app.inject({
      method: 'POST',
      url: `/v1/logins/${id}/verify`,
      payload: { response, session },
    });
    expect(verified.statusCode).toBe(200);
    return verified;
  };
  bearer = (await login('bearer')).json().session.token;
  const viaCookie = await login('cookie');
  cookie = {
    cookie: String(viaCookie.headers['set-cookie']).split(';')[0] as string,
    csrfToken: viaCookie.json().csrfToken,
  };
}

/** The device's own routes: `/v1/device` and those under it. */
const DEVICE_ROUTE = /^\/v1\/device(\/|$|\?)/;

/** The headers that make `request` come from whom its `credentials` name. */
async function credentialsFor(request: MalformedRequest): Promise<Record<string, string>> {
  switch (request.credentials) {
    case 'bearer':
      return { authorization: `Bearer ${bearer}` };
    case 'cookie':
      return { cookie: cookie.cookie, 'x-csrf-token': cookie.csrfToken };
    case 'cookie-without-csrf':
      return { cookie: cookie.cookie };
    case 'site':
      return {
        authorization: `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`,
      };
    case 'device': {
      // The event stream stays open while the device is signed in: it is tested on its own.
      const path = request.url.split('?', 1)[0] ?? '';
      if (!DEVICE_ROUTE.test(path) || path === '/v1/device/events') return {};
      const body =
        typeof request.payload === 'string' ? request.payload : request.payload?.toString('utf8');
      const ts = service.clock.now() - Math.floor(Math.random() * 60_000);
      return {
        authorization: await deviceAuthorization(alice, request.method, request.url, ts, body),
      };
    }
    default:
      return {};
  }
}

async function send(request: MalformedRequest) {
  const credentials = await credentialsFor(request);
  return service.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: { ...credentials, ...request.headers },
    remoteAddress: `10.${(request.url.length * 7) % 250}.${Math.floor(Math.random() * 250)}.1`,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
}

/** Refusals given before a route's own handler runs (framework, schema, credentials). */
const BEFORE_HANDLER = new Set([
  'ERR_VALIDATION',
  'ERR_URL_INVALID',
  'ERR_URI_TOO_LONG',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_NOT_FOUND',
  'ERR_UNAUTHENTICATED',
  'ERR_NOT_SIGNED_IN',
  'ERR_CSRF',
  'ERR_SITE_AUTH',
  'ERR_DEVICE_AUTH',
]);

/** Whether a route's handler answered: a success, or a refusal of its own. */
function handled(answer: { statusCode: number; body: string }): boolean {
  if (answer.statusCode < 400) return true;
  try {
    return !BEFORE_HANDLER.has(JSON.parse(answer.body).error);
  } catch {
    return false;
  }
}

/** What is wrong with an answer: a 5xx, or a refusal without a documented code. */
function fault(method: string, answer: { statusCode: number; body: string }) {
  if (answer.statusCode >= 500)
    return `answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`;
  // An answer to HEAD has no body (RFC 9110 §9.3.2).
  if (answer.statusCode < 400 || method === 'HEAD') return null;
  let body: { error?: unknown; message?: unknown };
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `answered ${answer.statusCode} without JSON: ${answer.body.slice(0, 200)}`;
  }
  if (typeof body.error !== 'string' || !DOCUMENTED.has(body.error)) {
    return `answered ${answer.statusCode} with an undocumented code: ${answer.body.slice(0, 200)}`;
  }
  if (typeof body.message !== 'string') return `answered ${body.error} without a message`;
  return null;
}

describe('every route of the service under malformed input', () => {
  it('answers 3,000 seeded malformed requests with documented codes and no 5xx', async () => {
    const table = RouteTable.of(service.app);
    const routes = (table?.routes ?? []).filter((route) => route.method !== 'HEAD');
    // Every route the app declares is fuzzed: a new route joins by being declared.
    expect(routes.map((route) => `${route.method} ${route.url}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/logins/:id/verify',
        'GET /v1/confirm-pages/:id',
        'POST /v1/sms-confirmations',
        'POST /v1/device/requests/:id/approve',
        'GET /*',
      ]),
    );
    const requests = malformedRequests(routes, {
      seed: 20260115,
      count: 3000,
      credentials: ['none', 'bearer', 'cookie', 'cookie-without-csrf', 'site', 'device'],
      credentialsFor: ({ url }) =>
        DEVICE_ROUTE.test(url)
          ? ['device']
          : /^\/v1\/(sms-)?confirmations/.test(url)
            ? ['site']
            : /^\/v1\/(account|session|confirm-pages)/.test(url)
              ? ['bearer', 'cookie']
              : [],
      hints: {
        email: alice.email,
        phone: alice.phone,
        response: '12345678',
        code: '123456',
        name: 'Fuzz phone',
        operations: ['payment'],
        operation: {
          type: 'payment',
          amount: '25.50',
          currency: 'WMZ',
          purse: 'Z123456789012',
          description: 'A fuzzed payment',
          note: 'a note',
        },
      },
    });
    const faults: string[] = [];
    const reached = new Set<string>();
    for (const [i, request] of requests.entries()) {
      if (i > 0 && i % 400 === 0) {
        // Past the per-minute limits, so later requests reach the handlers again.
        service.clock.advance(61_000);
        await signInAgain();
      }
      const answer = await send(request);
      const wrong = fault(request.method, answer);
      if (wrong) {
        faults.push(`#${i} ${request.kind} ${request.route} as ${request.credentials}: ${wrong}`);
      }
      if (handled(answer)) reached.add(request.route);
      // A logout ends the session the next requests would use.
      if (request.url.startsWith('/v1/session/logout')) await signInAgain();
    }
    expect(faults.slice(0, 20)).toEqual([]);
    // Nothing reached the prototype of every object.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    // Behind authentication too: most routes' own handlers answered some requests.
    expect(reached.size).toBeGreaterThanOrEqual(Math.floor(routes.length * 0.75));
  });

  it('still signs in and answers normally after the fuzz', async () => {
    await signInAgain();
    const session = await service.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json().account.email).toBe(alice.email);
  });
});
