import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeeperConfig, KeeperConfigError, loadKeeperConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { KeeperError } from '../errors.js';
import type { KeeperServices } from '../services.js';
import { FakeCipherpad, fakeResponse } from '../testing/fake-cipherpad.js';
import { startTestKeeper, type TestKeeper } from '../testing/test-keeper.js';
import { pruneWrongAnswers, withinWrongAnswerLimit } from './wrong-answer-limit.js';

let fake: FakeCipherpad;
let keeper: TestKeeper;

beforeAll(async () => {
  fake = await new FakeCipherpad().start();
  keeper = await startTestKeeper({
    cipherpadUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
  });
});
afterAll(async () => {
  await keeper?.close();
  await fake?.stop();
});

/** A clock the test moves by hand. */
class HandClock {
  constructor(public at = Date.UTC(2026, 0, 15, 12)) {}
  now(): number {
    return this.at;
  }
}

/** The keeper's services on a clock of the test's own, with a policy of its own. */
function servicesWith(
  clock: HandClock,
  wrongAnswers: KeeperConfig['wrongAnswers'] = { perAddress: 20, windowMs: 600_000 },
  db: KeeperServices['db'] = keeper.services.db,
): KeeperServices {
  return {
    ...keeper.services,
    db,
    clock,
    config: { ...keeper.services.config, wrongAnswers },
  };
}

const wrong = () => Promise.reject(new KeeperError('ERR_RESPONSE_REJECTED', { status: 401 }));
const right = () => Promise.resolve('confirmed');

/** Runs one answer; what came of it: 'ok', the refusal's code. */
async function outcome(
  services: KeeperServices,
  address: string,
  check: () => Promise<unknown>,
): Promise<string> {
  try {
    await withinWrongAnswerLimit(services, address, check);
    return 'ok';
  } catch (error) {
    return (error as KeeperError).code;
  }
}

let addresses = 0;
const freshAddress = () => `198.51.100.${++addresses}`;

describe('wrong answers per client address', () => {
  it('limits the keeper’s login: 20 wrong responses from one address, then 429 with Retry-After, even for the right one', async () => {
    const address = '203.0.113.7';
    const statuses: number[] = [];
    let last: { statusCode: number; headers: Record<string, unknown>; json(): unknown } | null =
      null;
    let started: { id: string; challenge: string } | null = null;
    const browser = keeper.browser();
    for (let i = 0; i < 25; i++) {
      // Three wrong responses end a challenge: a new login every third try.
      if (i % 3 === 0) {
        started = (
          await browser.call('POST', '/api/login', { email: 'guessed@example.com' })
        ).json();
      }
      last = await keeper.app.inject({
        method: 'POST',
        url: `/api/login/${started?.id}/verify`,
        remoteAddress: address,
        headers: {
          cookie: `keeper_login=${browser.cookies.get('keeper_login')}`,
          'content-type': 'application/json',
        },
        payload: { response: '00000000' },
      });
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, 20).every((status) => status === 400)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    expect(last?.json()).toMatchObject({ error: 'ERR_RATE_LIMITED_FAILURES', retryAfter: 30 });
    expect(last?.headers['retry-after']).toBe('30');

    // The right response from that address is refused too, before Cipherpad is asked.
    const fresh = (
      await browser.call('POST', '/api/login', { email: 'guessed@example.com' })
    ).json();
    const asked = fake.requests.length;
    const refused = await keeper.app.inject({
      method: 'POST',
      url: `/api/login/${fresh.id}/verify`,
      remoteAddress: address,
      headers: { cookie: `keeper_login=${browser.cookies.get('keeper_login')}` },
      payload: { response: fakeResponse(fresh.challenge) },
    });
    expect(refused.json().error).toBe('ERR_RATE_LIMITED_FAILURES');
    expect(fake.requests.length).toBe(asked);
    // Another address is not held back by this one.
    const elsewhere = await browser.call('POST', `/api/login/${fresh.id}/verify`, {
      response: fakeResponse(fresh.challenge),
    });
    expect(elsewhere.json()).toMatchObject({ signedIn: true });

    // The same count guards a transfer's typed confirmation and a settings change.
    const setting = await browser.call('POST', '/api/settings/changes', { method: 'cipherpad' });
    expect(setting.statusCode).toBe(201);
    const settingsTry = await keeper.app.inject({
      method: 'POST',
      url: `/api/settings/changes/${setting.json().id}/verify`,
      remoteAddress: address,
      headers: {
        cookie: `keeper_session=${browser.cookies.get('keeper_session')}`,
        'x-csrf-token': browser.csrfToken,
      },
      payload: { response: fakeResponse(fake.last().challenge) },
    });
    expect(settingsTry.json().error).toBe('ERR_RATE_LIMITED_FAILURES');
    const applied = await browser.call(
      'POST',
      `/api/settings/changes/${setting.json().id}/verify`,
      {
        response: fakeResponse(fake.last().challenge),
      },
    );
    expect(applied.json()).toMatchObject({ applied: true });
    const held = await browser.call('POST', '/api/transfers', {
      currency: 'Z',
      to: 'shop@example.com',
      amount: '1.00',
    });
    expect(held.json().status).toBe('held');
    const transferTry = await keeper.app.inject({
      method: 'POST',
      url: `/api/transfers/${held.json().id}/confirm`,
      remoteAddress: address,
      headers: {
        cookie: `keeper_session=${browser.cookies.get('keeper_session')}`,
        'x-csrf-token': browser.csrfToken,
      },
      payload: { response: '12345678' },
    });
    expect(transferTry.statusCode).toBe(429);
    expect(transferTry.json().error).toBe('ERR_RATE_LIMITED_FAILURES');
  });

  it('lets exactly the allowance through a burst of concurrent wrong answers (20 rounds)', async () => {
    const services = servicesWith(new HandClock());
    for (let round = 0; round < 20; round++) {
      const address = freshAddress();
      let checked = 0;
      const counted = () => {
        checked += 1;
        return wrong();
      };
      const outcomes = await Promise.all(
        Array.from({ length: 64 }, () => outcome(services, address, counted)),
      );
      expect(checked, `round ${round}`).toBe(20);
      expect(outcomes.filter((o) => o === 'ERR_RESPONSE_REJECTED')).toHaveLength(20);
      expect(outcomes.filter((o) => o === 'ERR_RATE_LIMITED_FAILURES')).toHaveLength(44);
    }
  });

  it('takes the allowance before the answer is checked: a right answer inside a burst of wrong ones is refused once they are spent', async () => {
    const services = servicesWith(new HandClock(), { perAddress: 5, windowMs: 600_000 });
    const address = freshAddress();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Five wrong answers still being checked hold the whole allowance.
    const slow = Array.from({ length: 5 }, () =>
      outcome(services, address, () => gate.then(wrong)),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await outcome(services, address, right)).toBe('ERR_RATE_LIMITED_FAILURES');
    release();
    expect(await Promise.all(slow)).toEqual(Array(5).fill('ERR_RESPONSE_REJECTED'));
  });

  it('gives the allowance back for a right answer and for a refusal that is not a verdict on it', async () => {
    const services = servicesWith(new HandClock(), { perAddress: 3, windowMs: 600_000 });
    const address = freshAddress();
    for (let i = 0; i < 50; i++) expect(await outcome(services, address, right)).toBe('ok');
    const unavailable = () => Promise.reject(new KeeperError('ERR_CIPHERPAD_UNAVAILABLE'));
    for (let i = 0; i < 10; i++) {
      expect(await outcome(services, address, unavailable)).toBe('ERR_CIPHERPAD_UNAVAILABLE');
    }
    const code = () => Promise.reject(new KeeperError('ERR_CODE_INVALID'));
    expect(await outcome(services, address, code)).toBe('ERR_CODE_INVALID');
    expect(await outcome(services, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
    expect(await outcome(services, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
    expect(await outcome(services, address, right)).toBe('ERR_RATE_LIMITED_FAILURES');
  });

  it('forgives wrong answers continuously over the window, and says when to try again', async () => {
    const clock = new HandClock();
    const services = servicesWith(clock);
    const address = freshAddress();
    for (let i = 0; i < 20; i++) {
      expect(await outcome(services, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
    }
    const refused = await withinWrongAnswerLimit(services, address, right).catch((e) => e);
    expect(refused).toBeInstanceOf(KeeperError);
    expect(refused.details).toEqual({ retryAfter: 30 });
    clock.at += 20_000;
    const sooner = await withinWrongAnswerLimit(services, address, right).catch((e) => e);
    expect(sooner.details).toEqual({ retryAfter: 10 });
    clock.at += 10_000;
    expect(await outcome(services, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
    expect(await outcome(services, address, wrong)).toBe('ERR_RATE_LIMITED_FAILURES');
    clock.at += 600_000;
    for (let i = 0; i < 20; i++) {
      expect(await outcome(services, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
    }
    expect(await outcome(services, address, wrong)).toBe('ERR_RATE_LIMITED_FAILURES');
  });

  it('is one count for every keeper on the database', async () => {
    const second = openDatabase(keeper.database.location);
    try {
      const clock = new HandClock();
      const policy = { perAddress: 4, windowMs: 600_000 };
      const one = servicesWith(clock, policy);
      const two = servicesWith(clock, policy, second.db);
      const address = freshAddress();
      expect(await outcome(one, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
      expect(await outcome(two, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
      expect(await outcome(one, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
      expect(await outcome(two, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
      expect(await outcome(one, address, right)).toBe('ERR_RATE_LIMITED_FAILURES');
      expect(await outcome(two, address, right)).toBe('ERR_RATE_LIMITED_FAILURES');
    } finally {
      await second.close();
    }
  });

  it('forgets an address a day after its last wrong answer', async () => {
    const clock = new HandClock(Date.UTC(2030, 0, 1));
    const services = servicesWith(clock);
    const address = freshAddress();
    expect(await outcome(services, address, wrong)).toBe('ERR_RESPONSE_REJECTED');
    const row = () =>
      keeper.services.db
        .selectFrom('wrong_answers')
        .select('address')
        .where('address', '=', address)
        .execute();
    expect(await row()).toHaveLength(1);
    await pruneWrongAnswers(keeper.services.db, clock.at + 24 * 60 * 60 * 1000 - 1);
    expect(await row()).toHaveLength(1);
    await pruneWrongAnswers(keeper.services.db, clock.at + 24 * 60 * 60 * 1000 + 1);
    expect(await row()).toEqual([]);
  });

  it('is configured by KEEPER_WRONG_ANSWERS_PER_ADDRESS and KEEPER_WRONG_ANSWERS_WINDOW_SECONDS', () => {
    expect(loadKeeperConfig({}).wrongAnswers).toEqual({ perAddress: 20, windowMs: 600_000 });
    expect(
      loadKeeperConfig({
        KEEPER_WRONG_ANSWERS_PER_ADDRESS: '5',
        KEEPER_WRONG_ANSWERS_WINDOW_SECONDS: '60',
      }).wrongAnswers,
    ).toEqual({ perAddress: 5, windowMs: 60_000 });
    expect(() => loadKeeperConfig({ KEEPER_WRONG_ANSWERS_PER_ADDRESS: '0' })).toThrow(
      KeeperConfigError,
    );
    expect(() => loadKeeperConfig({ KEEPER_WRONG_ANSWERS_WINDOW_SECONDS: 'ten' })).toThrow(
      /KEEPER_WRONG_ANSWERS_WINDOW_SECONDS/,
    );
  });
});
