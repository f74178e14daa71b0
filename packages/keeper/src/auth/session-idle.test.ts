import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { FakeCipherpad, fakeResponse } from '../testing/fake-cipherpad.js';
import { startTestKeeper, type TestBrowser, type TestKeeper } from '../testing/test-keeper.js';
import { SESSION_TTL_MS } from './sessions.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const BACKGROUND = { 'x-background-request': '1' };

/** The keeper's clock, moved by the test. */
class FakeClock implements Clock {
  #now = Date.UTC(2026, 0, 15, 12, 0, 0);
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

let fake: FakeCipherpad;

beforeAll(async () => {
  fake = await new FakeCipherpad().start();
});
afterAll(async () => {
  await fake?.stop();
});

async function keeperWith(clock: FakeClock, env: Record<string, string> = {}) {
  return startTestKeeper({
    cipherpadUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    clock,
    env,
  });
}

async function signIn(keeper: TestKeeper, email: string): Promise<TestBrowser> {
  const browser = keeper.browser();
  const started = await browser.call('POST', '/api/login', { email });
  expect(started.statusCode).toBe(201);
  const { id, challenge } = started.json();
  const verified = await browser.call('POST', `/api/login/${id}/verify`, {
    response: fakeResponse(challenge),
  });
  expect(verified.json()).toMatchObject({ signedIn: true });
  return browser;
}

async function lastSeen(keeper: TestKeeper): Promise<(number | null)[]> {
  const rows = await keeper.services.db.selectFrom('sessions').select('last_seen_at').execute();
  return rows.map((row) => row.last_seen_at);
}

describe("the keeper's sessions end after 5 minutes without a request (PSD2 RTS Art. 4(3)(d))", () => {
  const clock = new FakeClock();
  let keeper: TestKeeper;

  beforeAll(async () => {
    keeper = await keeperWith(clock);
  });
  afterAll(async () => {
    await keeper?.close();
  });

  it('keeps a session used every 4 minutes until its absolute end, not after', async () => {
    const browser = await signIn(keeper, 'active@example.com');
    const end = clock.now() + SESSION_TTL_MS;
    expect(SESSION_TTL_MS).toBe(12 * 60 * MINUTE);
    while (clock.now() + 4 * MINUTE < end) {
      clock.advance(4 * MINUTE);
      expect((await browser.call('GET', '/api/wallet')).statusCode).toBe(200);
    }
    clock.advance(end - clock.now() - SECOND);
    const last = (await browser.call('GET', '/api/session')).json();
    expect(last).toMatchObject({ signedIn: true, idleRemainingMs: SECOND });
    clock.advance(SECOND);
    const over = await browser.call('GET', '/api/wallet');
    expect(over.statusCode).toBe(401);
    expect(over.json().error).toBe('ERR_NOT_SIGNED_IN');
  });

  it('ends a session idle for 5 minutes and 1 second with ERR_SESSION_IDLE', async () => {
    const browser = await signIn(keeper, 'idle@example.com');
    clock.advance(5 * MINUTE - SECOND);
    expect((await browser.call('GET', '/api/wallet')).statusCode).toBe(200);
    clock.advance(5 * MINUTE + SECOND);
    const refused = await browser.call('GET', '/api/wallet');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({
      error: 'ERR_SESSION_IDLE',
      message: 'The session ended after 5 minutes without a request. Sign in again.',
      idleTimeoutMs: 5 * MINUTE,
    });
    // The page learns why it is signed out; "stay signed in" cannot bring it back.
    expect((await browser.call('GET', '/api/session')).json()).toMatchObject({
      signedIn: false,
      ended: 'idle',
    });
    const refresh = await browser.call('POST', '/api/session/refresh');
    expect(refresh.json().error).toBe('ERR_SESSION_IDLE');
  });

  it('records a request at most once in 30 seconds, and ends at most that early', async () => {
    await keeper.services.db.deleteFrom('sessions').execute();
    const browser = await signIn(keeper, 'writes@example.com');
    const signedInAt = clock.now();
    for (let i = 0; i < 5; i++) {
      clock.advance(5 * SECOND);
      expect((await browser.call('GET', '/api/wallet')).statusCode).toBe(200);
    }
    expect(await lastSeen(keeper)).toEqual([null]);
    clock.advance(5 * SECOND);
    expect((await browser.call('GET', '/api/wallet')).statusCode).toBe(200);
    expect(await lastSeen(keeper)).toEqual([signedInAt + 30 * SECOND]);
    clock.advance(29 * SECOND);
    const state = (await browser.call('GET', '/api/session')).json();
    expect(state.idleRemainingMs).toBe(5 * MINUTE - 29 * SECOND);
    clock.advance(5 * MINUTE - 29 * SECOND);
    expect((await browser.call('GET', '/api/wallet')).json().error).toBe('ERR_SESSION_IDLE');
  });

  it('does not count requests marked X-Background-Request: 1 as activity', async () => {
    const browser = await signIn(keeper, 'polled@example.com');
    for (let i = 0; i < 9; i++) {
      clock.advance(30 * SECOND);
      const polled = await browser.call('GET', '/api/session', undefined, BACKGROUND);
      expect(polled.json()).toMatchObject({
        signedIn: true,
        idleRemainingMs: 5 * MINUTE - (i + 1) * 30 * SECOND,
        idleTimeoutMs: 5 * MINUTE,
      });
      expect((await browser.call('GET', '/api/wallet', undefined, BACKGROUND)).statusCode).toBe(
        200,
      );
    }
    clock.advance(30 * SECOND);
    const ended = await browser.call('GET', '/api/wallet', undefined, BACKGROUND);
    expect(ended.json().error).toBe('ERR_SESSION_IDLE');
  });

  it('keeps the session alive on "stay signed in", which needs the CSRF token', async () => {
    const browser = await signIn(keeper, 'stays@example.com');
    clock.advance(4 * MINUTE);
    const csrfToken = browser.csrfToken;
    browser.csrfToken = '';
    const forged = await browser.call('POST', '/api/session/refresh');
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error).toBe('ERR_CSRF');
    browser.csrfToken = csrfToken;
    const refreshed = await browser.call('POST', '/api/session/refresh');
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json()).toEqual({
      signedIn: true,
      idleRemainingMs: 5 * MINUTE,
      idleTimeoutMs: 5 * MINUTE,
    });
    clock.advance(4 * MINUTE);
    expect((await browser.call('GET', '/api/wallet')).statusCode).toBe(200);
  });
});

describe("the keeper's idle time as configured", () => {
  it('honours KEEPER_SESSION_IDLE_SECONDS', async () => {
    const clock = new FakeClock();
    const keeper = await keeperWith(clock, { KEEPER_SESSION_IDLE_SECONDS: '20' });
    try {
      const browser = await signIn(keeper, 'short@example.com');
      expect((await browser.call('GET', '/api/session')).json()).toMatchObject({
        idleTimeoutMs: 20 * SECOND,
        idleRemainingMs: 20 * SECOND,
      });
      clock.advance(19 * SECOND);
      expect((await browser.call('GET', '/api/wallet')).statusCode).toBe(200);
      clock.advance(20 * SECOND + 1);
      expect((await browser.call('GET', '/api/wallet')).json()).toMatchObject({
        error: 'ERR_SESSION_IDLE',
        message: 'The session ended after 20 seconds without a request. Sign in again.',
      });
    } finally {
      await keeper.close();
    }
  });
});
