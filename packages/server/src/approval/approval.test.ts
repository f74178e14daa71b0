import { createHash } from 'node:crypto';
import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceAuthorization, deviceRequest } from '../testing/device-request.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let alice: Enrolled;
let counter = 0;

beforeAll(async () => {
  service = await startTestService({ policy: { registrationsPerIp: 1000 } });
  alice = await enroll(service, 'alice@example.com', '+442079470000');
});
afterAll(async () => {
  await service?.close();
});

interface Started {
  id: string;
  challenge: string;
  matchNumber: string;
  waitToken: string;
  expiresAt: number;
}

async function startLogin(email: string, ip = '203.0.113.7'): Promise<Started> {
  const response = await service.app.inject({
    method: 'POST',
    url: '/v1/logins',
    payload: { email },
    remoteAddress: ip,
  });
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function newUser(): Promise<Enrolled> {
  counter += 1;
  return enroll(
    service,
    `approver${counter}@example.com`,
    `+4420794710${String(counter).padStart(2, '0')}`,
  );
}

function status(id: string, waitToken: string | undefined, wait?: number) {
  return service.app.inject({
    method: 'GET',
    url: `/v1/logins/${id}/status${wait === undefined ? '' : `?wait=${wait}`}`,
    headers: waitToken === undefined ? {} : { 'x-wait-token': waitToken },
  });
}

function redeem(id: string, waitToken: string, payload?: Record<string, unknown>) {
  return service.app.inject({
    method: 'POST',
    url: `/v1/logins/${id}/session`,
    headers: { 'x-wait-token': waitToken },
    ...(payload ? { payload } : {}),
  });
}

function approve(user: Enrolled, id: string, number: string) {
  return deviceRequest(service, user, 'POST', `/v1/device/requests/${id}/approve`, { number });
}

/** Another two-digit number than `number`. */
function otherNumber(number: string): string {
  return number === '10' ? '11' : '10';
}

describe('online approval with number matching (PRODUCT.md flow 8)', () => {
  it('gives every login a number to match and a wait token, keeping only its hash', async () => {
    const login = await startLogin('alice@example.com');
    expect(login.matchNumber).toMatch(/^[1-9][0-9]$/);
    expect(login.waitToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await service.services.db
      .selectFrom('challenges')
      .select(['wait_token_hash', 'match_number', 'ip'])
      .where('id', '=', login.id)
      .executeTakeFirstOrThrow();
    expect(row.wait_token_hash).toBe(
      createHash('sha256').update(login.waitToken).digest('base64url'),
    );
    expect(row.wait_token_hash).not.toContain(login.waitToken);
    expect(row.match_number).toBe(login.matchNumber);
    expect(row.ip).toBe('203.0.113.7');
  });

  it('draws the numbers from 10 to 99', async () => {
    const numbers = new Set<string>();
    for (let i = 0; i < 40; i++) numbers.add((await startLogin('alice@example.com')).matchNumber);
    for (const number of numbers) {
      expect(Number(number)).toBeGreaterThanOrEqual(10);
      expect(Number(number)).toBeLessThanOrEqual(99);
    }
    expect(numbers.size).toBeGreaterThan(10);
  });

  it('shows the pending login to the app, without the number, and opens the session once after approval', async () => {
    const login = await startLogin('alice@example.com');
    const listed = await deviceRequest(service, alice, 'GET', '/v1/device/requests');
    expect(listed.statusCode).toBe(200);
    const mine = listed.json().requests.find((r: { id: string }) => r.id === login.id);
    expect(mine).toEqual({
      id: login.id,
      kind: 'login',
      challenge: login.challenge,
      site: null,
      ip: '203.0.113.7',
      createdAt: service.clock.now(),
      expiresAt: login.expiresAt,
    });
    expect(listed.body).not.toContain('matchNumber');

    expect((await status(login.id, login.waitToken)).json()).toEqual({ status: 'pending' });
    const early = await redeem(login.id, login.waitToken);
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toBe('ERR_LOGIN_PENDING');

    const approved = await approve(alice, login.id, login.matchNumber);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toEqual({ status: 'approved' });
    expect((await status(login.id, login.waitToken)).json()).toEqual({ status: 'approved' });

    const after = await deviceRequest(service, alice, 'GET', '/v1/device/requests');
    expect(after.json().requests.some((r: { id: string }) => r.id === login.id)).toBe(false);

    const session = await redeem(login.id, login.waitToken);
    expect(session.statusCode).toBe(200);
    expect(session.json().account).toEqual({ id: alice.accountId, email: 'alice@example.com' });
    expect(session.json().deviceId).toBe(alice.deviceId);
    const who = await service.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: { authorization: `Bearer ${session.json().session.token}` },
    });
    expect(who.json().account.id).toBe(alice.accountId);

    const again = await redeem(login.id, login.waitToken);
    expect(again.statusCode).toBe(410);
    expect(again.json().error).toBe('ERR_CHALLENGE_CLOSED');
    expect((await status(login.id, login.waitToken)).json()).toEqual({ status: 'closed' });
  });

  it('redeems an approval exactly once under concurrent requests', async () => {
    const login = await startLogin('alice@example.com');
    expect((await approve(alice, login.id, login.matchNumber)).statusCode).toBe(200);
    const succeeded = () =>
      service.services.db
        .selectFrom('audit_events')
        .select('id')
        .where('type', '=', 'login.succeeded')
        .where('account_id', '=', alice.accountId)
        .execute();
    const before = (await succeeded()).length;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => redeem(login.id, login.waitToken)),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const result of results.filter((r) => r.statusCode !== 200)) {
      expect(result.json().error).toBe('ERR_CHALLENGE_CLOSED');
    }
    expect(results.filter((r) => r.statusCode !== 200)).toHaveLength(7);
    // One session opened, one success logged: the seven losers left nothing behind.
    expect((await succeeded()).length).toBe(before + 1);
  });

  it('answers the status and the session only to the holder of the wait token', async () => {
    const login = await startLogin('alice@example.com');
    for (const token of [undefined, 'x'.repeat(43), `${login.waitToken}x`]) {
      const refused = await status(login.id, token);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toBe('ERR_WAIT_TOKEN_INVALID');
    }
    expect((await approve(alice, login.id, login.matchNumber)).statusCode).toBe(200);
    const stolen = await redeem(login.id, 'y'.repeat(43));
    expect(stolen.statusCode).toBe(403);
    expect(stolen.json().error).toBe('ERR_WAIT_TOKEN_INVALID');
    expect((await status('0'.repeat(32), login.waitToken)).json().error).toBe(
      'ERR_LOGIN_NOT_FOUND',
    );
  });

  it('opens a cookie session when the site asks for one', async () => {
    const login = await startLogin('alice@example.com');
    await approve(alice, login.id, login.matchNumber);
    const session = await redeem(login.id, login.waitToken, { session: 'cookie' });
    expect(session.statusCode).toBe(200);
    expect(session.json().session.token).toBeUndefined();
    expect(session.json().csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(String(session.headers['set-cookie'])).toMatch(
      /^cp_session=[0-9a-f]{32}[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/,
    );
  });

  it('closes the login after 3 wrong numbers, without counting them toward the account block', async () => {
    const bob = await newUser();
    const login = await startLogin(bob.email);
    const wrong = otherNumber(login.matchNumber);
    const first = await approve(bob, login.id, wrong);
    expect(first.statusCode).toBe(401);
    expect(first.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED', attemptsLeft: 2 });
    expect((await approve(bob, login.id, wrong)).json().attemptsLeft).toBe(1);
    expect((await approve(bob, login.id, wrong)).json().attemptsLeft).toBe(0);
    const closed = await approve(bob, login.id, login.matchNumber);
    expect(closed.statusCode).toBe(410);
    expect(closed.json().error).toBe('ERR_CHALLENGE_CLOSED');
    expect((await status(login.id, login.waitToken)).json()).toEqual({ status: 'closed' });
    // Only the owner's signed device sends a number: it must not run the account into a block.
    const account = await service.services.db
      .selectFrom('accounts')
      .select(['failed_attempts', 'block_level'])
      .where('id', '=', bob.accountId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ failed_attempts: 0, block_level: 0 });
  });

  it('never blocks the account for wrong numbers, however many, and the right one still approves', async () => {
    const carol = await newUser();
    for (let i = 0; i < 8; i++) {
      const login = await startLogin(carol.email);
      const refused = await approve(carol, login.id, otherNumber(login.matchNumber));
      expect(refused.json().error).toBe('ERR_RESPONSE_REJECTED');
    }
    const login = await startLogin(carol.email);
    const approved = await approve(carol, login.id, login.matchNumber);
    expect(approved.statusCode).toBe(200);
    const failed = await service.services.db
      .selectFrom('audit_events')
      .select('details')
      .where('account_id', '=', carol.accountId)
      .where('type', '=', 'login.failed')
      .execute();
    expect(failed).toHaveLength(8);
    expect(failed.every((row) => row.details === '{"method":"approval"}')).toBe(true);
  });

  it('lets the app deny a login: it cannot succeed and the log marks it suspicious', async () => {
    const dave = await newUser();
    const login = await startLogin(dave.email, '198.51.100.23');
    const denied = await deviceRequest(
      service,
      dave,
      'POST',
      `/v1/device/requests/${login.id}/deny`,
    );
    expect(denied.statusCode).toBe(200);
    expect(denied.json()).toEqual({ status: 'denied' });
    expect((await status(login.id, login.waitToken)).json()).toEqual({ status: 'denied' });
    expect((await redeem(login.id, login.waitToken)).json().error).toBe('ERR_CHALLENGE_CLOSED');
    const response = await computeResponse(dave.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    const typed = await service.app.inject({
      method: 'POST',
      url: `/v1/logins/${login.id}/verify`,
      payload: { response },
    });
    expect(typed.json().error).toBe('ERR_CHALLENGE_CLOSED');
    const event = await service.services.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', dave.accountId)
      .where('type', '=', 'login.denied')
      .executeTakeFirstOrThrow();
    expect(event.ip).toBe('198.51.100.23');
    expect(event.device_id).toBe(dave.deviceId);
    expect(JSON.parse(event.details ?? '{}').suspicious).toBe(true);
  });

  it("hides another account's requests from a device", async () => {
    const eve = await newUser();
    const login = await startLogin('alice@example.com');
    const listed = await deviceRequest(service, eve, 'GET', '/v1/device/requests');
    expect(listed.json().requests.some((r: { id: string }) => r.id === login.id)).toBe(false);
    for (const action of ['approve', 'deny']) {
      const refused = await deviceRequest(
        service,
        eve,
        'POST',
        `/v1/device/requests/${login.id}/${action}`,
        action === 'approve' ? { number: login.matchNumber } : undefined,
      );
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error).toBe('ERR_LOGIN_NOT_FOUND');
    }
    expect((await status(login.id, login.waitToken)).json()).toEqual({ status: 'pending' });
  });

  it('gives a decoy login a number and a token too, and it stays pending until it expires', async () => {
    const login = await startLogin('nobody@example.com');
    expect(login.matchNumber).toMatch(/^[1-9][0-9]$/);
    expect((await status(login.id, login.waitToken)).json()).toEqual({ status: 'pending' });
    service.clock.advance(5 * 60 * 1000);
    expect((await status(login.id, login.waitToken)).json()).toEqual({ status: 'expired' });
  });

  it('refuses to approve an expired login', async () => {
    const login = await startLogin('alice@example.com');
    service.clock.advance(5 * 60 * 1000);
    const late = await approve(alice, login.id, login.matchNumber);
    expect(late.statusCode).toBe(410);
    expect(late.json().error).toBe('ERR_CHALLENGE_EXPIRED');
  });

  it('answers a long poll as soon as the app approves', async () => {
    const login = await startLogin('alice@example.com');
    const started = Date.now();
    const waiting = status(login.id, login.waitToken, 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await approve(alice, login.id, login.matchNumber)).statusCode).toBe(200);
    const answer = await waiting;
    expect(answer.json()).toEqual({ status: 'approved' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('ends a long poll after the time asked for when nothing changes', async () => {
    const login = await startLogin('alice@example.com');
    const started = Date.now();
    const answer = await status(login.id, login.waitToken, 1);
    expect(answer.json()).toEqual({ status: 'pending' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('device authentication', () => {
  it('refuses a missing, malformed or foreign signature', async () => {
    const url = '/v1/device/requests';
    const ts = service.clock.now();
    const frank = await newUser();
    const forged = await deviceAuthorization(
      { deviceId: alice.deviceId, signingKey: frank.signingKey },
      'GET',
      url,
      ts,
    );
    for (const authorization of [
      '',
      'Bearer abc',
      `Cipherpad-Device id=${alice.deviceId},ts=${ts},sig=AAAA`,
      forged,
    ]) {
      const refused = await deviceRequest(service, alice, 'GET', url, undefined, {
        authorization,
      });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error).toBe('ERR_DEVICE_AUTH');
    }
  });

  it('refuses a timestamp more than 120 s away from the clock', async () => {
    for (const offset of [-121_000, 121_000]) {
      const refused = await deviceRequest(service, alice, 'GET', '/v1/device/requests', undefined, {
        ts: service.clock.now() + offset,
      });
      expect(refused.json().error).toBe('ERR_DEVICE_AUTH');
    }
    const near = await deviceRequest(service, alice, 'GET', '/v1/device/requests', undefined, {
      ts: service.clock.now() - 119_000,
    });
    expect(near.statusCode).toBe(200);
  });

  it('accepts a signed request once', async () => {
    const url = '/v1/device/requests';
    const authorization = await deviceAuthorization(alice, 'GET', url, service.clock.now());
    const first = await deviceRequest(service, alice, 'GET', url, undefined, { authorization });
    expect(first.statusCode).toBe(200);
    const replay = await deviceRequest(service, alice, 'GET', url, undefined, { authorization });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toBe('ERR_DEVICE_AUTH');
  });

  it('binds the signature to the method, the path and the body', async () => {
    const login = await startLogin('alice@example.com');
    const url = `/v1/device/requests/${login.id}/approve`;
    const ts = service.clock.now();
    const signedOther = await deviceAuthorization(
      alice,
      'POST',
      url,
      ts,
      JSON.stringify({ number: '00' }),
    );
    const tampered = await deviceRequest(
      service,
      alice,
      'POST',
      url,
      { number: login.matchNumber },
      { authorization: signedOther },
    );
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().error).toBe('ERR_DEVICE_AUTH');
    const elsewhere = await deviceAuthorization(alice, 'GET', '/v1/device/requests', ts);
    const moved = await deviceRequest(service, alice, 'POST', `${url}`, undefined, {
      authorization: elsewhere,
    });
    expect(moved.json().error).toBe('ERR_DEVICE_AUTH');
  });
});

describe('the event stream of the app', () => {
  it('sends a request when a login starts and closed when it is answered', async () => {
    const address = await service.app.listen({ port: 0, host: '127.0.0.1' });
    const url = '/v1/device/events';
    const authorization = await deviceAuthorization(alice, 'GET', url, service.clock.now());
    const controller = new AbortController();
    const response = await fetch(`${address}${url}`, {
      headers: { authorization },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(': connected');
    const login = await startLogin('alice@example.com');
    await readUntil(`"id":"${login.id}"`);
    expect(text).toContain(`event: request\ndata: {"id":"${login.id}","kind":"login"`);
    expect(text).not.toContain(login.matchNumber === '' ? 'never' : `"matchNumber"`);
    await approve(alice, login.id, login.matchNumber);
    await readUntil(`event: closed\ndata: {"id":"${login.id}"}`);
    controller.abort();
  });
});
