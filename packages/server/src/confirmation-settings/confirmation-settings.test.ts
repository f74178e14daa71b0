import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountTopic, type BusEvent } from '../events/event-bus.js';
import { deviceRequest } from '../testing/device-request.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let counter = 0;

beforeAll(async () => {
  service = await startTestService({ policy: { registrationsPerIp: 1000 } });
});
afterAll(async () => {
  await service?.close();
});

async function newUser(): Promise<Enrolled & { token: string }> {
  counter += 1;
  const user = await enroll(
    service,
    `settings${counter}@example.com`,
    `+4420795000${String(counter).padStart(2, '0')}`,
  );
  const login = (
    await service.app.inject({ method: 'POST', url: '/v1/logins', payload: { email: user.email } })
  ).json();
  const response = await computeResponse(user.ocraKey, {
    mode: 'authorization',
    challenge: login.challenge,
  });
  const verified = await service.app.inject({
    method: 'POST',
    url: `/v1/logins/${login.id}/verify`,
    payload: { response },
  });
  return { ...user, token: verified.json().session.token };
}

function call(
  user: { token: string },
  method: 'GET' | 'POST',
  url: string,
  payload?: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return service.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${user.token}`, ...headers },
    ...(payload ? { payload } : {}),
  });
}

function startChange(user: { token: string }, method: string, operations: string[]) {
  return call(user, 'POST', '/v1/account/confirmation-changes', { method, operations });
}

describe('confirmation settings (PRODUCT.md flow 9)', () => {
  it("applies a change confirmed with the app's response", async () => {
    const user = await newUser();
    const started = await startChange(user, 'app', ['payment', 'login']);
    expect(started.statusCode).toBe(201);
    const change = started.json();
    expect(change).toMatchObject({ channel: 'app', expiresAt: service.clock.now() + 300_000 });
    expect(change.challenge).toMatch(/^\d{8}$/);
    expect(change.uri).toContain('site=Cipherpad%20settings');
    expect(change.uri).toContain(`id=${change.id}`);
    // Not applied before the confirmation: still the new account's settings.
    expect((await call(user, 'GET', '/v1/account')).json().confirmation).toEqual({
      method: 'none',
      operations: [],
    });

    const response = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: change.challenge,
    });
    const verified = await call(
      user,
      'POST',
      `/v1/account/confirmation-changes/${change.id}/verify`,
      {
        response,
      },
    );
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ method: 'app', operations: ['login', 'payment'] });
    expect((await call(user, 'GET', '/v1/account')).json().confirmation).toEqual({
      method: 'app',
      operations: ['login', 'payment'],
    });
    const again = await call(user, 'POST', `/v1/account/confirmation-changes/${change.id}/verify`, {
      response,
    });
    expect(again.json().error).toBe('ERR_CHALLENGE_CLOSED');
    const events = (await call(user, 'GET', '/v1/account/activity')).json().events;
    expect(events[0]).toMatchObject({
      type: 'confirmation.changed',
      details: { method: 'app', operations: 'login,payment', channel: 'app' },
    });
  });

  it('tells the app what the change asks for, on its event stream and in its list', async () => {
    const user = await newUser();
    const heard: BusEvent[] = [];
    const unsubscribe = service.services.events.subscribe(accountTopic(user.email), (event) =>
      heard.push(event),
    );
    const change = (await startChange(user, 'sms', ['trust-limit', 'login'])).json();
    unsubscribe();
    const operation = {
      type: 'operation',
      name: 'security-settings',
      settings: { method: 'sms', operations: ['login', 'trust-limit'] },
    };
    expect(heard).toEqual([
      {
        type: 'request',
        request: expect.objectContaining({ id: change.id, site: 'Cipherpad settings', operation }),
      },
    ]);
    const pending = (await deviceRequest(service, user, 'GET', '/v1/device/requests')).json();
    expect(pending.requests[0]).toEqual(expect.objectContaining({ id: change.id, operation }));
  });

  it('applies a change approved online in the app, for the holder of the wait token', async () => {
    const user = await newUser();
    const change = (await startChange(user, 'none', [])).json();
    const pending = (await deviceRequest(service, user, 'GET', '/v1/device/requests')).json();
    expect(pending.requests[0]).toMatchObject({
      id: change.id,
      kind: 'login',
      site: 'Cipherpad settings',
    });
    const url = `/v1/account/confirmation-changes/${change.id}/verify`;
    const early = await call(user, 'POST', url, undefined, { 'x-wait-token': change.waitToken });
    expect(early.json().error).toBe('ERR_LOGIN_PENDING');
    const approved = await deviceRequest(
      service,
      user,
      'POST',
      `/v1/device/requests/${change.id}/approve`,
      { number: change.matchNumber },
    );
    expect(approved.statusCode).toBe(200);
    const status = await service.app.inject({
      method: 'GET',
      url: `/v1/logins/${change.id}/status`,
      headers: { 'x-wait-token': change.waitToken },
    });
    expect(status.json()).toEqual({ status: 'approved' });
    const wrongToken = await call(user, 'POST', url, undefined, { 'x-wait-token': 'z'.repeat(43) });
    expect(wrongToken.json().error).toBe('ERR_WAIT_TOKEN_INVALID');
    const applied = await call(user, 'POST', url, undefined, { 'x-wait-token': change.waitToken });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toEqual({ method: 'none', operations: [] });
    // An approved settings change is not a login: it opens no session.
    const redeemed = await service.app.inject({
      method: 'POST',
      url: `/v1/logins/${change.id}/session`,
      headers: { 'x-wait-token': change.waitToken },
    });
    expect(redeemed.json().error).toBe('ERR_LOGIN_NOT_FOUND');
  });

  it('counts wrong responses like a login: 3 close the change', async () => {
    const user = await newUser();
    const change = (await startChange(user, 'sms', ['login'])).json();
    const url = `/v1/account/confirmation-changes/${change.id}/verify`;
    const right = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: change.challenge,
    });
    const wrong = right.slice(0, -1) + String((Number(right.at(-1)) + 1) % 10);
    for (const left of [2, 1, 0]) {
      const refused = await call(user, 'POST', url, { response: wrong });
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED', attemptsLeft: left });
    }
    expect((await call(user, 'POST', url, { response: right })).json().error).toBe(
      'ERR_CHALLENGE_CLOSED',
    );
    // Nothing was applied: the account keeps a new account's settings.
    expect((await call(user, 'GET', '/v1/account')).json().confirmation).toEqual({
      method: 'none',
      operations: [],
    });
  });

  it('confirms with an SMS code once the method is sms', async () => {
    const user = await newUser();
    const toSms = (await startChange(user, 'sms', ['payment'])).json();
    const response = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: toSms.challenge,
    });
    await call(user, 'POST', `/v1/account/confirmation-changes/${toSms.id}/verify`, { response });

    const started = await startChange(user, 'app', ['login', 'payment']);
    expect(started.statusCode).toBe(201);
    const change = started.json();
    expect(change).toEqual({
      id: change.id,
      channel: 'sms',
      expiresAt: service.clock.now() + 300_000,
    });
    const code = await service.codeSentTo(user.phone, /confirmation settings is (\d{6})/);
    const url = `/v1/account/confirmation-changes/${change.id}/verify`;
    const wrong = await call(user, 'POST', url, {
      response: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED', attemptsLeft: 2 });
    const applied = await call(user, 'POST', url, { response: code });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toEqual({ method: 'app', operations: ['login', 'payment'] });
    expect((await call(user, 'POST', url, { response: code })).json().error).toBe(
      'ERR_CHALLENGE_CLOSED',
    );
  });

  it('refuses an SMS code after 5 minutes', async () => {
    const user = await newUser();
    const toSms = (await startChange(user, 'sms', [])).json();
    const response = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: toSms.challenge,
    });
    await call(user, 'POST', `/v1/account/confirmation-changes/${toSms.id}/verify`, { response });
    const change = (await startChange(user, 'app', [])).json();
    const code = await service.codeSentTo(user.phone, /confirmation settings is (\d{6})/);
    // The person stays active meanwhile, so the session outlives the code.
    service.clock.advance(4 * 60 * 1000);
    expect((await call(user, 'GET', '/v1/account')).statusCode).toBe(200);
    service.clock.advance(60 * 1000);
    const late = await call(user, 'POST', `/v1/account/confirmation-changes/${change.id}/verify`, {
      response: code,
    });
    expect(late.json().error).toBe('ERR_CHALLENGE_EXPIRED');
  });

  it("refuses unknown settings and another account's change", async () => {
    const user = await newUser();
    const other = await newUser();
    for (const body of [
      { method: 'email', operations: [] },
      { method: 'app', operations: ['teleport'] },
      { method: 'app', operations: ['login', 'login'] },
      { method: 'app' },
    ]) {
      const refused = await call(user, 'POST', '/v1/account/confirmation-changes', body);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toBe('ERR_VALIDATION');
    }
    const change = (await startChange(user, 'none', [])).json();
    const foreign = await call(
      other,
      'POST',
      `/v1/account/confirmation-changes/${change.id}/verify`,
      { response: '12345678' },
    );
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toBe('ERR_CHANGE_NOT_FOUND');
  });
});
