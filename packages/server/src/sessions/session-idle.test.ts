import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { signIn } from '../testing/sign-in.js';
import { startTestService, type TestService } from '../testing/test-service.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** How one test reaches the service with its session: a bearer token, or the site's cookie. */
interface Client {
  readonly via: 'bearer' | 'cookie';
  headers(extra?: Record<string, string>): Record<string, string>;
}

async function bearerClient(service: TestService, who: Enrolled): Promise<Client> {
  const { token } = await signIn(service, who);
  return {
    via: 'bearer',
    headers: (extra = {}) => ({ authorization: `Bearer ${token}`, ...extra }),
  };
}

async function cookieClient(service: TestService, who: Enrolled): Promise<Client> {
  const login = (
    await service.app.inject({ method: 'POST', url: '/v1/logins', payload: { email: who.email } })
  ).json();
  const response = await computeResponse(who.ocraKey, {
    mode: 'authorization',
    challenge: login.challenge,
  });
  const verified = await service.app.inject({
    method: 'POST',
    url: `/v1/logins/${login.id}/verify`,
    payload: { response, session: 'cookie' },
  });
  expect(verified.statusCode).toBe(200);
  const cookie = String(verified.headers['set-cookie']).split(';')[0] as string;
  const csrfToken = verified.json().csrfToken as string;
  return {
    via: 'cookie',
    headers: (extra = {}) => ({ cookie, 'x-csrf-token': csrfToken, ...extra }),
  };
}

function account(service: TestService, client: Client, extra?: Record<string, string>) {
  return service.app.inject({ method: 'GET', url: '/v1/account', headers: client.headers(extra) });
}

function sessionOf(service: TestService, client: Client, extra?: Record<string, string>) {
  return service.app.inject({ method: 'GET', url: '/v1/session', headers: client.headers(extra) });
}

async function lastSeen(service: TestService): Promise<(number | null)[]> {
  const rows = await service.services.db
    .selectFrom('sessions')
    .select('last_seen_at')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.last_seen_at);
}

describe('session inactivity (PSD2 RTS Art. 4(3)(d))', () => {
  let service: TestService;
  let alice: Enrolled;

  beforeAll(async () => {
    service = await startTestService();
    alice = await enroll(service, 'idle@example.com', '+442079481000');
  });
  afterAll(async () => {
    await service?.close();
  });

  for (const open of [bearerClient, cookieClient]) {
    const via = open === bearerClient ? 'bearer' : 'cookie';

    it(`keeps a ${via} session used every 4 minutes until its absolute end, not after`, async () => {
      const client = await open(service, alice);
      const signedInAt = service.clock.now();
      const end = signedInAt + defaultPolicy.sessionTtlMs;
      expect(defaultPolicy.sessionTtlMs).toBe(12 * 60 * MINUTE);
      while (service.clock.now() + 4 * MINUTE < end) {
        service.clock.advance(4 * MINUTE);
        const answer = await account(service, client);
        expect(answer.statusCode, `at ${(service.clock.now() - signedInAt) / MINUTE} min`).toBe(
          200,
        );
      }
      service.clock.advance(end - service.clock.now() - SECOND);
      const last = await sessionOf(service, client);
      expect(last.statusCode).toBe(200);
      // Its idle end never reaches past its absolute end.
      expect(last.json().idleExpiresAt).toBe(end);
      expect(last.json().idleRemainingMs).toBe(SECOND);
      service.clock.advance(SECOND);
      const over = await account(service, client);
      expect(over.statusCode).toBe(401);
      expect(over.json().error).toBe('ERR_UNAUTHENTICATED');
    });

    it(`ends a ${via} session idle for 5 minutes and 1 second with ERR_SESSION_IDLE`, async () => {
      const client = await open(service, alice);
      service.clock.advance(2 * MINUTE);
      expect((await account(service, client)).statusCode).toBe(200);
      service.clock.advance(5 * MINUTE - SECOND);
      expect((await account(service, client)).statusCode).toBe(200);
      service.clock.advance(5 * MINUTE + SECOND);
      const refused = await account(service, client);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({
        error: 'ERR_SESSION_IDLE',
        message: 'The session ended after 5 minutes without a request. Sign in again.',
        idleTimeoutMs: 5 * MINUTE,
      });
      // It stays ended: neither another request nor "stay signed in" brings it back.
      const refresh = await service.app.inject({
        method: 'POST',
        url: '/v1/session/refresh',
        headers: client.headers(),
      });
      expect(refresh.json().error).toBe('ERR_SESSION_IDLE');
      // A bearer client is refused; a browser asking whether it is signed in is told it is not.
      const asked = await sessionOf(service, client);
      if (via === 'bearer') expect(asked.json().error).toBe('ERR_SESSION_IDLE');
      else expect(asked.json()).toEqual({ signedIn: false, ended: 'idle' });
    });
  }

  it('ends a session exactly at its idle end when its last request was recorded', async () => {
    const client = await bearerClient(service, alice);
    service.clock.advance(5 * MINUTE - 1);
    expect((await account(service, client)).statusCode).toBe(200);
    service.clock.advance(5 * MINUTE - 1);
    expect((await account(service, client)).statusCode).toBe(200);
    service.clock.advance(5 * MINUTE);
    expect((await account(service, client)).json().error).toBe('ERR_SESSION_IDLE');
  });

  it('records a request at most once in 30 seconds, and ends at most that early', async () => {
    await service.services.db.deleteFrom('sessions').execute();
    const client = await bearerClient(service, alice);
    const signedInAt = service.clock.now();
    expect(await lastSeen(service)).toEqual([null]);
    // Within 30 s of the last recorded request, a request reads and writes nothing.
    for (let i = 0; i < 5; i++) {
      service.clock.advance(5 * SECOND);
      expect((await account(service, client)).statusCode).toBe(200);
    }
    expect(await lastSeen(service)).toEqual([null]);
    service.clock.advance(5 * SECOND);
    expect((await account(service, client)).statusCode).toBe(200);
    expect(await lastSeen(service)).toEqual([signedInAt + 30 * SECOND]);
    const recordedAt = service.clock.now();
    service.clock.advance(29 * SECOND);
    const unrecorded = await sessionOf(service, client);
    expect(await lastSeen(service)).toEqual([recordedAt]);
    // The session says when it ends: from the recorded request, not the later one.
    expect(unrecorded.json().idleExpiresAt).toBe(recordedAt + 5 * MINUTE);
    expect(unrecorded.json().idleTimeoutMs).toBe(5 * MINUTE);
    service.clock.advance(5 * MINUTE - 29 * SECOND);
    expect((await account(service, client)).json().error).toBe('ERR_SESSION_IDLE');
  });

  it('does not count requests marked X-Background-Request: 1 as activity', async () => {
    const client = await cookieClient(service, alice);
    const background = { 'x-background-request': '1' };
    for (let i = 0; i < 9; i++) {
      service.clock.advance(30 * SECOND);
      const polled = await sessionOf(service, client, background);
      expect(polled.statusCode).toBe(200);
      expect(polled.json().idleRemainingMs).toBe(5 * MINUTE - (i + 1) * 30 * SECOND);
      expect((await account(service, client, background)).statusCode).toBe(200);
    }
    service.clock.advance(30 * SECOND);
    expect((await sessionOf(service, client, background)).json()).toEqual({
      signedIn: false,
      ended: 'idle',
    });
  });

  it('keeps the session alive on "stay signed in" (POST /v1/session/refresh)', async () => {
    const client = await cookieClient(service, alice);
    service.clock.advance(4 * MINUTE);
    const state = (await sessionOf(service, client, { 'x-background-request': '1' })).json();
    expect(state.idleRemainingMs).toBe(MINUTE);
    const refreshed = await service.app.inject({
      method: 'POST',
      url: '/v1/session/refresh',
      headers: client.headers(),
    });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json().idleRemainingMs).toBe(5 * MINUTE);
    expect(refreshed.json().idleExpiresAt).toBe(service.clock.now() + 5 * MINUTE);
    expect(refreshed.json().account.email).toBe(alice.email);
    service.clock.advance(4 * MINUTE);
    expect((await account(service, client)).statusCode).toBe(200);
  });

  it('refuses "stay signed in" from a cookie without its CSRF token', async () => {
    const client = await cookieClient(service, alice);
    const { cookie } = client.headers();
    const refused = await service.app.inject({
      method: 'POST',
      url: '/v1/session/refresh',
      headers: { cookie: cookie as string },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('ERR_CSRF');
  });

  it('answers a new session with its idle end', async () => {
    const verified = await cookieClient(service, alice);
    const state = (await sessionOf(service, verified)).json();
    expect(state.idleExpiresAt).toBe(service.clock.now() + 5 * MINUTE);
    const started = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/logins',
        payload: { email: alice.email },
      })
    ).json();
    const response = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: started.challenge,
    });
    const answer = await service.app.inject({
      method: 'POST',
      url: `/v1/logins/${started.id}/verify`,
      payload: { response },
    });
    expect(answer.json().session).toMatchObject({
      expiresAt: service.clock.now() + defaultPolicy.sessionTtlMs,
      idleExpiresAt: service.clock.now() + 5 * MINUTE,
      idleTimeoutMs: 5 * MINUTE,
    });
  });
});

describe('the idle time as configured', () => {
  it('honours the policy value', async () => {
    const service = await startTestService({ policy: { sessionIdleMs: 2 * MINUTE } });
    try {
      const bob = await enroll(service, 'policy@example.com', '+442079481001');
      const client = await cookieClient(service, bob);
      service.clock.advance(2 * MINUTE - SECOND);
      expect((await account(service, client)).statusCode).toBe(200);
      service.clock.advance(2 * MINUTE + SECOND);
      expect((await account(service, client)).json().error).toBe('ERR_SESSION_IDLE');
    } finally {
      await service.close();
    }
  });

  it('honours CIPHERPAD_SESSION_IDLE_SECONDS over the policy', async () => {
    const service = await startTestService({
      env: { CIPHERPAD_SESSION_IDLE_SECONDS: '60' },
      policy: { sessionIdleMs: 10 * MINUTE },
    });
    try {
      expect(service.services.policy.sessionIdleMs).toBe(MINUTE);
      const carol = await enroll(service, 'env@example.com', '+442079481002');
      const client = await bearerClient(service, carol);
      // A tenth of the idle time: recorded after 6 s.
      service.clock.advance(6 * SECOND);
      expect((await account(service, client)).statusCode).toBe(200);
      const state = (await sessionOf(service, client)).json();
      expect(state.idleTimeoutMs).toBe(MINUTE);
      expect(state.idleRemainingMs).toBe(MINUTE);
      service.clock.advance(MINUTE + SECOND);
      expect((await account(service, client)).json()).toMatchObject({
        error: 'ERR_SESSION_IDLE',
        message: 'The session ended after 1 minute without a request. Sign in again.',
      });
    } finally {
      await service.close();
    }
  });
});
