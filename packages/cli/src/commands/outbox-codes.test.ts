import { randomBytes } from 'node:crypto';
import { computeResponse } from '@cipherpad/core';
import {
  activateWithCode,
  enroll,
  registerSite,
  signIn,
  type TestService,
} from '@cipherpad/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli } from '../testing/run-cli.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { codeInMessage } from './outbox.js';

/**
 * `cipherpad outbox --code` over every kind of message the service sends with a code, each
 * made by the service itself: the code the command prints is the one the newest message
 * holds, and the service accepts it.
 */
let server: TestServer;
let service: TestService;
let accounts = 0;

beforeAll(async () => {
  server = await startTestServer();
  service = server.service;
});

afterAll(async () => {
  await server.close();
  cleanup();
});

/** `cipherpad outbox --code --to ADDRESS`, checked to come from the newest message to it. */
async function outboxCode(to: string): Promise<string> {
  const result = await cli(['outbox', '--to', to, '--code', '--server', server.url]);
  expect(result).toMatchObject({ status: 0, stderr: '' });
  const code = result.stdout.replace(/\n$/, '');
  expect(code).toMatch(/^(\d{6}|\d{8})$/);
  const [newest] = await service.services.db
    .selectFrom('outbox')
    .select('body')
    .where('recipient', '=', to)
    .orderBy('id', 'desc')
    .limit(1)
    .execute();
  expect(newest?.body).toContain(code);
  return code;
}

function call(token: string, url: string, payload?: object, method: 'POST' | 'PATCH' = 'POST') {
  return service.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
}

/** A new account with one device, signed in. */
async function newAccount() {
  accounts += 1;
  const n = String(accounts).padStart(2, '0');
  const user = await enroll(service, `codes${n}@example.com`, `+4420794800${n}`);
  const { token } = await signIn(service, user);
  return { ...user, token };
}

describe('cipherpad outbox --code finds the code in every message that carries one', () => {
  it('registration: the email and the SMS code, then the activation code', async () => {
    const email = 'newcomer@example.com';
    const phone = '+447700900777';
    const started = await service.app.inject({
      method: 'POST',
      url: '/v1/registrations',
      payload: { email, phone },
    });
    expect(started.statusCode).toBe(201);
    const { id } = started.json() as { id: string };
    for (const [channel, to] of [
      ['email', email],
      ['phone', phone],
    ] as const) {
      const code = await outboxCode(to);
      expect(code).toHaveLength(6);
      const verified = await service.app.inject({
        method: 'POST',
        url: `/v1/registrations/${id}/${channel}-verification`,
        payload: { code },
      });
      expect([channel, verified.statusCode]).toEqual([channel, 200]);
    }
    const activation = await outboxCode(phone);
    expect(activation).toHaveLength(8);
    const device = await activateWithCode(service, email, activation);
    expect(device.deviceId).toEqual(expect.any(String));
  });

  it('a change of the confirmation settings confirmed by SMS', async () => {
    const user = await newAccount();
    const toSms = await call(user.token, '/v1/account/confirmation-changes', {
      method: 'sms',
      operations: ['payment'],
    });
    const response = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: toSms.json().challenge,
    });
    const applied = await call(
      user.token,
      `/v1/account/confirmation-changes/${toSms.json().id}/verify`,
      { response },
    );
    expect(applied.statusCode).toBe(200);
    const change = await call(user.token, '/v1/account/confirmation-changes', {
      method: 'app',
      operations: [],
    });
    expect(change.json().channel).toBe('sms');
    const code = await outboxCode(user.phone);
    const confirmed = await call(
      user.token,
      `/v1/account/confirmation-changes/${change.json().id}/verify`,
      { response: code },
    );
    expect(confirmed.statusCode).toBe(200);
  });

  it('device operations confirmed by SMS, whatever digits the device name holds', async () => {
    const user = await newAccount();
    // A name with digits and the words around a code: only the service's own words count.
    const renamed = await call(
      user.token,
      `/v1/account/devices/${user.deviceId}`,
      { name: 'Pixel 8 code is 12345678 is 654321' },
      'PATCH',
    );
    expect(renamed.statusCode).toBe(200);
    // As a session not opened by a device leaves them when no device is active (the device
    // operations' own test does the same): only then are device operations confirmed by SMS.
    await service.services.db
      .updateTable('sessions')
      .set({ device_id: null })
      .where('account_id', '=', user.accountId)
      .execute();
    await service.services.db
      .updateTable('devices')
      .set({ status: 'deactivated' })
      .where('account_id', '=', user.accountId)
      .execute();
    for (const operation of [
      { operation: 'show-activation' },
      { operation: 'deactivate-device', deviceId: user.deviceId },
    ]) {
      const started = await call(user.token, '/v1/account/confirmations', operation);
      expect(started.json()).toMatchObject({ channel: 'sms' });
      const code = await outboxCode(user.phone);
      const confirmed = await call(
        user.token,
        `/v1/account/confirmations/${started.json().id}/verify`,
        { response: code },
      );
      expect([operation.operation, confirmed.statusCode]).toEqual([operation.operation, 200]);
    }
  });

  it("a relying site's SMS confirmation of a payment and of an operation", async () => {
    const site = await registerSite(
      { db: service.services.db, secrets: service.services.secrets, now: service.clock.now() },
      { name: 'Keeper Demo 24' },
    );
    const basic = `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`;
    const phone = '+447700900888';
    for (const operation of [
      { type: 'payment', amount: '25.50', currency: 'WMZ', purse: 'Z123456789012' },
      { type: 'operation', name: 'trust-limit' },
    ]) {
      const created = await service.app.inject({
        method: 'POST',
        url: '/v1/sms-confirmations',
        headers: { authorization: basic, 'idempotency-key': randomBytes(8).toString('hex') },
        payload: { phone, operation },
      });
      expect(created.statusCode).toBe(201);
      const code = await outboxCode(phone);
      const verified = await service.app.inject({
        method: 'POST',
        url: `/v1/sms-confirmations/${created.json().id}/verify`,
        headers: { authorization: basic },
        payload: { code },
      });
      expect([operation.type, verified.statusCode]).toEqual([operation.type, 200]);
    }
  });

  it('finds a code in every SMS of these journeys and in no email but the registration one', async () => {
    const sent = await service.services.db
      .selectFrom('outbox')
      .select(['channel', 'subject', 'body'])
      .execute();
    // 11 SMS: 3 registrations and activations, a settings change, 2 device operations and
    // 2 site confirmations; 6 emails: 3 registrations and 3 new devices.
    expect(sent.filter((message) => message.channel === 'sms')).toHaveLength(11);
    expect(sent.filter((message) => message.channel === 'email')).toHaveLength(6);
    for (const message of sent) {
      const code = codeInMessage(message.body);
      const holdsOne =
        message.channel === 'sms' || message.subject === 'Confirm your email for Cipherpad';
      expect([message.body, code !== null]).toEqual([message.body, holdsOne]);
      if (code !== null) expect(message.body).toContain(code);
    }
  });
});
