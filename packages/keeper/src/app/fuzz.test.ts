import { readFileSync } from 'node:fs';
import { RouteTable } from '@cipherpad/http';
import {
  documentedCodes,
  type MalformedRequest,
  malformedRequests,
} from '@cipherpad/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../cipherpad/verify-webhook.js';
import { auditLedger } from '../ledger/audit-ledger.js';
import { FakeCipherpad, fakeResponse } from '../testing/fake-cipherpad.js';
import { startTestKeeper, type TestBrowser, type TestKeeper } from '../testing/test-keeper.js';

const WEBHOOK_SECRET = 'whsec-fuzz-secret-0123456789';
const docs = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
/** The keeper's codes, and Cipherpad's it passes on (docs/errors.md). */
const DOCUMENTED = documentedCodes(docs, ['Keeper', 'Service', 'Protocol']);

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
  browser = await signIn();
});
afterAll(async () => {
  await keeper?.close();
  await fake?.stop();
});

async function signIn(): Promise<TestBrowser> {
  const fresh = keeper.browser();
  const started = await fresh.call('POST', '/api/login', { email: 'fuzz@example.com' });
  const { id, challenge } = started.json();
  const verified = await fresh.call('POST', `/api/login/${id}/verify`, {
    response: fakeResponse(challenge),
  });
  expect(verified.json()).toMatchObject({ signedIn: true });
  return fresh;
}

/** The headers that make `request` come from whom its `credentials` name. */
function credentialsFor(request: MalformedRequest): Record<string, string> {
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  switch (request.credentials) {
    case 'session':
      return { cookie, 'x-csrf-token': browser.csrfToken };
    case 'session-without-csrf':
      return { cookie };
    case 'webhook': {
      const body =
        typeof request.payload === 'string' ? request.payload : request.payload?.toString('utf8');
      return {
        'cipherpad-signature': signWebhook(body ?? '', WEBHOOK_SECRET, keeper.services.clock.now()),
      };
    }
    default:
      return {};
  }
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

describe('every route of the keeper under malformed input', () => {
  it('answers 2,400 seeded malformed requests with documented codes and no 5xx', async () => {
    const routes = (RouteTable.of(keeper.app)?.routes ?? []).filter(
      (route) => route.method !== 'HEAD',
    );
    expect(routes.map((route) => `${route.method} ${route.url}`)).toEqual(
      expect.arrayContaining([
        'POST /api/transfers',
        'GET /api/transfers/:id',
        'GET /api/settings/changes/:id/status',
        'POST /webhooks/cipherpad',
        'GET /*',
      ]),
    );
    const requests = malformedRequests(routes, {
      seed: 20260116,
      count: 2400,
      credentials: ['none', 'session', 'session-without-csrf', 'webhook'],
      credentialsFor: ({ url }) =>
        url.startsWith('/webhooks/') ? ['webhook'] : url.startsWith('/api/') ? ['session'] : [],
      hints: {
        email: 'fuzz@example.com',
        phone: '+442079460222',
        response: '12345678',
        currency: 'Z',
        to: 'Z123456789012',
        amount: '1.00',
        note: 'a fuzzed note',
        method: 'sms',
        type: 'confirmation.updated',
        confirmation: { id: '0123456789abcdef0123456789abcdef', status: 'confirmed' },
      },
    });
    const faults: string[] = [];
    const reached = new Set<string>();
    for (const [i, request] of requests.entries()) {
      if (i > 0 && i % 400 === 0) browser = await signIn();
      const answer = await keeper.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: { ...credentialsFor(request), ...request.headers },
        // Not the address the sign-ins come from: wrong answers here count against another.
        remoteAddress: `10.0.${i % 250}.1`,
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      const wrong = fault(request.method, answer);
      if (wrong) {
        faults.push(`#${i} ${request.kind} ${request.route} as ${request.credentials}: ${wrong}`);
      }
      if (handled(answer)) reached.add(request.route);
      // A logout ends the session the next requests would use.
      if (request.url.startsWith('/api/logout')) browser = await signIn();
    }
    expect(faults.slice(0, 20)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    // Behind the session too: most routes' own handlers answered some requests.
    expect(reached.size).toBeGreaterThanOrEqual(Math.floor(routes.length * 0.75));
    // No money was made or lost half-way: every balance is what its transfers say.
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });
});
