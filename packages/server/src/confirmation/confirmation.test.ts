import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountTopic } from '../events/event-bus.js';
import { registerSite } from '../sites/register-site.js';
import { deviceRequest } from '../testing/device-request.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';
import { expireConfirmations } from './expire-confirmations.js';

let service: TestService;
let keeper: { clientId: string; clientSecret: string; webhookSecret: string };
let other: { clientId: string; clientSecret: string };
let alice: Enrolled;
let counter = 0;

// A relying site's webhook receiver: answers with the next queued status (200 when none).
let hook: Server;
let hookUrl: string;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
const answers: number[] = [];

beforeAll(async () => {
  hook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = answers.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;

  // The receiver listens on loopback: the operator allows webhooks inside, as `npm start` does.
  service = await startTestService({
    policy: { registrationsPerIp: 1000 },
    env: { WEBHOOK_ALLOW_INTERNAL: 'true' },
  });
  const deps = {
    db: service.services.db,
    secrets: service.services.secrets,
    now: 0,
    allowInternalWebhooks: true,
  };
  const registered = await registerSite(deps, { name: 'Keeper Demo', webhookUrl: hookUrl });
  keeper = {
    clientId: registered.clientId,
    clientSecret: registered.clientSecret,
    webhookSecret: registered.webhookSecret as string,
  };
  other = await registerSite(deps, { name: 'Other Shop' });
  alice = await enroll(service, 'alice@example.com', '+442079470100');
});
afterAll(async () => {
  await service?.close();
  await new Promise((resolve) => hook?.close(resolve));
});

function basic(site: { clientId: string; clientSecret: string }): string {
  return `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`;
}

function create(
  payload: Record<string, unknown>,
  options: { site?: { clientId: string; clientSecret: string }; key?: string } = {},
) {
  return service.app.inject({
    method: 'POST',
    url: '/v1/confirmations',
    headers: {
      authorization: basic(options.site ?? keeper),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    payload,
  });
}

async function created(email: string, operation: Record<string, unknown> = { type: 'login' }) {
  const response = await create({ email, operation });
  expect(response.statusCode).toBe(201);
  return response.json() as {
    id: string;
    challenge: string;
    uri: string;
    matchNumber: string;
    mode: string;
    expiresAt: number;
    confirmUrl: string;
  };
}

function verify(id: string, response: string, site = keeper) {
  return service.app.inject({
    method: 'POST',
    url: `/v1/confirmations/${id}/verify`,
    headers: { authorization: basic(site) },
    payload: { response },
  });
}

function status(id: string, site = keeper) {
  return service.app.inject({
    method: 'GET',
    url: `/v1/confirmations/${id}`,
    headers: { authorization: basic(site) },
  });
}

function tokenOf(confirmUrl: string): string {
  return new URL(confirmUrl).searchParams.get('token') as string;
}

async function consent(user: Enrolled, siteId = keeper.clientId) {
  await service.services.db
    .insertInto('site_consents')
    .values({ account_id: user.accountId, site_id: siteId, created_at: service.clock.now() })
    .onConflict((oc) => oc.columns(['account_id', 'site_id']).doNothing())
    .execute();
}

async function newUser(): Promise<Enrolled> {
  counter += 1;
  return enroll(
    service,
    `site-user${counter}@example.com`,
    `+4420794720${String(counter).padStart(2, '0')}`,
  );
}

function wrong(right: string): string {
  return right === '00000000' ? '11111111' : '00000000';
}

describe('site authentication (HTTP Basic)', () => {
  it('refuses a missing, unknown or wrong credential with one answer', async () => {
    for (const authorization of [
      undefined,
      'Basic !!!',
      basic({ clientId: keeper.clientId, clientSecret: 'x'.repeat(43) }),
      basic({ clientId: 'cps_AAAAAAAAAAAAAAAAAAAAAA', clientSecret: keeper.clientSecret }),
      `Bearer ${keeper.clientSecret}`,
    ]) {
      const response = await service.app.inject({
        method: 'POST',
        url: '/v1/confirmations',
        headers: authorization ? { authorization } : {},
        payload: { email: 'alice@example.com', operation: { type: 'login' } },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toBe('ERR_SITE_AUTH');
      expect(response.headers['www-authenticate']).toBe('Basic realm="cipherpad"');
    }
  });

  it('stores only the SHA-256 of the client secret and seals the webhook secret', async () => {
    const row = await service.services.db
      .selectFrom('sites')
      .selectAll()
      .where('id', '=', keeper.clientId)
      .executeTakeFirstOrThrow();
    expect(keeper.clientId).toMatch(/^cps_[A-Za-z0-9_-]{22}$/);
    expect(keeper.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toContain(keeper.clientSecret);
    expect(JSON.stringify(row)).not.toContain(keeper.webhookSecret);
    expect(row.webhook_secret_enc).toMatch(/^v1\./);
  });

  it("does not show one site another site's confirmation", async () => {
    const confirmation = await created('alice@example.com');
    const response = await status(confirmation.id, other);
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('ERR_CONFIRMATION_NOT_FOUND');
    expect((await verify(confirmation.id, '12345678', other)).json().error).toBe(
      'ERR_CONFIRMATION_NOT_FOUND',
    );
  });

  it('limits the requests of a site per minute', async () => {
    const limited = await startTestService({ env: { SITE_REQUESTS_PER_MINUTE: '2' } });
    try {
      const site = await registerSite(
        { db: limited.services.db, secrets: limited.services.secrets, now: 0 },
        { name: 'Busy' },
      );
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await limited.app.inject({
          method: 'GET',
          url: '/v1/confirmations/nothing',
          headers: { authorization: basic(site) },
        });
        codes.push(response.statusCode);
        if (i === 2) expect(response.json().error).toBe('ERR_RATE_LIMITED_SITE');
      }
      expect(codes).toEqual([404, 404, 429]);
      // In memory, refilled continuously: 2 a minute is one every 30 s.
      const again = () =>
        limited.app.inject({
          method: 'GET',
          url: '/v1/confirmations/nothing',
          headers: { authorization: basic(site) },
        });
      const refused = await again();
      expect(refused.headers['retry-after']).toBe('30');
      limited.clock.advance(30_000);
      expect((await again()).statusCode).toBe(404);
      expect((await again()).statusCode).toBe(429);
      const stored = await limited.services.db
        .selectFrom('rate_limits')
        .select('key')
        .where('key', 'like', 'site:%')
        .execute();
      expect(stored).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});

describe('confirmations (docs/confirmation-api.md)', () => {
  it('confirms a login with the right response, once', async () => {
    await consent(alice);
    const confirmation = await created('alice@example.com');
    expect(confirmation.mode).toBe('authorization');
    expect(confirmation.challenge).toMatch(/^\d{8}$/);
    expect(confirmation.matchNumber).toMatch(/^[1-9]\d$/);
    expect(confirmation.uri).toContain('s=Keeper%20Demo');
    expect(confirmation.confirmUrl).toMatch(
      /^http:\/\/cipherpad\.test\/confirm\.html\?id=[0-9a-f]+&token=[A-Za-z0-9_-]{43}$/,
    );
    const response = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: confirmation.challenge,
    });
    const verified = await verify(confirmation.id, response);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({
      id: confirmation.id,
      status: 'confirmed',
      confirmedAt: service.clock.now(),
      deviceId: alice.deviceId,
    });
    const again = await verify(confirmation.id, response);
    expect(again.statusCode).toBe(410);
    expect(again.json().error).toBe('ERR_CHALLENGE_CLOSED');
    const view = (await status(confirmation.id)).json();
    expect(view).toMatchObject({
      status: 'confirmed',
      method: 'response',
      deviceId: alice.deviceId,
      operation: { type: 'login' },
    });
  });

  it('binds a payment: a response for another amount or purse is refused', async () => {
    await consent(alice);
    const operation = {
      type: 'payment',
      amount: '25,50',
      currency: 'WMZ',
      purse: 'Z123456789012',
      note: 'Rent',
    };
    const confirmation = await created('alice@example.com', operation);
    expect(confirmation.mode).toBe('payment');
    expect(confirmation.uri).toMatch(/^cipherpad:p\?/);
    const otherAmount = await computeResponse(alice.ocraKey, {
      mode: 'payment',
      challenge: confirmation.challenge,
      amount: '25.51',
      purse: 'Z123456789012',
    });
    const refused = await verify(confirmation.id, otherAmount);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED', attemptsLeft: 2 });
    const otherPurse = await computeResponse(alice.ocraKey, {
      mode: 'payment',
      challenge: confirmation.challenge,
      amount: '25.5',
      purse: 'Z123456789013',
    });
    expect((await verify(confirmation.id, otherPurse)).json().attemptsLeft).toBe(1);
    const authorization = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: confirmation.challenge,
    });
    expect((await verify(confirmation.id, authorization)).json().attemptsLeft).toBe(0);
    // Three wrong answers closed it: even the right response no longer opens it.
    const right = await computeResponse(alice.ocraKey, {
      mode: 'payment',
      challenge: confirmation.challenge,
      amount: '25.5',
      purse: 'Z123456789012',
    });
    expect((await verify(confirmation.id, right)).json().error).toBe('ERR_CHALLENGE_CLOSED');
    expect((await status(confirmation.id)).json()).toMatchObject({
      status: 'failed',
      operation: { type: 'payment', amount: '25.5', currency: 'WMZ', purse: 'Z123456789012' },
    });
  });

  it('accepts the right payment response', async () => {
    await consent(alice);
    const confirmation = await created('alice@example.com', {
      type: 'payment',
      amount: '1.5',
      currency: 'WMZ',
      purse: 'Z123456789012',
    });
    const right = await computeResponse(alice.ocraKey, {
      mode: 'payment',
      challenge: confirmation.challenge,
      amount: '1.5',
      purse: 'Z123456789012',
    });
    expect((await verify(confirmation.id, right)).statusCode).toBe(200);
  });

  it('refuses a response after the challenge expired', async () => {
    await consent(alice);
    const confirmation = await created('alice@example.com');
    const response = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: confirmation.challenge,
    });
    service.clock.advance(5 * 60_000);
    const refused = await verify(confirmation.id, response);
    expect(refused.statusCode).toBe(410);
    expect(refused.json().error).toBe('ERR_CHALLENGE_EXPIRED');
    expect((await status(confirmation.id)).json().status).toBe('expired');
  });

  it('counts wrong answers toward the account block, like logins', async () => {
    const bob = await newUser();
    await consent(bob);
    let last = null as null | { statusCode: number; json(): Record<string, unknown> };
    for (let i = 0; i < 5; i++) {
      const confirmation = await created(bob.email);
      const right = await computeResponse(bob.ocraKey, {
        mode: 'authorization',
        challenge: confirmation.challenge,
      });
      last = await verify(confirmation.id, wrong(right));
    }
    expect(last?.statusCode).toBe(423);
    expect(last?.json().error).toBe('ERR_ACCOUNT_BLOCKED');
    const confirmation = await created(bob.email);
    const right = await computeResponse(bob.ocraKey, {
      mode: 'authorization',
      challenge: confirmation.challenge,
    });
    expect((await verify(confirmation.id, right)).json().error).toBe('ERR_ACCOUNT_BLOCKED');
  });

  it('asks for consent on a right response without counting it, then accepts it again', async () => {
    const carol = await newUser();
    const confirmation = await created(carol.email);
    const response = await computeResponse(carol.ocraKey, {
      mode: 'authorization',
      challenge: confirmation.challenge,
    });
    const refused = await verify(confirmation.id, response);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      error: 'ERR_CONSENT_REQUIRED',
      confirmUrl: confirmation.confirmUrl,
    });
    const challenge = await service.services.db
      .selectFrom('challenges')
      .select(['attempts', 'status'])
      .where('id', '=', confirmation.id)
      .executeTakeFirstOrThrow();
    expect(challenge).toEqual({ attempts: 0, status: 'pending' });
    const account = await service.services.db
      .selectFrom('accounts')
      .select('failed_attempts')
      .where('id', '=', carol.accountId)
      .executeTakeFirstOrThrow();
    expect(account.failed_attempts).toBe(0);

    // The person consents on the security site's page, signed in with a cookie.
    const cookie = await signInWithCookie(carol);
    const page = await service.app.inject({
      method: 'POST',
      url: `/v1/confirm-pages/${confirmation.id}/consent`,
      headers: {
        cookie: cookie.cookie,
        'x-csrf-token': cookie.csrfToken,
        'x-page-token': tokenOf(confirmation.confirmUrl),
      },
    });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ consented: true, signedInAsOwner: true });
    expect((await verify(confirmation.id, response)).statusCode).toBe(200);

    const sites = await service.app.inject({
      method: 'GET',
      url: '/v1/account/sites',
      headers: { cookie: cookie.cookie },
    });
    expect(sites.json().sites).toEqual([
      { clientId: keeper.clientId, name: 'Keeper Demo', consentedAt: expect.any(Number) },
    ]);
    const withdrawn = await service.app.inject({
      method: 'POST',
      url: `/v1/account/sites/${keeper.clientId}/withdraw`,
      headers: { cookie: cookie.cookie, 'x-csrf-token': cookie.csrfToken },
    });
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json().sites).toEqual([]);
    const types = await service.services.db
      .selectFrom('audit_events')
      .select('type')
      .where('account_id', '=', carol.accountId)
      .where('type', 'like', 'site.%')
      .orderBy('id')
      .execute();
    expect(types.map((t) => t.type)).toEqual(['site.consented', 'site.consent_withdrawn']);
    const again = await service.app.inject({
      method: 'POST',
      url: `/v1/account/sites/${keeper.clientId}/withdraw`,
      headers: { cookie: cookie.cookie, 'x-csrf-token': cookie.csrfToken },
    });
    expect(again.json().error).toBe('ERR_SITE_NOT_FOUND');
  });

  it('answers a decoy for an unknown email in the same shape, and no response opens it', async () => {
    const real = await created('alice@example.com');
    const decoy = await created('nobody@example.com');
    expect(Object.keys(decoy).sort()).toEqual(Object.keys(real).sort());
    expect(decoy.challenge).toMatch(/^\d{8}$/);
    expect(decoy.uri.replace(/c=\d+|i=[0-9a-f]+/g, '')).toBe(
      real.uri.replace(/c=\d+|i=[0-9a-f]+/g, ''),
    );
    for (const left of [2, 1, 0]) {
      const refused = await verify(decoy.id, '12345678');
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({
        error: 'ERR_RESPONSE_REJECTED',
        message: expect.any(String),
        attemptsLeft: left,
      });
    }
    expect((await status(decoy.id)).json().status).toBe('failed');
  });

  it('returns the first answer for a repeated Idempotency-Key and 409 for another body', async () => {
    const body = { email: 'alice@example.com', operation: { type: 'login' } };
    const first = await create(body, { key: 'order-42' });
    const second = await create(body, { key: 'order-42' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    const count = await service.services.db
      .selectFrom('confirmations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', '=', first.json().id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    const conflict = await create(
      { email: 'alice@example.com', operation: { type: 'operation', name: 'personal-data' } },
      { key: 'order-42' },
    );
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error).toBe('ERR_IDEMPOTENCY_CONFLICT');
    // Keys are per site.
    const elsewhere = await create(body, { key: 'order-42', site: other });
    expect(elsewhere.statusCode).toBe(201);
    expect(elsewhere.json().id).not.toBe(first.json().id);
    // After 24 h the key may be used again.
    service.clock.advance(24 * 60 * 60_000);
    const later = await create(body, { key: 'order-42' });
    expect(later.json().id).not.toBe(first.json().id);
  });

  it("tells the account's apps of the one confirmation created, never of a replay", async () => {
    const told: string[] = [];
    const unsubscribe = service.services.events.subscribe(
      accountTopic('alice@example.com'),
      (event) => {
        if (event.type === 'request') told.push(event.request.id);
      },
    );
    try {
      const body = { email: 'alice@example.com', operation: { type: 'login' } };
      // Concurrent first uses: the losers' creations are undone, and nobody is told of them.
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => create(body, { key: 'told-once' })),
      );
      const again = await create(body, { key: 'told-once' });
      const ids = new Set([...answers, again].map((a) => a.json().id));
      expect(ids.size).toBe(1);
      expect(told).toEqual([...ids]);
    } finally {
      unsubscribe();
    }
  });

  it('creates one confirmation for concurrent requests with the same key', async () => {
    const body = { email: 'alice@example.com', operation: { type: 'login' } };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => create(body, { key: 'race-1' })),
    );
    const ids = new Set(answers.map((a) => a.json().id));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(ids.size).toBe(1);
  });

  it('accepts a right response once under concurrent verifies', async () => {
    await consent(alice);
    const confirmation = await created('alice@example.com');
    const response = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: confirmation.challenge,
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => verify(confirmation.id, response)),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 410)).toHaveLength(7);
    const webhooks = await service.services.db
      .selectFrom('webhook_deliveries')
      .select('type')
      .where('confirmation_id', '=', confirmation.id)
      .execute();
    expect(webhooks).toEqual([{ type: 'confirmation.confirmed' }]);
  });

  it('validates the request', async () => {
    for (const operation of [
      { type: 'transfer' },
      { type: 'operation', name: 'nothing' },
      { type: 'payment', amount: '1', purse: 'Z123456789012' },
    ]) {
      const response = await create({ email: 'alice@example.com', operation });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('ERR_VALIDATION');
    }
    const amount = await create({
      email: 'alice@example.com',
      operation: { type: 'payment', amount: '-1', currency: 'WMZ', purse: 'Z123456789012' },
    });
    expect(amount.json().error).toBe('ERR_AMOUNT_INVALID');
  });
});

describe('online approval of a confirmation in the app', () => {
  it('shows the site, the operation and firstTime, and records the consent on approval', async () => {
    const dave = await newUser();
    const confirmation = await created(dave.email, {
      type: 'payment',
      amount: '10',
      currency: 'WMZ',
      purse: 'Z123456789012',
      note: 'Books',
    });
    const list = await deviceRequest(service, dave, 'GET', '/v1/device/requests');
    expect(list.json().requests).toEqual([
      expect.objectContaining({
        id: confirmation.id,
        kind: 'payment',
        site: 'Keeper Demo',
        operation: { type: 'payment' },
        note: 'Books',
        firstTime: true,
        payment: { amount: '10', purse: 'Z123456789012', currency: 'WMZ' },
      }),
    ]);
    const approved = await deviceRequest(
      service,
      dave,
      'POST',
      `/v1/device/requests/${confirmation.id}/approve`,
      { number: confirmation.matchNumber },
    );
    expect(approved.statusCode).toBe(200);
    expect((await status(confirmation.id)).json()).toMatchObject({
      status: 'confirmed',
      method: 'approval',
      deviceId: dave.deviceId,
    });
    const consents = await service.services.db
      .selectFrom('site_consents')
      .select('site_id')
      .where('account_id', '=', dave.accountId)
      .execute();
    expect(consents).toEqual([{ site_id: keeper.clientId }]);
    const next = await created(dave.email, { type: 'operation', name: 'personal-data' });
    const again = await deviceRequest(service, dave, 'GET', '/v1/device/requests');
    expect(again.json().requests[0]).toMatchObject({
      id: next.id,
      firstTime: false,
      operation: { type: 'operation', name: 'personal-data' },
    });
  });

  it('denies a confirmation from the app', async () => {
    await consent(alice);
    const confirmation = await created('alice@example.com');
    const denied = await deviceRequest(
      service,
      alice,
      'POST',
      `/v1/device/requests/${confirmation.id}/deny`,
    );
    expect(denied.statusCode).toBe(200);
    expect((await status(confirmation.id)).json().status).toBe('denied');
  });

  it('fails the confirmation after 3 wrong numbers', async () => {
    await consent(alice);
    const confirmation = await created('alice@example.com');
    const wrongNumber = confirmation.matchNumber === '10' ? '11' : '10';
    for (let i = 0; i < 3; i++) {
      await deviceRequest(
        service,
        alice,
        'POST',
        `/v1/device/requests/${confirmation.id}/approve`,
        {
          number: wrongNumber,
        },
      );
    }
    expect((await status(confirmation.id)).json().status).toBe('failed');
  });

  it('long-polls the status until the approval', async () => {
    await consent(alice);
    const confirmation = await created('alice@example.com');
    const waiting = service.app.inject({
      method: 'GET',
      url: `/v1/confirmations/${confirmation.id}?wait=10`,
      headers: { authorization: basic(keeper) },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await deviceRequest(service, alice, 'POST', `/v1/device/requests/${confirmation.id}/approve`, {
      number: confirmation.matchNumber,
    });
    const started = Date.now();
    const answer = await waiting;
    expect(answer.json().status).toBe('confirmed');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('webhooks', () => {
  it('delivers a signed call, retrying with growing waits until a 2xx', async () => {
    await consent(alice);
    await service.services.webhooks.deliverDue();
    const confirmation = await created('alice@example.com');
    received.length = 0;
    answers.length = 0;
    answers.push(500, 503);
    const response = await computeResponse(alice.ocraKey, {
      mode: 'authorization',
      challenge: confirmation.challenge,
    });
    expect((await verify(confirmation.id, response)).statusCode).toBe(200);
    const webhooks = service.services.webhooks;
    await webhooks.deliverDue();
    expect(received).toHaveLength(1);
    const row = async () =>
      service.services.db
        .selectFrom('webhook_deliveries')
        .select(['status', 'attempts', 'next_attempt_at'])
        .where('confirmation_id', '=', confirmation.id)
        .executeTakeFirstOrThrow();
    const first = await row();
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.next_attempt_at).toBe(service.clock.now() + 2000);
    await webhooks.deliverDue(); // not due yet
    expect(received).toHaveLength(1);
    service.clock.advance(2000);
    await webhooks.deliverDue();
    const second = await row();
    expect(second).toMatchObject({ status: 'pending', attempts: 2 });
    expect(second.next_attempt_at).toBe(service.clock.now() + 4000);
    service.clock.advance(4000);
    await webhooks.deliverDue();
    expect(received).toHaveLength(3);
    expect((await row()).status).toBe('delivered');

    // Same body each time, a fresh signature that the site can check.
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    for (const call of received) {
      const header = String(call.headers['cipherpad-signature']);
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
      const expected = createHmac('sha256', keeper.webhookSecret)
        .update(`${t}.${call.body}`)
        .digest('hex');
      expect(v1).toBe(expected);
      expect(call.headers['content-type']).toBe('application/json');
    }
    const body = JSON.parse(received[0]?.body ?? '{}');
    expect(body).toEqual({
      type: 'confirmation.confirmed',
      confirmation: (await status(confirmation.id)).json(),
    });
  });

  it('reports expiry, decoys included', async () => {
    received.length = 0;
    const real = await created('alice@example.com');
    const decoy = await created('nobody-else@example.com');
    service.clock.advance(5 * 60_000);
    expect(await expireConfirmations(service.services)).toBeGreaterThanOrEqual(2);
    await service.services.webhooks.deliverDue();
    const types = received.map((r) => JSON.parse(r.body));
    for (const id of [real.id, decoy.id]) {
      expect(types).toContainEqual({
        type: 'confirmation.expired',
        confirmation: expect.objectContaining({ id, status: 'expired' }),
      });
    }
  });
});

describe('security site page', () => {
  it('needs the page token and tells its holder whether the email has an account', async () => {
    const confirmation = await created('alice@example.com');
    const missing = await service.app.inject({
      method: 'GET',
      url: `/v1/confirm-pages/${confirmation.id}`,
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error).toBe('ERR_PAGE_TOKEN_INVALID');
    const wrongToken = await service.app.inject({
      method: 'GET',
      url: `/v1/confirm-pages/${confirmation.id}`,
      headers: { 'x-page-token': 'A'.repeat(43) },
    });
    expect(wrongToken.statusCode).toBe(403);
    const page = await service.app.inject({
      method: 'GET',
      url: `/v1/confirm-pages/${confirmation.id}`,
      headers: { 'x-page-token': tokenOf(confirmation.confirmUrl) },
    });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      id: confirmation.id,
      status: 'pending',
      site: { name: 'Keeper Demo' },
      operation: { type: 'login' },
      email: 'alice@example.com',
      hasAccount: true,
      bound: true,
      signedInAsOwner: false,
      challenge: confirmation.challenge,
      matchNumber: confirmation.matchNumber,
      uri: confirmation.uri,
    });
  });

  it('keeps an unknown email open while the person registers, then rebinds it', async () => {
    const email = 'newcomer@example.com';
    const confirmation = await created(email, { type: 'operation', name: 'trust-limit' });
    const headers = { 'x-page-token': tokenOf(confirmation.confirmUrl) };
    const page = (
      await service.app.inject({
        method: 'GET',
        url: `/v1/confirm-pages/${confirmation.id}`,
        headers,
      })
    ).json();
    expect(page).toMatchObject({ hasAccount: false, bound: false, consented: false });
    expect(page.challenge).toBeUndefined();
    const notReady = await service.app.inject({
      method: 'POST',
      url: `/v1/confirm-pages/${confirmation.id}/rebind`,
      headers,
    });
    expect(notReady.json().error).toBe('ERR_ACCOUNT_NOT_READY');
    const held = await service.app.inject({
      method: 'POST',
      url: `/v1/confirm-pages/${confirmation.id}/hold`,
      headers,
    });
    expect(held.statusCode).toBe(200);
    expect(held.json().expiresAt).toBe(confirmation.expiresAt - 5 * 60_000 + 30 * 60_000);

    service.clock.advance(6 * 60_000);
    const newcomer = await enroll(service, email, '+442079479999');
    const rebound = await service.app.inject({
      method: 'POST',
      url: `/v1/confirm-pages/${confirmation.id}/rebind`,
      headers,
    });
    expect(rebound.statusCode).toBe(200);
    const view = rebound.json();
    expect(view).toMatchObject({ hasAccount: true, bound: true, status: 'pending' });
    expect(view.challenge).toMatch(/^\d{8}$/);
    expect(view.expiresAt).toBe(service.clock.now() + 5 * 60_000);
    const list = await deviceRequest(service, newcomer, 'GET', '/v1/device/requests');
    expect(list.json().requests[0]).toMatchObject({ id: confirmation.id, firstTime: true });
    const approved = await deviceRequest(
      service,
      newcomer,
      'POST',
      `/v1/device/requests/${confirmation.id}/approve`,
      { number: view.matchNumber },
    );
    expect(approved.statusCode).toBe(200);
    expect((await status(confirmation.id)).json().status).toBe('confirmed');
  });

  it('gives the site the re-issued challenge after inline registration; only it verifies', async () => {
    const email = 'reissued@example.com';
    const payment = { type: 'payment', amount: '7.25', currency: 'WMZ', purse: 'Z123456789012' };
    const confirmation = await created(email, payment);
    const headers = { 'x-page-token': tokenOf(confirmation.confirmUrl) };
    // Pending, with or without an account, the site reads what it was given.
    expect((await status(confirmation.id)).json()).toMatchObject({
      status: 'pending',
      challenge: confirmation.challenge,
      uri: confirmation.uri,
      matchNumber: confirmation.matchNumber,
      expiresAt: confirmation.expiresAt,
    });
    await service.app.inject({
      method: 'POST',
      url: `/v1/confirm-pages/${confirmation.id}/hold`,
      headers,
    });
    const newcomer = await enroll(service, email, '+442079479998');
    await consent(newcomer);

    // A long poll under way answers when the challenge is re-issued, with the new one.
    const waiting = service.app.inject({
      method: 'GET',
      url: `/v1/confirmations/${confirmation.id}?wait=10`,
      headers: { authorization: basic(keeper) },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const rebound = await service.app.inject({
      method: 'POST',
      url: `/v1/confirm-pages/${confirmation.id}/rebind`,
      headers,
    });
    expect(rebound.statusCode).toBe(200);
    const page = rebound.json();
    expect(page.challenge).not.toBe(confirmation.challenge);
    const current = {
      status: 'pending',
      challenge: page.challenge,
      uri: page.uri,
      matchNumber: page.matchNumber,
      expiresAt: page.expiresAt,
    };
    const started = Date.now();
    expect((await waiting).json()).toMatchObject(current);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await status(confirmation.id)).json()).toMatchObject(current);
    expect(page.uri).toContain(`c=${page.challenge}`);

    // A site that still shows the old challenge is answered at once.
    const stale = Date.now();
    const known = await service.app.inject({
      method: 'GET',
      url: `/v1/confirmations/${confirmation.id}?wait=10&challenge=${confirmation.challenge}`,
      headers: { authorization: basic(keeper) },
    });
    expect(known.json()).toMatchObject(current);
    expect(Date.now() - stale).toBeLessThan(5000);

    const answer = (challenge: string) =>
      computeResponse(newcomer.ocraKey, {
        mode: 'payment',
        challenge,
        amount: '7.25',
        purse: 'Z123456789012',
      });
    const old = await verify(confirmation.id, await answer(confirmation.challenge));
    expect(old.statusCode).toBe(401);
    expect(old.json().error).toBe('ERR_RESPONSE_REJECTED');
    const fresh = await verify(confirmation.id, await answer(page.challenge));
    expect(fresh.statusCode).toBe(200);
    expect((await status(confirmation.id)).json()).toMatchObject({ status: 'confirmed' });
    expect((await status(confirmation.id)).json().challenge).toBeUndefined();
  });

  it('refuses consent from another signed-in account', async () => {
    const confirmation = await created('alice@example.com');
    const eve = await newUser();
    const cookie = await signInWithCookie(eve);
    const refused = await service.app.inject({
      method: 'POST',
      url: `/v1/confirm-pages/${confirmation.id}/consent`,
      headers: {
        cookie: cookie.cookie,
        'x-csrf-token': cookie.csrfToken,
        'x-page-token': tokenOf(confirmation.confirmUrl),
      },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('ERR_CONFIRMATION_ACCOUNT_MISMATCH');
  });
});

async function signInWithCookie(user: Enrolled) {
  const login = await service.app.inject({
    method: 'POST',
    url: '/v1/logins',
    payload: { email: user.email },
  });
  const { id, challenge } = login.json();
  const response = await computeResponse(user.ocraKey, { mode: 'authorization', challenge });
  const verified = await service.app.inject({
    method: 'POST',
    url: `/v1/logins/${id}/verify`,
    payload: { response, session: 'cookie' },
  });
  expect(verified.statusCode).toBe(200);
  return {
    cookie: String(verified.headers['set-cookie']).split(';')[0] as string,
    csrfToken: verified.json().csrfToken as string,
  };
}
