import { computeResponse, parseQrUri } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountTopic, type BusEvent } from '../events/event-bus.js';
import { confirmDeviceOperation } from '../testing/confirm-device-operation.js';
import { deviceRequest } from '../testing/device-request.js';
import { activateWithCode, type Enrolled, enroll } from '../testing/enroll.js';
import { signIn as signInOverApi } from '../testing/sign-in.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let alice: Enrolled;
let counter = 0;

beforeAll(async () => {
  service = await startTestService({
    policy: { registrationsPerIp: 1000, activationsPerIp: 1000 },
  });
  alice = await enroll(service, 'account@example.com', '+442079491234');
});
afterAll(async () => {
  await service?.close();
});

async function signIn(user: { email: string; ocraKey: Uint8Array }): Promise<string> {
  return (await signInOverApi(service, user)).token;
}

function call(
  token: string,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: Record<string, unknown>,
) {
  return service.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
}

async function newUser(): Promise<Enrolled> {
  counter += 1;
  return enroll(
    service,
    `holder${counter}@example.com`,
    `+4420794920${String(counter).padStart(2, '0')}`,
  );
}

describe('the account API', () => {
  it('shows the account with the phone masked and the confirmation settings', async () => {
    const token = await signIn(alice);
    const account = await call(token, 'GET', '/v1/account');
    expect(account.statusCode).toBe(200);
    expect(account.json()).toEqual({
      id: alice.accountId,
      email: alice.email,
      phone: '+44 ••• ••• 1234',
      createdAt: expect.any(Number),
      // A new account confirms nothing until the person turns confirmation on.
      confirmation: { method: 'none', operations: [] },
    });
    expect(account.body).not.toContain('2079491234');
  });

  it('needs a session', async () => {
    const refused = await service.app.inject({ method: 'GET', url: '/v1/account/devices' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toBe('ERR_UNAUTHENTICATED');
  });

  it('lists the devices with the time each last confirmed a login', async () => {
    const user = await newUser();
    const token = await signIn(user);
    const devices = (await call(token, 'GET', '/v1/account/devices')).json().devices;
    expect(devices).toEqual([
      {
        id: user.deviceId,
        name: 'Test device',
        kind: 'cli',
        status: 'active',
        createdAt: expect.any(Number),
        lastUsedAt: service.clock.now(),
      },
    ]);
  });

  it('renames a device, 1 to 64 characters, and logs it', async () => {
    const user = await newUser();
    const token = await signIn(user);
    const renamed = await call(token, 'PATCH', `/v1/account/devices/${user.deviceId}`, {
      name: '  Work phone ',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('Work phone');
    for (const name of ['', '   ', 'x'.repeat(65)]) {
      const refused = await call(token, 'PATCH', `/v1/account/devices/${user.deviceId}`, { name });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toBe('ERR_VALIDATION');
    }
    const foreign = await call(token, 'PATCH', `/v1/account/devices/${alice.deviceId}`, {
      name: 'Mine now',
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toBe('ERR_DEVICE_NOT_FOUND');
    const activity = (await call(token, 'GET', '/v1/account/activity')).json().events;
    expect(activity[0]).toMatchObject({
      type: 'device.renamed',
      device: { id: user.deviceId, name: 'Work phone' },
      suspicious: false,
      details: { name: 'Work phone' },
    });
  });

  it('tells the account’s apps of a new name, and a device reads its own name afresh', async () => {
    const user = await newUser();
    const token = await signIn(user);
    const heard: BusEvent[] = [];
    const unsubscribe = service.services.events.subscribe(accountTopic(user.email), (event) =>
      heard.push(event),
    );
    await call(token, 'PATCH', `/v1/account/devices/${user.deviceId}`, { name: ' Ada’s Pixel ' });
    // A refused name changes nothing, and is announced to nobody.
    await call(token, 'PATCH', `/v1/account/devices/${user.deviceId}`, { name: '' });
    unsubscribe();
    expect(heard).toEqual([
      { type: 'device-renamed', device: { id: user.deviceId, name: 'Ada’s Pixel' } },
    ]);
    const self = await deviceRequest(service, user, 'GET', '/v1/device');
    expect(self.statusCode).toBe(200);
    expect(self.json()).toEqual({
      id: user.deviceId,
      name: 'Ada’s Pixel',
      kind: 'cli',
      createdAt: expect.any(Number),
    });
    const unsigned = await service.app.inject({ method: 'GET', url: '/v1/device' });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().error).toBe('ERR_DEVICE_AUTH');
  });

  it('deactivates a device: it answers nothing more, its sessions end, its signed requests fail', async () => {
    const user = await newUser();
    const token = await signIn(user);
    // A second device of the same account, activated from an activation QR code shown
    // after the first device confirmed it.
    const shown = await confirmDeviceOperation(service, token, user, {
      operation: 'show-activation',
    });
    const qr = parseQrUri(
      (await call(token, 'POST', '/v1/account/activation-qr', { confirmation: shown })).json().uri,
    );
    if (qr.kind !== 'activate') throw new Error('not an activation QR');
    const second = await activateWithCode(service, qr.email, qr.code);
    const oldSession = await signIn(user);
    const secondSession = await signIn({ email: user.email, ocraKey: second.ocraKey });

    const confirmation = await confirmDeviceOperation(service, secondSession, second, {
      operation: 'deactivate-device',
      deviceId: user.deviceId,
    });
    const deactivated = await call(
      secondSession,
      'POST',
      `/v1/account/devices/${user.deviceId}/deactivate`,
      { confirmation },
    );
    expect(deactivated.statusCode).toBe(200);
    expect(deactivated.json()).toMatchObject({ id: user.deviceId, status: 'deactivated' });

    expect((await call(oldSession, 'GET', '/v1/account')).json().error).toBe('ERR_UNAUTHENTICATED');
    expect((await call(secondSession, 'GET', '/v1/account')).statusCode).toBe(200);

    const login = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/logins',
        payload: { email: user.email },
      })
    ).json();
    const response = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    const refused = await service.app.inject({
      method: 'POST',
      url: `/v1/logins/${login.id}/verify`,
      payload: { response },
    });
    expect(refused.json().error).toBe('ERR_RESPONSE_REJECTED');
    const signed = await deviceRequest(service, user, 'GET', '/v1/device/requests');
    expect(signed.json().error).toBe('ERR_DEVICE_AUTH');

    const again = await call(
      secondSession,
      'POST',
      `/v1/account/devices/${user.deviceId}/deactivate`,
      {
        confirmation: await confirmDeviceOperation(service, secondSession, second, {
          operation: 'deactivate-device',
          deviceId: user.deviceId,
        }),
      },
    );
    expect(again.json().status).toBe('deactivated');
    const notice = await service.codeSentTo(
      user.email,
      /(The device "Test device" was deactivated)/,
    );
    expect(notice).toBe('The device "Test device" was deactivated');
  });

  it('pages through the activity log, newest first', async () => {
    const user = await newUser();
    const token = await signIn(user);
    for (let i = 0; i < 4; i++) {
      await call(token, 'PATCH', `/v1/account/devices/${user.deviceId}`, { name: `Name ${i}` });
    }
    const first = (await call(token, 'GET', '/v1/account/activity?limit=3')).json().events;
    expect(first.map((e: { type: string }) => e.type)).toEqual([
      'device.renamed',
      'device.renamed',
      'device.renamed',
    ]);
    expect(first[0].details).toEqual({ name: 'Name 3' });
    const next = (
      await call(token, 'GET', `/v1/account/activity?limit=3&before=${first[2].id}`)
    ).json().events;
    expect(next.map((e: { type: string }) => e.type)).toEqual([
      'device.renamed',
      'login.succeeded',
      'device.activated',
    ]);
    expect(next[1]).toMatchObject({
      ip: '127.0.0.1',
      device: { id: user.deviceId, name: 'Name 3' },
      site: null,
      suspicious: false,
    });
    for (const query of ['limit=0', 'limit=101', 'before=abc']) {
      const refused = await call(token, 'GET', `/v1/account/activity?${query}`);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toBe('ERR_VALIDATION');
    }
  });
});
