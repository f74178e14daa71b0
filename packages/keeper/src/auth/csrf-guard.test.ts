import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCipherpad, fakeResponse } from '../testing/fake-cipherpad.js';
import { startTestKeeper, type TestBrowser, type TestKeeper } from '../testing/test-keeper.js';
import { type GuardedRoute, stateChangingRoutes } from './csrf-guard.js';

let fake: FakeCipherpad;
let keeper: TestKeeper;
let browser: TestBrowser;
let other: TestBrowser;

async function signIn(email: string): Promise<TestBrowser> {
  const signingIn = keeper.browser();
  const { id, challenge } = (await signingIn.call('POST', '/api/login', { email })).json();
  const verified = await signingIn.call('POST', `/api/login/${id}/verify`, {
    response: fakeResponse(challenge),
  });
  expect(verified.json()).toMatchObject({ signedIn: true });
  expect(signingIn.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return signingIn;
}

beforeAll(async () => {
  fake = await new FakeCipherpad().start();
  keeper = await startTestKeeper({
    cipherpadUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
  });
  browser = await signIn('csrf@example.com');
  other = await signIn('csrf-other@example.com');
});
afterAll(async () => {
  await keeper?.close();
  await fake?.stop();
});

/** A route's URL with its parameters filled in. */
const urlOf = (route: GuardedRoute) => route.url.replace(/:[A-Za-z]+/g, 'x1');

/** The routes as the app registered them, enumerated by the guard, not written out here. */
const guarded = () => stateChangingRoutes(keeper.app).filter((route) => route.exempt === null);

async function send(route: GuardedRoute, headers: Record<string, string>) {
  return keeper.app.inject({
    method: route.method as 'POST',
    url: urlOf(route),
    headers: { 'content-type': 'application/json', ...headers },
    payload: '{}',
  });
}

const cookieOf = (who: TestBrowser) =>
  [...who.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

describe('CSRF: one guard for every state-changing route of the keeper', () => {
  it('sees every state-changing route, and exempts only the three that say why', () => {
    const all = stateChangingRoutes(keeper.app);
    const names = all.map((route) => `${route.method} ${route.url}`);
    for (const expected of [
      'POST /api/logout',
      'POST /api/transfers',
      'POST /api/transfers/:id/confirm',
      'POST /api/transfers/:id/cancel',
      'POST /api/settings/changes',
      'POST /api/settings/changes/:id/verify',
    ]) {
      expect(names).toContain(expected);
    }
    const exempt = all.filter((route) => route.exempt !== null);
    expect(exempt.map((route) => `${route.method} ${route.url}`).sort()).toEqual([
      'POST /api/login',
      'POST /api/login/:id/verify',
      'POST /webhooks/cipherpad',
    ]);
    for (const route of exempt) expect(route.exempt?.length).toBeGreaterThan(30);
  });

  it('refuses each guarded route without the token, with a wrong one, and with another session’s', async () => {
    const before = (await browser.call('GET', '/api/transfers')).json();
    const routes = guarded();
    expect(routes.length).toBeGreaterThanOrEqual(6);
    const wrong = `${browser.csrfToken.slice(0, -1)}${browser.csrfToken.endsWith('A') ? 'B' : 'A'}`;
    for (const route of routes) {
      const cookie = cookieOf(browser);
      for (const [label, headers] of [
        ['no token', { cookie }],
        ['empty token', { cookie, 'x-csrf-token': '' }],
        ['wrong token', { cookie, 'x-csrf-token': wrong }],
        ['shorter token', { cookie, 'x-csrf-token': browser.csrfToken.slice(1) }],
        ['another session’s token', { cookie, 'x-csrf-token': other.csrfToken }],
      ] as const) {
        const answer = await send(route, headers);
        expect(answer.statusCode, `${route.method} ${route.url}: ${label}`).toBe(403);
        expect(answer.json().error, `${route.method} ${route.url}: ${label}`).toBe('ERR_CSRF');
      }
      const anonymous = await send(route, { 'x-csrf-token': browser.csrfToken });
      expect(anonymous.statusCode, `${route.method} ${route.url}: no session`).toBe(401);
      expect(anonymous.json().error).toBe('ERR_NOT_SIGNED_IN');
    }
    // Nothing was changed by the refused requests: the session is still open, nothing was paid.
    expect((await browser.call('GET', '/api/session')).json()).toMatchObject({ signedIn: true });
    expect((await browser.call('GET', '/api/transfers')).json()).toEqual(before);
  });

  it('lets each guarded route through with the session’s own token', async () => {
    const cookie = cookieOf(other);
    for (const route of guarded().filter((r) => r.url !== '/api/logout')) {
      const answer = await send(route, { cookie, 'x-csrf-token': other.csrfToken });
      expect(['ERR_CSRF', 'ERR_NOT_SIGNED_IN'], `${route.method} ${route.url}`).not.toContain(
        answer.json().error,
      );
    }
  });

  it('logs out only with the token', async () => {
    const refused = await browser.call('POST', '/api/logout', undefined, { 'x-csrf-token': '' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('ERR_CSRF');
    expect((await browser.call('GET', '/api/session')).json()).toMatchObject({ signedIn: true });
    const done = await browser.call('POST', '/api/logout');
    expect(done.json()).toEqual({ signedIn: false });
    expect((await browser.call('GET', '/api/session')).json()).toMatchObject({ signedIn: false });
  });

  it('answers an unknown path 404 whatever its method, not a CSRF refusal', async () => {
    const answer = await keeper.app.inject({ method: 'POST', url: '/api/nothing-here' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json().error).toBe('ERR_NOT_FOUND');
  });
});
