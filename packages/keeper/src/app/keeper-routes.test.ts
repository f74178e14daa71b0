import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../cipherpad/verify-webhook.js';
import { auditLedger } from '../ledger/audit-ledger.js';
import { FakeCipherpad, fakeResponse } from '../testing/fake-cipherpad.js';
import { startTestKeeper, type TestBrowser, type TestKeeper } from '../testing/test-keeper.js';

const WEBHOOK_SECRET = 'whsec-test-secret-0123456789';
let fake: FakeCipherpad;
let keeper: TestKeeper;

beforeAll(async () => {
  fake = await new FakeCipherpad().start();
  keeper = await startTestKeeper({
    cipherpadUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    webhookSecret: WEBHOOK_SECRET,
  });
});
afterAll(async () => {
  await keeper?.close();
  await fake?.stop();
});

async function signIn(email: string): Promise<TestBrowser> {
  const browser = keeper.browser();
  const started = await browser.call('POST', '/api/login', { email });
  expect(started.statusCode).toBe(201);
  const { id, challenge } = started.json();
  const verified = await browser.call('POST', `/api/login/${id}/verify`, {
    response: fakeResponse(challenge),
  });
  expect(verified.statusCode).toBe(200);
  expect(verified.json()).toMatchObject({ signedIn: true });
  return browser;
}

async function wallet(browser: TestBrowser) {
  const answer = await browser.call('GET', '/api/wallet');
  expect(answer.statusCode).toBe(200);
  return answer.json() as {
    walletId: string;
    purses: { purse: string; currency: string; balance: string }[];
    confirmation: { method: string; phone: string | null };
  };
}

const purse = async (browser: TestBrowser, letter = 'Z') =>
  (await wallet(browser)).purses.find((p) => p.currency === letter) ?? { purse: '', balance: '' };

async function setMethod(browser: TestBrowser, body: { method: string; phone?: string }) {
  const change = await browser.call('POST', '/api/settings/changes', body);
  expect(change.statusCode).toBe(201);
  const { id, channel } = change.json();
  if (channel === 'sms') {
    const sms = fake.last('sms');
    return browser.call('POST', `/api/settings/changes/${id}/verify`, { response: sms.code });
  }
  const confirmation = fake.last();
  expect(confirmation.operation).toMatchObject({ type: 'operation', name: 'security-settings' });
  return browser.call('POST', `/api/settings/changes/${id}/verify`, {
    response: fakeResponse(confirmation.challenge),
  });
}

describe('login through Cipherpad', () => {
  it('shows the challenge, refuses a wrong response, and opens a wallet with demo purses', async () => {
    const browser = keeper.browser();
    const started = await browser.call('POST', '/api/login', { email: 'Ada@Example.com' });
    expect(started.statusCode).toBe(201);
    const login = started.json();
    expect(login.challenge).toMatch(/^\d{8}$/);
    expect(login.uri).toMatch(/^cipherpad:l\?c=\d{8}/);
    expect(login.matchNumber).toMatch(/^\d+$/);
    expect(fake.last().email).toBe('ada@example.com');

    const wrong = await browser.call('POST', `/api/login/${login.id}/verify`, {
      response: '00000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED', attemptsLeft: 2 });

    const right = await browser.call('POST', `/api/login/${login.id}/verify`, {
      response: fakeResponse(login.challenge),
    });
    expect(right.json()).toMatchObject({ signedIn: true, user: { email: 'ada@example.com' } });
    const w = await wallet(browser);
    expect(w.walletId).toMatch(/^\d{12}$/);
    expect(w.purses.map((p) => p.purse[0])).toEqual(['Z', 'E', 'R']);
    expect(w.purses.every((p) => /^[ZER]\d{12}$/.test(p.purse) && p.balance === '1000.00')).toBe(
      true,
    );
  });

  it('signs in by online approval seen by the long poll', async () => {
    const browser = keeper.browser();
    const { id } = (await browser.call('POST', '/api/login', { email: 'poll@example.com' })).json();
    const pending = await browser.call('GET', `/api/login/${id}/status`);
    const confirmation = fake.last();
    expect(pending.json()).toEqual({
      status: 'pending',
      signedIn: false,
      challenge: confirmation.challenge,
      uri: confirmation.uri,
      matchNumber: confirmation.matchNumber,
      expiresAt: confirmation.expiresAt,
    });
    setTimeout(() => fake.approve(confirmation.id), 50);
    const approved = await browser.call('GET', `/api/login/${id}/status?wait=5`);
    expect(approved.json()).toMatchObject({ status: 'confirmed', signedIn: true });
    expect((await browser.call('GET', '/api/session')).json()).toMatchObject({ signedIn: true });
  });

  it('shows the challenge Cipherpad re-issued after inline registration, and signs in with it', async () => {
    const browser = keeper.browser();
    const login = (
      await browser.call('POST', '/api/login', { email: 'newcomer@example.com' })
    ).json();
    const first = fake.last();
    const waiting = browser.call('GET', `/api/login/${login.id}/status?wait=10`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reissued = fake.reissue(first.id);
    const current = {
      status: 'pending',
      signedIn: false,
      challenge: reissued.challenge,
      uri: reissued.uri,
      matchNumber: reissued.matchNumber,
      expiresAt: reissued.expiresAt,
    };
    const started = Date.now();
    expect((await waiting).json()).toEqual(current);
    expect(Date.now() - started).toBeLessThan(5000);
    // A page still showing the first challenge is answered at once.
    const stale = Date.now();
    const known = await browser.call(
      'GET',
      `/api/login/${login.id}/status?wait=10&challenge=${login.challenge}`,
    );
    expect(known.json()).toEqual(current);
    expect(Date.now() - stale).toBeLessThan(5000);

    const old = await browser.call('POST', `/api/login/${login.id}/verify`, {
      response: fakeResponse(login.challenge),
    });
    expect(old.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED' });
    const fresh = await browser.call('POST', `/api/login/${login.id}/verify`, {
      response: fakeResponse(reissued.challenge),
    });
    expect(fresh.json()).toMatchObject({ signedIn: true });
  });

  it('does not let another browser finish someone else’s login', async () => {
    const owner = keeper.browser();
    const { id } = (await owner.call('POST', '/api/login', { email: 'victim@example.com' })).json();
    fake.approve(fake.last().id);
    const thief = keeper.browser();
    const stolen = await thief.call('GET', `/api/login/${id}/status`);
    expect(stolen.statusCode).toBe(404);
    expect(stolen.json().error).toBe('ERR_LOGIN_NOT_FOUND');
  });

  it('refuses a malformed email before asking Cipherpad', async () => {
    const answer = await keeper.browser().call('POST', '/api/login', { email: 'not-an-email' });
    expect(answer.json().error).toBe('ERR_EMAIL_INVALID');
  });
});

describe('transfers without confirmation', () => {
  it('needs a session and the CSRF token', async () => {
    const anonymous = await keeper
      .browser()
      .call('POST', '/api/transfers', { currency: 'Z', to: 'x@example.com', amount: '1' });
    expect(anonymous.json().error).toBe('ERR_NOT_SIGNED_IN');
    const browser = await signIn('csrf@example.com');
    browser.csrfToken = '';
    const forged = await browser.call('POST', '/api/transfers', {
      currency: 'Z',
      to: 'x@example.com',
      amount: '1',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error).toBe('ERR_CSRF');
  });

  it('pays a purse and an email (making the recipient’s wallet), once per idempotency key', async () => {
    const payer = await signIn('payer@example.com');
    const payee = await signIn('payee@example.com');
    const to = await purse(payee);
    const request = { currency: 'Z', to: to.purse, amount: '25,50', note: 'books' };
    const first = await payer.call('POST', '/api/transfers', request, {
      'idempotency-key': 'pay-1',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      status: 'completed',
      amount: '25.50',
      to: to.purse,
      note: 'books',
      direction: 'out',
    });
    const retry = await payer.call('POST', '/api/transfers', request, {
      'idempotency-key': 'pay-1',
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toBe(first.json().id);
    const conflict = await payer.call(
      'POST',
      '/api/transfers',
      { ...request, amount: '26' },
      { 'idempotency-key': 'pay-1' },
    );
    expect(conflict.json().error).toBe('ERR_IDEMPOTENCY_CONFLICT');
    expect((await purse(payer)).balance).toBe('974.50');
    expect((await purse(payee)).balance).toBe('1025.50');

    const byEmail = await payer.call('POST', '/api/transfers', {
      currency: 'E',
      to: 'New.Person@example.com',
      amount: '10',
    });
    expect(byEmail.json()).toMatchObject({
      status: 'completed',
      recipientEmail: 'new.person@example.com',
    });
    const newcomer = await signIn('new.person@example.com');
    expect((await purse(newcomer, 'E')).balance).toBe('1010.00');

    const history = (await payee.call('GET', '/api/transfers')).json().transfers;
    expect(history[0]).toMatchObject({
      direction: 'in',
      amount: '25.50',
      note: 'books',
      recipientEmail: null,
    });
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });

  it('explains refusals with stable codes', async () => {
    const payer = await signIn('refused@example.com');
    const other = await purse(await signIn('other@example.com'), 'E');
    const cases: [Record<string, string>, string][] = [
      [{ currency: 'Z', to: 'Z12', amount: '1' }, 'ERR_PURSE_INVALID'],
      [{ currency: 'Z', to: 'Z999999999999', amount: '1' }, 'ERR_PURSE_NOT_FOUND'],
      [{ currency: 'Z', to: other.purse, amount: '1' }, 'ERR_CURRENCY_MISMATCH'],
      [{ currency: 'Z', to: 'a@example.com', amount: '1.001' }, 'ERR_AMOUNT_INVALID'],
      [{ currency: 'Z', to: 'a@example.com', amount: '1000.01' }, 'ERR_INSUFFICIENT_FUNDS'],
      [{ currency: 'Z', to: (await purse(payer)).purse, amount: '1' }, 'ERR_SAME_PURSE'],
      [{ currency: 'X', to: 'a@example.com', amount: '1' }, 'ERR_VALIDATION'],
    ];
    for (const [body, code] of cases) {
      const answer = await payer.call('POST', '/api/transfers', body);
      expect(answer.json().error, JSON.stringify(body)).toBe(code);
    }
    expect((await purse(payer)).balance).toBe('1000.00');
  });
});

describe('transfers confirmed with Cipherpad (Payment mode)', () => {
  let payer: TestBrowser;
  let payee: TestBrowser;
  let payeePurse: string;

  beforeAll(async () => {
    payer = await signIn('careful@example.com');
    payee = await signIn('shop@example.com');
    payeePurse = (await purse(payee)).purse;
    const turnedOn = await setMethod(payer, { method: 'cipherpad' });
    expect(turnedOn.json()).toMatchObject({ applied: true, settings: { method: 'cipherpad' } });
  });

  it('holds the transfer, refuses a response for another amount, then commits once', async () => {
    const created = await payer.call('POST', '/api/transfers', {
      currency: 'Z',
      to: payeePurse,
      amount: '25.50',
    });
    expect(created.statusCode).toBe(201);
    const held = created.json();
    expect(held).toMatchObject({ status: 'held', confirmation: { method: 'cipherpad' } });
    expect(held.confirmation.challenge).toMatch(/^\d{8}$/);
    expect(held.confirmation.uri).toContain(`p=${payeePurse}`);
    expect(held.confirmation.uri).toContain('a=25.5');
    const confirmation = fake.last();
    expect(confirmation.operation).toEqual({
      type: 'payment',
      amount: '25.5',
      currency: 'WMZ',
      purse: payeePurse,
    });
    expect(fake.requests.at(-1)?.idempotencyKey).toBe(`keeper-transfer-${held.id}`);
    expect((await purse(payer)).balance).toBe('1000.00');

    const otherAmount = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: fakeResponse(confirmation.challenge, '255', payeePurse),
    });
    expect(otherAmount.statusCode).toBe(400);
    expect(otherAmount.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED', attemptsLeft: 2 });
    expect((await purse(payer)).balance).toBe('1000.00');

    const confirmed = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: fakeResponse(confirmation.challenge, '25.5', payeePurse),
    });
    expect(confirmed.json()).toMatchObject({ status: 'completed' });
    // The webhook and the page's poll report the same confirmation again: nothing moves twice.
    const body = JSON.stringify({
      type: 'confirmation.confirmed',
      confirmation: { id: confirmation.id, status: 'confirmed' },
    });
    const hook = await keeper.app.inject({
      method: 'POST',
      url: '/webhooks/cipherpad',
      headers: {
        'content-type': 'application/json',
        'cipherpad-signature': signWebhook(body, WEBHOOK_SECRET, Date.now()),
      },
      payload: body,
    });
    expect(hook.statusCode).toBe(204);
    expect((await payer.call('GET', `/api/transfers/${held.id}/status`)).json().status).toBe(
      'completed',
    );
    expect((await purse(payer)).balance).toBe('974.50');
    expect((await purse(payee)).balance).toBe('1025.50');
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });

  it('commits on online approval reported by the webhook, exactly once however often it is delivered', async () => {
    const held = (
      await payer.call('POST', '/api/transfers', { currency: 'Z', to: payeePurse, amount: '1' })
    ).json();
    const confirmation = fake.last();
    fake.approve(confirmation.id);
    const body = JSON.stringify({
      type: 'confirmation.confirmed',
      confirmation: { id: confirmation.id, status: 'confirmed' },
    });
    const deliveries = await Promise.all(
      Array.from({ length: 4 }, () =>
        keeper.app.inject({
          method: 'POST',
          url: '/webhooks/cipherpad',
          headers: {
            'content-type': 'application/json',
            'cipherpad-signature': signWebhook(body, WEBHOOK_SECRET, Date.now()),
          },
          payload: body,
        }),
      ),
    );
    expect(deliveries.map((d) => d.statusCode)).toEqual([204, 204, 204, 204]);
    expect((await payer.call('GET', `/api/transfers/${held.id}`)).json().status).toBe('completed');
    expect((await purse(payer)).balance).toBe('973.50');
  });

  it('shows the held transfer’s re-issued challenge, number and expiry, and only they confirm it', async () => {
    // A payer of its own: the other cases count this describe's payer's balance.
    const payer = await signIn('reissued@example.com');
    expect((await setMethod(payer, { method: 'cipherpad' })).json()).toMatchObject({
      applied: true,
    });
    const held = (
      await payer.call('POST', '/api/transfers', { currency: 'Z', to: payeePurse, amount: '2' })
    ).json();
    const first = fake.last();
    expect(held.confirmation).toMatchObject({
      challenge: first.challenge,
      matchNumber: first.matchNumber,
    });
    const waiting = payer.call('GET', `/api/transfers/${held.id}/status?wait=10`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reissued = fake.reissue(first.id);
    const current = {
      method: 'cipherpad',
      challenge: reissued.challenge,
      uri: reissued.uri,
      matchNumber: reissued.matchNumber,
      expiresAt: reissued.expiresAt,
    };
    const started = Date.now();
    const polled = (await waiting).json();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(polled).toMatchObject({ status: 'held', confirmation: current });
    // Recorded: the plain read and a page opened again show the same.
    expect(
      (await payer.call('GET', `/api/transfers/${held.id}`)).json().confirmation,
    ).toMatchObject(current);
    const row = await keeper.services.db
      .selectFrom('transfers')
      .select(['challenge', 'match_number', 'uri', 'expires_at'])
      .where('id', '=', held.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      challenge: reissued.challenge,
      match_number: reissued.matchNumber,
      uri: reissued.uri,
      expires_at: reissued.expiresAt,
    });

    const old = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: fakeResponse(held.confirmation.challenge, '2', payeePurse),
    });
    expect(old.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED' });
    const fresh = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: fakeResponse(reissued.challenge, '2', payeePurse),
    });
    expect(fresh.json()).toMatchObject({ status: 'completed' });
    expect((await purse(payer)).balance).toBe('998.00');
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });

  it('cancels a denied transfer with no money moved', async () => {
    const held = (
      await payer.call('POST', '/api/transfers', { currency: 'Z', to: payeePurse, amount: '5' })
    ).json();
    fake.deny(fake.last().id);
    const status = (await payer.call('GET', `/api/transfers/${held.id}/status?wait=1`)).json();
    expect(status).toMatchObject({ status: 'cancelled', cancelReason: 'denied' });
    const late = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: '12345678',
    });
    expect(late.json().error).toBe('ERR_TRANSFER_CLOSED');
    expect((await purse(payer)).balance).toBe('973.50');
  });

  it('cancels after three wrong responses and when the challenge expires', async () => {
    const failed = (
      await payer.call('POST', '/api/transfers', { currency: 'Z', to: payeePurse, amount: '5' })
    ).json();
    for (const left of [2, 1, 0]) {
      const wrong = await payer.call('POST', `/api/transfers/${failed.id}/confirm`, {
        response: '00000001',
      });
      expect(wrong.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED', attemptsLeft: left });
    }
    expect((await payer.call('GET', `/api/transfers/${failed.id}`)).json()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'failed',
    });

    const expiring = (
      await payer.call('POST', '/api/transfers', { currency: 'Z', to: payeePurse, amount: '5' })
    ).json();
    fake.expire(fake.last().id);
    const status = (await payer.call('GET', `/api/transfers/${expiring.id}/status`)).json();
    expect(status).toMatchObject({ status: 'cancelled', cancelReason: 'expired' });
    expect((await purse(payer)).balance).toBe('973.50');
  });

  it('refuses a webhook with a wrong or old signature', async () => {
    const body = JSON.stringify({
      type: 'confirmation.confirmed',
      confirmation: { id: 'x', status: 'confirmed' },
    });
    for (const signature of [
      signWebhook(body, 'other-secret', Date.now()),
      signWebhook(body, WEBHOOK_SECRET, Date.now() - 600_000),
      'garbage',
    ]) {
      const hook = await keeper.app.inject({
        method: 'POST',
        url: '/webhooks/cipherpad',
        headers: { 'content-type': 'application/json', 'cipherpad-signature': signature },
        payload: body,
      });
      expect(hook.statusCode).toBe(401);
    }
  });

  it('turning confirmation off needs a security-settings confirmation; SMS then confirms each transfer', async () => {
    const change = await payer.call('POST', '/api/settings/changes', {
      method: 'sms',
      phone: '+44 20 7946 0018',
    });
    expect(change.json()).toMatchObject({ channel: 'cipherpad', applied: false });
    expect((await wallet(payer)).confirmation.method).toBe('cipherpad');
    const confirmation = fake.last();
    expect(confirmation.operation).toMatchObject({ type: 'operation', name: 'security-settings' });
    const applied = await payer.call('POST', `/api/settings/changes/${change.json().id}/verify`, {
      response: fakeResponse(confirmation.challenge),
    });
    expect(applied.json()).toMatchObject({
      applied: true,
      settings: { method: 'sms', phone: '+442079460018' },
    });

    const held = (
      await payer.call('POST', '/api/transfers', { currency: 'Z', to: payeePurse, amount: '3.5' })
    ).json();
    expect(held).toMatchObject({ status: 'held', confirmation: { method: 'sms' } });
    const sms = fake.last('sms');
    expect(sms).toMatchObject({
      phone: '+442079460018',
      operation: { type: 'payment', amount: '3.5', purse: payeePurse },
    });
    const wrong = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: sms.code === '000000' ? '111111' : '000000',
    });
    expect(wrong.json()).toMatchObject({ error: 'ERR_CODE_INVALID', attemptsLeft: 2 });
    const done = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: sms.code,
    });
    expect(done.json().status).toBe('completed');
    expect((await purse(payer)).balance).toBe('970.00');
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });
});

describe('a held transfer after the page is reloaded', () => {
  let payer: TestBrowser;
  let payee: TestBrowser;
  let payeePurse: string;

  beforeAll(async () => {
    payer = await signIn('reloads@example.com');
    payee = await signIn('reloaded-shop@example.com');
    payeePurse = (await purse(payee)).purse;
    const turnedOn = await setMethod(payer, { method: 'cipherpad' });
    expect(turnedOn.json()).toMatchObject({ applied: true });
  });

  const hold = async (amount: string) => {
    const created = await payer.call('POST', '/api/transfers', {
      currency: 'Z',
      to: payeePurse,
      amount,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().status).toBe('held');
    return { held: created.json(), confirmation: fake.last() };
  };

  const webhook = (id: string, status: string) => {
    const body = JSON.stringify({ type: `confirmation.${status}`, confirmation: { id, status } });
    return keeper.app.inject({
      method: 'POST',
      url: '/webhooks/cipherpad',
      headers: {
        'content-type': 'application/json',
        'cipherpad-signature': signWebhook(body, WEBHOOK_SECRET, Date.now()),
      },
      payload: body,
    });
  };

  it('gives the payer back the pending confirmation (challenge, QR, number, expiry) to resume it', async () => {
    const { held, confirmation } = await hold('7.25');
    // A reloaded page finds it in the history, then asks for it as it stands now.
    const history = (await payer.call('GET', '/api/transfers')).json().transfers;
    expect(history[0]).toMatchObject({ id: held.id, status: 'held', direction: 'out' });
    const resumed = await payer.call('GET', `/api/transfers/${held.id}/status`);
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({
      status: 'held',
      confirmation: {
        method: 'cipherpad',
        challenge: confirmation.challenge,
        uri: held.confirmation.uri,
        matchNumber: held.confirmation.matchNumber,
        expiresAt: confirmation.expiresAt,
      },
    });
    // The payee is told nothing of it while it is held.
    const seen = (await payee.call('GET', `/api/transfers/${held.id}`)).json();
    expect(seen.confirmation).toEqual({ method: 'cipherpad' });

    const confirmed = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: fakeResponse(confirmation.challenge, '7.25', payeePurse),
    });
    expect(confirmed.json().status).toBe('completed');
    expect((await purse(payer)).balance).toBe('992.75');
  });

  it('does not resume a transfer whose confirmation expired: it is cancelled, nothing moved', async () => {
    const { held, confirmation } = await hold('3');
    fake.expire(confirmation.id);
    const resumed = (await payer.call('GET', `/api/transfers/${held.id}/status`)).json();
    expect(resumed).toMatchObject({ status: 'cancelled', cancelReason: 'expired' });
    expect(resumed.confirmation).toEqual({ method: 'cipherpad' });
    expect((await purse(payer)).balance).toBe('992.75');
  });

  it('lets only its payer cancel it, with the CSRF token, once and for good', async () => {
    const { held, confirmation } = await hold('40');
    const stranger = await payee.call('POST', `/api/transfers/${held.id}/cancel`);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().error).toBe('ERR_TRANSFER_NOT_FOUND');
    const token = payer.csrfToken;
    payer.csrfToken = '';
    const forged = await payer.call('POST', `/api/transfers/${held.id}/cancel`);
    payer.csrfToken = token;
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error).toBe('ERR_CSRF');
    expect((await payer.call('GET', `/api/transfers/${held.id}`)).json().status).toBe('held');

    const cancelled = await payer.call('POST', `/api/transfers/${held.id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled' });
    expect(cancelled.json().confirmation).toEqual({ method: 'cipherpad' });
    const again = await payer.call('POST', `/api/transfers/${held.id}/cancel`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled' });

    // Cipherpad's confirmation is left to expire: approving it now moves nothing.
    fake.approve(confirmation.id);
    expect((await webhook(confirmation.id, 'confirmed')).statusCode).toBe(204);
    const late = await payer.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: fakeResponse(confirmation.challenge, '40', payeePurse),
    });
    expect(late.json().error).toBe('ERR_TRANSFER_CLOSED');
    expect((await payer.call('GET', `/api/transfers/${held.id}/status`)).json().status).toBe(
      'cancelled',
    );
    expect((await purse(payer)).balance).toBe('992.75');
    expect((await purse(payee)).balance).toBe('1007.25');
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });

  it('refuses to cancel a completed transfer, or one already confirmed in the app', async () => {
    const first = await hold('1');
    await payer.call('POST', `/api/transfers/${first.held.id}/confirm`, {
      response: fakeResponse(first.confirmation.challenge, '1', payeePurse),
    });
    const tooLate = await payer.call('POST', `/api/transfers/${first.held.id}/cancel`);
    expect(tooLate.statusCode).toBe(409);
    expect(tooLate.json().error).toBe('ERR_TRANSFER_CLOSED');

    // Approved in the app, its webhook not yet arrived: the keeper asks Cipherpad first.
    const second = await hold('2');
    fake.approve(second.confirmation.id);
    const approved = await payer.call('POST', `/api/transfers/${second.held.id}/cancel`);
    expect(approved.statusCode).toBe(409);
    expect(approved.json().error).toBe('ERR_TRANSFER_CLOSED');
    expect((await payer.call('GET', `/api/transfers/${second.held.id}`)).json().status).toBe(
      'completed',
    );
    expect((await purse(payer)).balance).toBe('989.75');
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });

  it('cancels all the same when Cipherpad does not answer', async () => {
    const down = await new FakeCipherpad().start();
    const other = await startTestKeeper({
      cipherpadUrl: down.url,
      clientId: down.clientId,
      clientSecret: down.clientSecret,
    });
    try {
      const browser = other.browser();
      const { id, challenge } = (
        await browser.call('POST', '/api/login', { email: 'offline@example.com' })
      ).json();
      await browser.call('POST', `/api/login/${id}/verify`, { response: fakeResponse(challenge) });
      const change = (
        await browser.call('POST', '/api/settings/changes', { method: 'cipherpad' })
      ).json();
      await browser.call('POST', `/api/settings/changes/${change.id}/verify`, {
        response: fakeResponse(down.last().challenge),
      });
      const held = (
        await browser.call('POST', '/api/transfers', {
          currency: 'Z',
          to: 'someone@example.com',
          amount: '9',
        })
      ).json();
      expect(held.status).toBe('held');
      await down.stop();
      const cancelled = await browser.call('POST', `/api/transfers/${held.id}/cancel`);
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled' });
      expect(await auditLedger(other.services.db)).toEqual([]);
    } finally {
      await other.close();
      await down.stop();
    }
  });

  it('of a cancellation and a confirmation sent at once, exactly one wins', async () => {
    const before = Math.round(Number((await purse(payer)).balance) * 100);
    let paid = 0;
    for (let round = 0; round < 12; round += 1) {
      const { held, confirmation } = await hold('0.5');
      const confirm = () =>
        round % 2 === 0
          ? payer.call('POST', `/api/transfers/${held.id}/confirm`, {
              response: fakeResponse(confirmation.challenge, '0.5', payeePurse),
            })
          : webhook(confirmation.id, 'confirmed');
      const [cancel, confirmed] = await Promise.all([
        payer.call('POST', `/api/transfers/${held.id}/cancel`),
        confirm(),
      ]);
      const final = (await payer.call('GET', `/api/transfers/${held.id}`)).json().status;
      if (cancel.statusCode === 200) {
        expect(cancel.json().status).toBe('cancelled');
        expect(final).toBe('cancelled');
        if (round % 2 === 0 && confirmed.statusCode === 200)
          expect(confirmed.json().status).toBe('cancelled');
      } else {
        expect(cancel.statusCode).toBe(409);
        expect(cancel.json().error).toBe('ERR_TRANSFER_CLOSED');
        expect(final).toBe('completed');
        if (round % 2 === 0) expect(confirmed.json().status).toBe('completed');
        paid += 50;
      }
    }
    expect(Math.round(Number((await purse(payer)).balance) * 100)).toBe(before - paid);
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });
});

describe('when Cipherpad cannot be used', () => {
  it('says the keeper is not configured without credentials, and unavailable with wrong ones', async () => {
    const bare = await startTestKeeper({ cipherpadUrl: fake.url });
    try {
      const answer = await bare.browser().call('POST', '/api/login', { email: 'a@example.com' });
      expect(answer.statusCode).toBe(503);
      expect(answer.json().error).toBe('ERR_NOT_CONFIGURED');
      expect((await bare.browser().call('GET', '/api/session')).json()).toMatchObject({
        configured: false,
      });
    } finally {
      await bare.close();
    }
    const wrong = await startTestKeeper({
      cipherpadUrl: fake.url,
      clientId: fake.clientId,
      clientSecret: 'x'.repeat(43),
    });
    try {
      const answer = await wrong.browser().call('POST', '/api/login', { email: 'a@example.com' });
      expect(answer.statusCode).toBe(502);
      expect(answer.json().error).toBe('ERR_CIPHERPAD_UNAVAILABLE');
    } finally {
      await wrong.close();
    }
  });
});
