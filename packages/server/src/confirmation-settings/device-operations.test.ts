import {
  computeResponse,
  createDeviceKeyPair,
  createSigningKeyPair,
  exportPublicKey,
  exportSigningPublicKey,
  parseQrUri,
} from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountTopic, type BusEvent } from '../events/event-bus.js';
import { confirmDeviceOperation } from '../testing/confirm-device-operation.js';
import { deviceRequest } from '../testing/device-request.js';
import { activateWithCode, type Enrolled, enroll } from '../testing/enroll.js';
import { signIn } from '../testing/sign-in.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let counter = 0;

beforeAll(async () => {
  service = await startTestService({
    policy: {
      registrationsPerIp: 1000,
      activationsPerIp: 1000,
      confirmationChangesPerAccount: 100,
    },
  });
});
afterAll(async () => {
  await service?.close();
});

type User = Enrolled & { token: string };

async function newUser(): Promise<User> {
  counter += 1;
  const user = await enroll(
    service,
    `devices${counter}@example.com`,
    `+4420795200${String(counter).padStart(2, '0')}`,
  );
  return { ...user, token: (await signIn(service, user)).token };
}

function call(
  token: string,
  url: string,
  payload?: Record<string, unknown>,
  headers: Record<string, string> = {},
  method: 'GET' | 'POST' = 'POST',
) {
  return service.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(payload ? { payload } : {}),
  });
}

const showQr = (user: User, confirmation?: string) =>
  call(user.token, '/v1/account/activation-qr', confirmation ? { confirmation } : undefined);
const deactivate = (user: User, deviceId: string, confirmation?: string) =>
  call(
    user.token,
    `/v1/account/devices/${deviceId}/deactivate`,
    confirmation ? { confirmation } : undefined,
  );
const confirm = (user: User, operation: string, deviceId?: string) =>
  confirmDeviceOperation(service, user.token, user, {
    operation,
    ...(deviceId ? { deviceId } : {}),
  });

/** A second device of the user's account, enrolled with a confirmed activation QR code. */
async function secondDevice(user: User) {
  const qr = parseQrUri((await showQr(user, await confirm(user, 'show-activation'))).json().uri);
  if (qr.kind !== 'activate') throw new Error('not an activation QR');
  return activateWithCode(service, qr.email, qr.code, '198.51.100.7');
}

async function deviceStatus(deviceId: string): Promise<string> {
  const row = await service.services.db
    .selectFrom('devices')
    .select('status')
    .where('id', '=', deviceId)
    .executeTakeFirstOrThrow();
  return row.status;
}

describe('device operations need a fresh confirmation from an activated device', () => {
  it('refuses the activation QR code and the deactivation with nothing but the session', async () => {
    const user = await newUser();
    const qr = await showQr(user);
    expect(qr.statusCode).toBe(403);
    expect(qr.json().error).toBe('ERR_OPERATION_CONFIRMATION_REQUIRED');
    expect(qr.body).not.toContain('cipherpad:activate');
    const off = await deactivate(user, user.deviceId);
    expect(off.statusCode).toBe(403);
    expect(off.json().error).toBe('ERR_OPERATION_CONFIRMATION_REQUIRED');
    expect(await deviceStatus(user.deviceId)).toBe('active');
    // No activation code was made for the refused QR code.
    const codes = await service.services.db
      .selectFrom('activation_codes')
      .select('id')
      .where('account_id', '=', user.accountId)
      .where('channel', '=', 'qr')
      .execute();
    expect(codes).toEqual([]);
    // An id that confirms nothing is no better.
    const made = await call(user.token, '/v1/account/confirmations', {
      operation: 'show-activation',
    });
    expect(made.statusCode).toBe(201);
    for (const confirmation of [made.json().id, '0'.repeat(32)]) {
      const refused = await showQr(user, confirmation);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toBe('ERR_OPERATION_CONFIRMATION_INVALID');
    }
  });

  it('shows the QR code once per confirmation, and the app is told what it confirms', async () => {
    const user = await newUser();
    const started = (
      await call(user.token, '/v1/account/confirmations', { operation: 'show-activation' })
    ).json();
    expect(started).toMatchObject({ channel: 'app', expiresAt: service.clock.now() + 300_000 });
    const pending = (await deviceRequest(service, user, 'GET', '/v1/device/requests')).json();
    expect(pending.requests[0]).toMatchObject({
      id: started.id,
      site: 'Cipherpad settings',
      operation: { type: 'operation', name: 'add-device' },
    });
    const response = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: started.challenge,
    });
    const verified = await call(user.token, `/v1/account/confirmations/${started.id}/verify`, {
      response,
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({
      confirmation: started.id,
      operation: 'show-activation',
      deviceId: null,
      usableUntil: service.clock.now() + 120_000,
    });
    const qr = await showQr(user, started.id);
    expect(qr.statusCode).toBe(200);
    expect(qr.json().uri).toMatch(/^cipherpad:activate\?/);
    const reused = await showQr(user, started.id);
    expect(reused.json().error).toBe('ERR_OPERATION_CONFIRMATION_INVALID');
    const events = (await call(user.token, '/v1/account/activity', undefined, {}, 'GET')).json()
      .events;
    expect(events.slice(0, 2)).toMatchObject([
      { type: 'activation.qr-issued' },
      {
        type: 'device.operation-confirmed',
        details: { operation: 'show-activation', channel: 'app' },
      },
    ]);
  });

  it('shows one QR code for 20 concurrent uses of one confirmation', async () => {
    const user = await newUser();
    const confirmation = await confirm(user, 'show-activation');
    const answers = await Promise.all(Array.from({ length: 20 }, () => showQr(user, confirmation)));
    expect(answers.filter((answer) => answer.statusCode === 200)).toHaveLength(1);
    expect(
      answers.filter((answer) => answer.statusCode !== 200).map((answer) => answer.json().error),
    ).toEqual(Array(19).fill('ERR_OPERATION_CONFIRMATION_INVALID'));
  });

  it('refuses a confirmation given for another operation, another device or another account', async () => {
    const user = await newUser();
    const second = await secondDevice(user);
    const forQr = await confirm(user, 'show-activation');
    expect((await deactivate(user, second.deviceId, forQr)).json().error).toBe(
      'ERR_OPERATION_CONFIRMATION_INVALID',
    );
    const forSecond = await confirm(user, 'deactivate-device', second.deviceId);
    expect((await showQr(user, forSecond)).json().error).toBe('ERR_OPERATION_CONFIRMATION_INVALID');
    expect((await deactivate(user, user.deviceId, forSecond)).json().error).toBe(
      'ERR_OPERATION_CONFIRMATION_INVALID',
    );
    expect(await deviceStatus(user.deviceId)).toBe('active');
    const stranger = await newUser();
    expect((await showQr(stranger, forQr)).json().error).toBe('ERR_OPERATION_CONFIRMATION_INVALID');
    // Each refusal left the confirmations unused: the right operation still takes them.
    expect((await showQr(user, forQr)).statusCode).toBe(200);
    const off = await deactivate(user, second.deviceId, forSecond);
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id: second.deviceId, status: 'deactivated' });
    expect((await deactivate(user, second.deviceId, forSecond)).json().error).toBe(
      'ERR_OPERATION_CONFIRMATION_INVALID',
    );
  });

  it('refuses a confirmation not used within two minutes, and a challenge answered too late', async () => {
    const user = await newUser();
    const second = await secondDevice(user);
    const late = await confirm(user, 'deactivate-device', second.deviceId);
    service.clock.advance(120_000);
    expect((await deactivate(user, second.deviceId, late)).json().error).toBe(
      'ERR_OPERATION_CONFIRMATION_INVALID',
    );
    expect(await deviceStatus(second.deviceId)).toBe('active');

    const started = (
      await call(user.token, '/v1/account/confirmations', { operation: 'show-activation' })
    ).json();
    // The person stays active meanwhile, so the session outlives the challenge.
    service.clock.advance(240_000);
    expect((await call(user.token, '/v1/account', undefined, {}, 'GET')).statusCode).toBe(200);
    service.clock.advance(60_000);
    const response = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: started.challenge,
    });
    const expired = await call(user.token, `/v1/account/confirmations/${started.id}/verify`, {
      response,
    });
    expect(expired.json().error).toBe('ERR_CHALLENGE_EXPIRED');
    expect((await showQr(user, started.id)).json().error).toBe(
      'ERR_OPERATION_CONFIRMATION_INVALID',
    );
  });

  it('confirms a deactivation approved online with the number to match, naming the device', async () => {
    const user = await newUser();
    const second = await secondDevice(user);
    const started = await call(user.token, '/v1/account/confirmations', {
      operation: 'deactivate-device',
      deviceId: second.deviceId,
    });
    const { id, matchNumber, waitToken } = started.json();
    const pending = (await deviceRequest(service, user, 'GET', '/v1/device/requests')).json();
    expect(pending.requests[0]).toMatchObject({
      id,
      operation: { type: 'operation', name: 'deactivate-device', description: 'Test device' },
    });
    expect(pending.requests[0]).not.toHaveProperty('matchNumber');
    const url = `/v1/account/confirmations/${id}/verify`;
    expect(
      (await call(user.token, url, undefined, { 'x-wait-token': waitToken })).json().error,
    ).toBe('ERR_LOGIN_PENDING');
    const wrongNumber = await deviceRequest(
      service,
      user,
      'POST',
      `/v1/device/requests/${id}/approve`,
      {
        number: matchNumber === '99' ? '98' : '99',
      },
    );
    expect(wrongNumber.statusCode).not.toBe(200);
    const approved = await deviceRequest(
      service,
      user,
      'POST',
      `/v1/device/requests/${id}/approve`,
      {
        number: matchNumber,
      },
    );
    expect(approved.statusCode).toBe(200);
    const verified = await call(user.token, url, undefined, { 'x-wait-token': waitToken });
    expect(verified.json()).toMatchObject({
      operation: 'deactivate-device',
      deviceId: second.deviceId,
    });
    expect((await deactivate(user, second.deviceId, id)).json().status).toBe('deactivated');
  });

  it('keeps settings changes and device operations apart', async () => {
    const user = await newUser();
    const device = (
      await call(user.token, '/v1/account/confirmations', { operation: 'show-activation' })
    ).json();
    const settings = (
      await call(user.token, '/v1/account/confirmation-changes', { method: 'none', operations: [] })
    ).json();
    const answer = (challenge: string) =>
      computeResponse(user.ocraKey, { mode: 'authorization', challenge });
    const crossed = await call(user.token, `/v1/account/confirmation-changes/${device.id}/verify`, {
      response: await answer(device.challenge),
    });
    expect(crossed.json().error).toBe('ERR_CHANGE_NOT_FOUND');
    const crossedBack = await call(user.token, `/v1/account/confirmations/${settings.id}/verify`, {
      response: await answer(settings.challenge),
    });
    expect(crossedBack.json().error).toBe('ERR_CHANGE_NOT_FOUND');
    // A confirmed settings change is not a confirmation of a device operation.
    const applied = await call(
      user.token,
      `/v1/account/confirmation-changes/${settings.id}/verify`,
      {
        response: await answer(settings.challenge),
      },
    );
    expect(applied.statusCode).toBe(200);
    expect((await showQr(user, settings.id)).json().error).toBe(
      'ERR_OPERATION_CONFIRMATION_INVALID',
    );
  });

  it('asks the app even when the person confirms nothing, or confirms settings by SMS', async () => {
    const user = await newUser();
    // A new account confirms no operation (method none): device operations are confirmed anyway.
    expect(
      (await call(user.token, '/v1/account', undefined, {}, 'GET')).json().confirmation,
    ).toEqual({ method: 'none', operations: [] });
    const change = (
      await call(user.token, '/v1/account/confirmation-changes', { method: 'sms', operations: [] })
    ).json();
    const response = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: change.challenge,
    });
    await call(user.token, `/v1/account/confirmation-changes/${change.id}/verify`, { response });
    const started = await call(user.token, '/v1/account/confirmations', {
      operation: 'show-activation',
    });
    // An SMS code is what a thief of the phone number could get: with a device active, the device.
    expect(started.json().channel).toBe('app');
    expect(started.json().challenge).toMatch(/^\d{8}$/);
  });

  it('refuses unknown operations and devices not on the account', async () => {
    const user = await newUser();
    const stranger = await newUser();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ operation: 'rename-device', deviceId: user.deviceId }, 400, 'ERR_VALIDATION'],
      [{ operation: 'deactivate-device' }, 400, 'ERR_VALIDATION'],
      [
        { operation: 'deactivate-device', deviceId: stranger.deviceId },
        404,
        'ERR_DEVICE_NOT_FOUND',
      ],
    ];
    for (const [body, status, error] of cases) {
      const refused = await call(user.token, '/v1/account/confirmations', body);
      expect(refused.statusCode).toBe(status);
      expect(refused.json().error).toBe(error);
    }
  });
});

describe('a person with no active device left', () => {
  it('confirms with the SMS code sent to the registered phone', async () => {
    const user = await newUser();
    // Such a session is one not opened by a device (account recovery opens them); the rows are
    // set as it leaves them: the session holds no device, and no device is active.
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
    const started = await call(user.token, '/v1/account/confirmations', {
      operation: 'show-activation',
    });
    expect(started.statusCode).toBe(201);
    expect(started.json()).toEqual({
      id: expect.any(String),
      channel: 'sms',
      expiresAt: service.clock.now() + 300_000,
    });
    const code = await service.codeSentTo(user.phone, /code to add a new device is (\d{6})/);
    const url = `/v1/account/confirmations/${started.json().id}/verify`;
    const wrong = await call(user.token, url, {
      response: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.json()).toMatchObject({ error: 'ERR_RESPONSE_REJECTED', attemptsLeft: 2 });
    expect((await showQr(user, started.json().id)).json().error).toBe(
      'ERR_OPERATION_CONFIRMATION_INVALID',
    );
    const right = await call(user.token, url, { response: code });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toMatchObject({ operation: 'show-activation', deviceId: null });
    const qr = parseQrUri((await showQr(user, started.json().id)).json().uri);
    if (qr.kind !== 'activate') throw new Error('not an activation QR');
    const fresh = await activateWithCode(service, qr.email, qr.code);
    expect(await deviceStatus(fresh.deviceId)).toBe('active');
    const events = (await call(user.token, '/v1/account/activity', undefined, {}, 'GET')).json()
      .events;
    expect(events.map((event: { type: string }) => event.type)).toContain(
      'device.operation-confirmed',
    );
    expect(
      events.find((e: { type: string }) => e.type === 'device.operation-confirmed').details,
    ).toEqual({ operation: 'show-activation', channel: 'sms' });
  });
});

describe('a new device is announced to the owner', () => {
  it('emails the account and logs the activation with its time, address and name', async () => {
    const user = await newUser();
    const qr = parseQrUri((await showQr(user, await confirm(user, 'show-activation'))).json().uri);
    if (qr.kind !== 'activate') throw new Error('not an activation QR');
    const at = service.clock.now();
    const heard: BusEvent[] = [];
    const unsubscribe = service.services.events.subscribe(accountTopic(user.email), (event) =>
      heard.push(event),
    );
    const agreement = await createDeviceKeyPair(false);
    const signing = await createSigningKeyPair(false);
    const activated = await service.app.inject({
      method: 'POST',
      url: '/v1/devices/activate',
      remoteAddress: '203.0.113.44',
      payload: {
        email: qr.email,
        code: qr.code,
        name: 'Mallory’s phone',
        kind: 'app',
        agreementKey: await exportPublicKey(agreement.publicKey),
        signingKey: await exportSigningPublicKey(signing.publicKey),
      },
    });
    expect(activated.statusCode).toBe(201);
    unsubscribe();
    // The account's open apps hear of it on their event stream.
    expect(heard).toEqual([
      {
        type: 'device-activated',
        device: {
          id: activated.json().deviceId,
          name: 'Mallory’s phone',
          ip: '203.0.113.44',
          at,
        },
      },
    ]);
    const mail = await service.services.db
      .selectFrom('outbox')
      .select(['channel', 'subject', 'body'])
      .where('recipient', '=', user.email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail).toEqual({
      channel: 'email',
      subject: 'A new device was activated for your Cipherpad account',
      body: expect.stringContaining(
        `A new device, "Mallory’s phone", was activated for your Cipherpad account on ${new Date(at).toISOString()} (UTC) from 203.0.113.44.`,
      ),
    });
    const events = (await call(user.token, '/v1/account/activity', undefined, {}, 'GET')).json()
      .events;
    expect(events[0]).toMatchObject({
      type: 'device.activated',
      at,
      ip: '203.0.113.44',
      device: { id: activated.json().deviceId, name: 'Mallory’s phone' },
      details: { name: 'Mallory’s phone', kind: 'app' },
    });
  });
});
