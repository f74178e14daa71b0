import {
  computeResponse,
  createDeviceKeyPair,
  createSigningKeyPair,
  exportPublicKey,
  exportSigningPublicKey,
} from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateWithCode, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({
    policy: { registrationsPerIp: 1000, activationsPerIp: 1000 },
  });
});
afterAll(async () => {
  await service?.close();
});

/** Registers an account and returns its email, phone and activation code. */
async function registered(email: string, phone: string) {
  const started = (
    await service.app.inject({
      method: 'POST',
      url: '/v1/registrations',
      payload: { email, phone },
    })
  ).json();
  for (const channel of ['email', 'phone'] as const) {
    const code = await service.codeSentTo(
      channel === 'email' ? email : phone,
      /verification code is (\d{6})/,
    );
    await service.app.inject({
      method: 'POST',
      url: `/v1/registrations/${started.id}/${channel}-verification`,
      payload: { code },
    });
  }
  return service.codeSentTo(phone, /activation code is (\d{8})/);
}

async function activate(payload: Record<string, unknown>) {
  const agreement = await createDeviceKeyPair(false);
  const signing = await createSigningKeyPair(false);
  return service.app.inject({
    method: 'POST',
    url: '/v1/devices/activate',
    payload: {
      name: 'Laptop',
      kind: 'cli',
      agreementKey: await exportPublicKey(agreement.publicKey),
      signingKey: await exportSigningPublicKey(signing.publicKey),
      ...payload,
    },
  });
}

describe('device activation (PRODUCT.md flow 4)', () => {
  it('agrees on a key the device and the service compute the same responses with', async () => {
    const code = await registered('dev@example.com', '+442079463000');
    const device = await activateWithCode(service, 'dev@example.com', code);
    const login = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/logins',
        payload: { email: 'dev@example.com' },
      })
    ).json();
    const response = await computeResponse(device.ocraKey, {
      mode: 'authorization',
      challenge: login.challenge,
    });
    const verified = await service.app.inject({
      method: 'POST',
      url: `/v1/logins/${login.id}/verify`,
      payload: { response },
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().deviceId).toBe(device.deviceId);
  });

  it('keeps the device key encrypted at rest, bound to its device', async () => {
    const enrolled = await enroll(service, 'rest@example.com', '+442079463001');
    const row = await service.services.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', enrolled.deviceId)
      .executeTakeFirstOrThrow();
    const hex = Buffer.from(enrolled.ocraKey).toString('hex');
    const b64 = Buffer.from(enrolled.ocraKey).toString('base64url');
    expect(row.ocra_key_enc).toMatch(/^v1\./);
    expect(row.ocra_key_enc).not.toContain(hex);
    expect(row.ocra_key_enc).not.toContain(b64);
    expect(
      Buffer.from(service.services.secrets.open(row.ocra_key_enc, `device:${row.id}`)),
    ).toEqual(Buffer.from(enrolled.ocraKey));
    expect(() => service.services.secrets.open(row.ocra_key_enc, 'device:another')).toThrow();
  });

  it('uses an activation code once and tells the user a device was activated', async () => {
    const code = await registered('once@example.com', '+442079463002');
    expect((await activate({ email: 'once@example.com', code })).statusCode).toBe(201);
    const again = await activate({ email: 'once@example.com', code });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toBe('ERR_ACTIVATION_FAILED');
    const notice = await service.codeSentTo(
      'once@example.com',
      /(A new device, "Laptop", was activated)/,
    );
    expect(notice).toBe('A new device, "Laptop", was activated');
  });

  it('answers a wrong code, an unknown email and an expired code alike', async () => {
    const code = await registered('alike@example.com', '+442079463003');
    const wrongCode = await activate({
      email: 'alike@example.com',
      code: code === '00000000' ? '11111111' : '00000000',
    });
    const unknown = await activate({ email: 'nobody@example.com', code });
    expect(wrongCode.json()).toEqual(unknown.json());
    expect(wrongCode.json().error).toBe('ERR_ACTIVATION_FAILED');
    service.clock.advance(24 * 60 * 60 * 1000);
    const expired = await activate({ email: 'alike@example.com', code });
    expect(expired.json()).toEqual(unknown.json());
  });

  it('stops accepting a code after 5 wrong tries', async () => {
    const code = await registered('tries@example.com', '+442079463004');
    for (let i = 0; i < 5; i++) {
      expect((await activate({ email: 'tries@example.com', code: `0000000${i}` })).statusCode).toBe(
        400,
      );
    }
    expect((await activate({ email: 'tries@example.com', code })).json().error).toBe(
      'ERR_ACTIVATION_FAILED',
    );
  });

  it('refuses keys that are not P-256 public keys', async () => {
    const code = await registered('keys@example.com', '+442079463005');
    const bad = await activate({ email: 'keys@example.com', code, agreementKey: 'AAAA' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('ERR_PUBLIC_KEY_INVALID');
    // The code is not spent by a malformed request.
    expect((await activate({ email: 'keys@example.com', code })).statusCode).toBe(201);
  });
});
