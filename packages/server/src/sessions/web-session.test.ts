import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let alice: Enrolled;

beforeAll(async () => {
  service = await startTestService();
  alice = await enroll(service, 'web@example.com', '+442079480000');
});
afterAll(async () => {
  await service?.close();
});

async function signIn(session?: 'cookie') {
  const login = (
    await service.app.inject({ method: 'POST', url: '/v1/logins', payload: { email: alice.email } })
  ).json();
  const response = await computeResponse(alice.ocraKey, {
    mode: 'authorization',
    challenge: login.challenge,
  });
  return service.app.inject({
    method: 'POST',
    url: `/v1/logins/${login.id}/verify`,
    payload: { response, ...(session ? { session } : {}) },
  });
}

async function cookieSession() {
  const verified = await signIn('cookie');
  const cookie = String(verified.headers['set-cookie']).split(';')[0] as string;
  return { cookie, csrfToken: verified.json().csrfToken as string, verified };
}

describe('web sessions of the security site', () => {
  it('sets the session as an HttpOnly SameSite=Strict cookie and returns only the CSRF token', async () => {
    const { verified, csrfToken } = await cookieSession();
    expect(verified.statusCode).toBe(200);
    const body = verified.json();
    expect(body.session.token).toBeUndefined();
    expect(body.session.expiresAt).toBe(service.clock.now() + 12 * 60 * 60 * 1000);
    expect(body.account).toEqual({ id: alice.accountId, email: alice.email });
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verified.headers['set-cookie']).toBe(
      `${String(verified.headers['set-cookie']).split(';')[0]}; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict`,
    );
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const secure = await startTestService({ env: { CIPHERPAD_PUBLIC_URL: 'https://cp.example' } });
    try {
      const bob = await enroll(secure, 'secure@example.com', '+442079480001');
      const login = (
        await secure.app.inject({
          method: 'POST',
          url: '/v1/logins',
          payload: { email: bob.email },
        })
      ).json();
      const response = await computeResponse(bob.ocraKey, {
        mode: 'authorization',
        challenge: login.challenge,
      });
      const verified = await secure.app.inject({
        method: 'POST',
        url: `/v1/logins/${login.id}/verify`,
        payload: { response, session: 'cookie' },
      });
      expect(String(verified.headers['set-cookie'])).toMatch(/; Secure$/);
    } finally {
      await secure.close();
    }
  });

  it('answers GET /v1/session for the cookie, with the CSRF token', async () => {
    const { cookie, csrfToken } = await cookieSession();
    const session = await service.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: { cookie: `theme=dark; ${cookie}` },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json().account.email).toBe(alice.email);
    expect(session.json().csrfToken).toBe(csrfToken);
  });

  it('refuses a cookie request that changes something without the CSRF token', async () => {
    const { cookie, csrfToken } = await cookieSession();
    for (const headers of [{ cookie }, { cookie, 'x-csrf-token': `${csrfToken}x` }]) {
      const refused = await service.app.inject({
        method: 'POST',
        url: '/v1/session/logout',
        headers,
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toBe('ERR_CSRF');
    }
    const other = await cookieSession();
    const crossed = await service.app.inject({
      method: 'POST',
      url: '/v1/session/logout',
      headers: { cookie, 'x-csrf-token': other.csrfToken },
    });
    expect(crossed.json().error).toBe('ERR_CSRF');
  });

  it('ends a cookie session on logout and clears the cookie', async () => {
    const { cookie, csrfToken } = await cookieSession();
    const out = await service.app.inject({
      method: 'POST',
      url: '/v1/session/logout',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBe(200);
    expect(out.headers['set-cookie']).toBe(
      'cp_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict',
    );
    // The ended session's cookie is refused by every route, and GET /v1/session says signed out.
    const account = await service.app.inject({
      method: 'GET',
      url: '/v1/account',
      headers: { cookie },
    });
    expect(account.statusCode).toBe(401);
    expect(account.json().error).toBe('ERR_UNAUTHENTICATED');
    const after = await service.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: { cookie },
    });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ signedIn: false });
  });

  it('ends a bearer session on logout, without a CSRF token', async () => {
    const token = (await signIn()).json().session.token as string;
    const headers = { authorization: `Bearer ${token}` };
    const out = await service.app.inject({ method: 'POST', url: '/v1/session/logout', headers });
    expect(out.statusCode).toBe(200);
    const after = await service.app.inject({ method: 'GET', url: '/v1/session', headers });
    expect(after.json().error).toBe('ERR_UNAUTHENTICATED');
  });

  it('answers an unknown cookie signed out and clears it; other routes refuse it', async () => {
    const cookie = `cp_session=${'a'.repeat(43)}`;
    const session = await service.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: { cookie },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual({ signedIn: false });
    expect(session.headers['set-cookie']).toBe(
      'cp_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict',
    );
    const refused = await service.app.inject({
      method: 'GET',
      url: '/v1/account',
      headers: { cookie },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toBe('ERR_UNAUTHENTICATED');
  });

  it('answers a browser without a session signed out, not refused, and sets no cookie', async () => {
    for (const headers of [{}, { cookie: 'theme=dark' }]) {
      const session = await service.app.inject({ method: 'GET', url: '/v1/session', headers });
      expect(session.statusCode).toBe(200);
      expect(session.json()).toEqual({ signedIn: false });
      expect(session.headers['set-cookie']).toBeUndefined();
    }
  });

  it('still refuses a bearer client whose token is missing, malformed or unknown', async () => {
    for (const authorization of ['', 'Bearer', 'Basic abc', `Bearer ${'a'.repeat(75)}`]) {
      const refused = await service.app.inject({
        method: 'GET',
        url: '/v1/session',
        headers: { authorization },
      });
      expect(refused.statusCode, authorization).toBe(401);
      expect(refused.json().error).toBe('ERR_UNAUTHENTICATED');
    }
  });

  it('says signed in, with the account, for a live session', async () => {
    const token = (await signIn()).json().session.token as string;
    const session = await service.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(session.json()).toMatchObject({ signedIn: true, account: { email: alice.email } });
  });
});
