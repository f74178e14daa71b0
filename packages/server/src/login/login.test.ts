import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let alice: Enrolled;
let phoneCounter = 0;

beforeAll(async () => {
  // The per-address throttle of wrong responses has its own test (wrong-answer-throttle.test.ts).
  service = await startTestService({
    policy: { registrationsPerIp: 1000, wrongAnswersPerIp: 1000 },
  });
  alice = await enroll(service, 'alice@example.com', '+442079461000');
});
afterAll(async () => {
  await service?.close();
});

async function startLogin(payload: Record<string, unknown>) {
  const response = await service.app.inject({ method: 'POST', url: '/v1/logins', payload });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; challenge: string; uri: string; expiresAt: number };
}

function verify(id: string, response: string) {
  return service.app.inject({
    method: 'POST',
    url: `/v1/logins/${id}/verify`,
    payload: { response },
  });
}

/** A response that is surely wrong: the right one with its last digit changed. */
function wrong(response: string): string {
  return response.slice(0, -1) + String((Number(response.at(-1)) + 1) % 10);
}

async function newUser(): Promise<Enrolled> {
  phoneCounter += 1;
  return enroll(
    service,
    `user${phoneCounter}@example.com`,
    `+4420794620${String(phoneCounter).padStart(2, '0')}`,
  );
}

describe('login by challenge/response in Authorization mode', () => {
  it('returns a random 8-digit challenge, its QR URI and an id, and opens a session for the right response', async () => {
    const login = await startLogin({ email: 'alice@example.com' });
    expect(login.challenge).toMatch(/^\d{8}$/);
    expect(login.uri).toContain(`challenge=${login.challenge}`);
    expect(login.uri.startsWith('cipherpad:login?')).toBe(true);
    expect(login.expiresAt - service.clock.now()).toBe(5 * 60 * 1000);

    const response = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    const verified = await verify(login.id, response);
    expect(verified.statusCode).toBe(200);
    const body = verified.json();
    expect(body.account).toEqual({ id: alice.accountId, email: 'alice@example.com' });
    expect(body.deviceId).toBe(alice.deviceId);

    const session = await service.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: { authorization: `Bearer ${body.session.token}` },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json().account.email).toBe('alice@example.com');
  });

  it('gives different challenges each time', async () => {
    const challenges = new Set<string>();
    for (let i = 0; i < 20; i++)
      challenges.add((await startLogin({ email: 'alice@example.com' })).challenge);
    expect(challenges.size).toBeGreaterThanOrEqual(19);
  });

  it('refuses a right response after 5 minutes', async () => {
    const login = await startLogin({ email: 'alice@example.com' });
    const response = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    service.clock.advance(5 * 60 * 1000);
    const late = await verify(login.id, response);
    expect(late.statusCode).toBe(410);
    expect(late.json().error).toBe('ERR_CHALLENGE_EXPIRED');
  });

  it('accepts a response once, even under 100 concurrent verifies of the same right response', async () => {
    const login = await startLogin({ email: 'alice@example.com' });
    const response = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => verify(login.id, response)),
    );
    const ok = results.filter((r) => r.statusCode === 200);
    expect(ok).toHaveLength(1);
    for (const refused of results.filter((r) => r.statusCode !== 200)) {
      expect(refused.json().error).toBe('ERR_CHALLENGE_CLOSED');
    }
    const sessions = await service.services.db
      .selectFrom('sessions')
      .select('id')
      .where('created_at', '=', service.clock.now())
      .where('account_id', '=', alice.accountId)
      .execute();
    expect(sessions).toHaveLength(1);
  });

  it('accepts at most 3 wrong responses per challenge', async () => {
    const user = await newUser();
    const login = await startLogin({ email: user.email });
    const right = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    for (const left of [2, 1, 0]) {
      const refused = await verify(login.id, wrong(right));
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({
        error: 'ERR_RESPONSE_REJECTED',
        message: 'The response is not correct.',
        attemptsLeft: left,
      });
    }
    const closed = await verify(login.id, right);
    expect(closed.statusCode).toBe(410);
    expect(closed.json().error).toBe('ERR_CHALLENGE_CLOSED');
  });

  it('blocks the account after 5 consecutive failures, with growing waits, then locks it', async () => {
    const user = await newUser();
    const failOnce = async () => {
      const login = await startLogin({ email: user.email });
      return verify(login.id, '00000000');
    };
    const blockedFor: number[] = [];
    for (const wait of [60, 300, 1800, 7200]) {
      for (let i = 0; i < 4; i++)
        expect((await failOnce()).json().error).toBe('ERR_RESPONSE_REJECTED');
      const blocked = await failOnce();
      expect(blocked.statusCode).toBe(423);
      expect(blocked.json().error).toBe('ERR_ACCOUNT_BLOCKED');
      expect(blocked.json().retryAfter).toBe(wait);
      blockedFor.push(blocked.json().retryAfter);

      // While blocked, even the right response is refused, and the answer tells how long.
      const login = await startLogin({ email: user.email });
      const right = await computeResponse(user.ocraKey, {
        mode: 'authorization',
        challenge: login.challenge,
      });
      const during = await verify(login.id, right);
      expect(during.statusCode).toBe(423);
      expect(during.headers['retry-after']).toBe(String(wait));
      service.clock.advance(wait * 1000);
    }
    expect(blockedFor).toEqual([60, 300, 1800, 7200]);
    // The user was told at each block how many remain before the lock.
    const warning = await service.codeSentTo(
      user.email,
      /(The next 5 failed attempts will lock typed responses)/,
    );
    expect(warning).toBe('The next 5 failed attempts will lock typed responses');

    for (let i = 0; i < 4; i++) await failOnce();
    const locked = await failOnce();
    expect(locked.json().error).toBe('ERR_ACCOUNT_LOCKED');
    service.clock.advance(24 * 60 * 60 * 1000);
    const login = await startLogin({ email: user.email });
    const right = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    expect((await verify(login.id, right)).json().error).toBe('ERR_ACCOUNT_LOCKED');
  });

  it('resets the failure count after a success', async () => {
    const user = await newUser();
    for (let i = 0; i < 4; i++) {
      const login = await startLogin({ email: user.email });
      await verify(login.id, '00000000');
    }
    const login = await startLogin({ email: user.email });
    const right = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    expect((await verify(login.id, right)).statusCode).toBe(200);
    const next = await startLogin({ email: user.email });
    expect((await verify(next.id, '00000000')).json().error).toBe('ERR_RESPONSE_REJECTED');
  });

  it('gives no hint of what was wrong: unknown email, wrong digit first or last, all look the same', async () => {
    const known = await startLogin({ email: 'alice@example.com' });
    const unknown = await startLogin({ email: 'nobody@example.com' });
    expect(Object.keys(unknown).sort()).toEqual(Object.keys(known).sort());
    const right = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: known.challenge,
    });
    const firstDigitWrong = String((Number(right[0]) + 1) % 10) + right.slice(1);
    const a = await verify(known.id, firstDigitWrong);
    const b = await verify(known.id, wrong(right));
    const c = await verify(unknown.id, right);
    expect(a.json()).toEqual({ ...b.json(), attemptsLeft: 2 });
    expect(b.json()).toEqual({ ...c.json(), attemptsLeft: 1 });
    expect(c.json()).toEqual({
      error: 'ERR_RESPONSE_REJECTED',
      message: 'The response is not correct.',
      attemptsLeft: 2,
    });
  });

  it('answers an unknown login id with ERR_LOGIN_NOT_FOUND and bad input with ERR_VALIDATION', async () => {
    expect((await verify('missing', '12345678')).json().error).toBe('ERR_LOGIN_NOT_FOUND');
    const noBody = await service.app.inject({
      method: 'POST',
      url: '/v1/logins/x/verify',
      payload: {},
    });
    expect(noBody.statusCode).toBe(400);
    expect(noBody.json().error).toBe('ERR_VALIDATION');
    const badEmail = await service.app.inject({
      method: 'POST',
      url: '/v1/logins',
      payload: { email: 'bad' },
    });
    expect(badEmail.json().error).toBe('ERR_EMAIL_INVALID');
  });
});

describe('login in Payment mode', () => {
  it('binds the response to the amount and the purse', async () => {
    const payer = await newUser();
    const login = await startLogin({
      email: payer.email,
      mode: 'payment',
      amount: '10,50',
      purse: 'z123456789012',
      currency: 'WMZ',
    });
    expect(login.uri.startsWith('cipherpad:payment?')).toBe(true);
    expect(login.uri).toContain('amount=10.5');
    expect(login.uri).toContain('purse=Z123456789012');
    const payment = { challenge: login.challenge, amount: '10.50', purse: 'Z123456789012' };
    const forOtherAmount = await computeResponse(payer.ocraKey, {
      mode: 'payment',
      ...payment,
      amount: '10.51',
    });
    const forOtherPurse = await computeResponse(payer.ocraKey, {
      mode: 'payment',
      ...payment,
      purse: 'Z123456789013',
    });
    const authorizationOnly = await computeResponse(payer.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    expect((await verify(login.id, forOtherAmount)).json().error).toBe('ERR_RESPONSE_REJECTED');
    expect((await verify(login.id, forOtherPurse)).json().error).toBe('ERR_RESPONSE_REJECTED');
    expect((await verify(login.id, authorizationOnly)).json().error).toBe('ERR_RESPONSE_REJECTED');

    const again = await startLogin({
      email: payer.email,
      mode: 'payment',
      amount: '10.5',
      purse: '123456789012',
    });
    const right = await computeResponse(payer.ocraKey, {
      mode: 'payment',
      challenge: again.challenge,
      amount: '010,500',
      purse: 'Z123456789012',
    });
    const final = await verify(again.id, right);
    expect(final.json()).toMatchObject({ deviceId: payer.deviceId });
  });

  it('refuses a payment with a malformed amount or purse', async () => {
    const badAmount = await service.app.inject({
      method: 'POST',
      url: '/v1/logins',
      payload: {
        email: 'alice@example.com',
        mode: 'payment',
        amount: '1.2.3',
        purse: 'Z123456789012',
      },
    });
    expect(badAmount.statusCode).toBe(400);
    expect(badAmount.json().error).toBe('ERR_AMOUNT_INVALID');
    const badPurse = await service.app.inject({
      method: 'POST',
      url: '/v1/logins',
      payload: { email: 'alice@example.com', mode: 'payment', amount: '1', purse: 'Z12' },
    });
    expect(badPurse.json().error).toBe('ERR_PURSE_INVALID');
  });
});
