import { computeResponse, type HmacKey } from '@cipherpad/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeviceKeys } from '../crypto/device-keys.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { activateWithCode, type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';
import { verifyLogin } from './verify-login.js';

/**
 * The device keys the service is given, recording which device's key was
 * opened and how many HMACs each computed: `Services` is the service's one
 * parameter, so the test hands it this instead of its own, and nothing of the
 * code under test is replaced or watched.
 */
class CountingDeviceKeys extends DeviceKeys {
  opened: string[] = [];
  signed: string[] = [];

  override open(deviceId: string, sealed: string): HmacKey {
    this.opened.push(deviceId);
    const key = super.open(deviceId, sealed);
    return {
      hash: key.hash,
      sign: (data) => {
        this.signed.push(deviceId);
        return key.sign(data);
      },
    };
  }
}

let service: TestService;
let services: Services;
let keys: CountingDeviceKeys;
/** One account's three active devices, as each device sees itself. */
const devices: { deviceId: string; ocraKey: Uint8Array }[] = [];
let owner: Enrolled;

beforeAll(async () => {
  service = await startTestService({
    policy: { wrongAnswersPerIp: 1000, failuresBeforeBlock: 100 },
  });
  owner = await enroll(service, 'ct@example.com', '+442079463000');
  devices.push(owner);
  for (let i = 0; i < 2; i++) {
    const resent = await service.app.inject({
      method: 'POST',
      url: '/v1/activation/resend',
      payload: { email: owner.email },
    });
    expect(resent.statusCode).toBe(202);
    const code = await service.codeSentTo(owner.phone, /activation code is (\d{8})/);
    devices.push(await activateWithCode(service, owner.email, code));
  }
  keys = new CountingDeviceKeys(service.services.secrets);
  services = { ...service.services, deviceKeys: keys };
});
afterAll(async () => {
  await service?.close();
});
beforeEach(() => {
  keys.opened = [];
  keys.signed = [];
});

async function startLogin(): Promise<{ id: string; challenge: string }> {
  const started = await service.app.inject({
    method: 'POST',
    url: '/v1/logins',
    payload: { email: owner.email },
  });
  expect(started.statusCode).toBe(201);
  return started.json() as { id: string; challenge: string };
}

/** The code of the refusal, or the device a session was opened for. */
async function outcome(id: string, response: string): Promise<string> {
  try {
    return (await verifyLogin(services, id, response, '192.0.2.7')).deviceId;
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
}

describe('login verification tries every active device, whichever matched', () => {
  it('has three distinct active devices to try', () => {
    expect(new Set(devices.map((d) => d.deviceId)).size).toBe(3);
  });

  it('computes each device expected response once for a right response from any device', async () => {
    const all = devices.map((d) => d.deviceId).sort();
    for (const device of devices) {
      keys.opened = [];
      keys.signed = [];
      const { id, challenge } = await startLogin();
      const right = await computeResponse(device.ocraKey, { mode: 'authorization', challenge });
      expect(await outcome(id, right)).toBe(device.deviceId);
      // Whether the match is the first device tried or the last, all three are computed.
      expect([...keys.opened].sort()).toEqual(all);
      expect([...keys.signed].sort()).toEqual(all);
    }
  });

  it('does exactly the same work for a wrong response', async () => {
    const { id, challenge } = await startLogin();
    const right = await computeResponse(owner.ocraKey, { mode: 'authorization', challenge });
    const wrong = right.slice(0, -1) + String((Number(right.at(-1)) + 1) % 10);
    expect(await outcome(id, wrong)).toBe('ERR_RESPONSE_REJECTED');
    const all = devices.map((d) => d.deviceId).sort();
    expect([...keys.opened].sort()).toEqual(all);
    expect([...keys.signed].sort()).toEqual(all);
  });
});
