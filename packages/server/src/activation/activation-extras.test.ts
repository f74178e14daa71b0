import { parseQrUri } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateWithCode, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';
import { issueActivationQr } from './activation-qr.js';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({
    policy: { registrationsPerIp: 1000, activationsPerIp: 1000, registrationsPerAddress: 3 },
  });
});
afterAll(async () => {
  await service?.close();
});

/** Registers an account up to its activation code; returns the registration id. */
async function register(email: string, phone: string, verifyPhone = true): Promise<string> {
  const started = (
    await service.app.inject({
      method: 'POST',
      url: '/v1/registrations',
      payload: { email, phone },
    })
  ).json();
  const channels = verifyPhone ? (['email', 'phone'] as const) : (['email'] as const);
  for (const channel of channels) {
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
  return started.id;
}

function resend(email: string, ip = '192.0.2.1') {
  return service.app.inject({
    method: 'POST',
    url: '/v1/activation/resend',
    payload: { email },
    remoteAddress: ip,
  });
}

describe('activation extras (PRODUCT.md flow 4)', () => {
  it('sends a new activation code by SMS; the earlier one stops working', async () => {
    await register('resend@example.com', '+442079510000');
    const first = await service.codeSentTo('+442079510000', /activation code is (\d{8})/);
    const answered = await resend('resend@example.com');
    expect(answered.statusCode).toBe(202);
    expect(answered.json()).toEqual({});
    const second = await service.codeSentTo('+442079510000', /activation code is (\d{8})/);
    expect(second).not.toBe(first);
    await expect(activateWithCode(service, 'resend@example.com', first)).rejects.toThrow(
      /ERR_ACTIVATION_FAILED/,
    );
    const device = await activateWithCode(service, 'resend@example.com', second);
    expect(device.deviceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers the same for an email without an account, and sends nothing', async () => {
    const answered = await resend('ghost@example.com');
    expect(answered.statusCode).toBe(202);
    expect(answered.json()).toEqual({});
    const sent = await service.services.db
      .selectFrom('outbox')
      .select('id')
      .where('body', 'like', '%ghost%')
      .execute();
    expect(sent).toEqual([]);
  });

  it('limits resends per email and per address', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await resend('limited@example.com', `192.0.2.${10 + i}`)).statusCode).toBe(202);
    }
    const limited = await resend('limited@example.com', '192.0.2.20');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('ERR_RATE_LIMITED_ADDRESS');
    const strict = await startTestService({ policy: { registrationsPerIp: 2 } });
    try {
      for (const email of ['a@example.com', 'b@example.com']) {
        const answered = await strict.app.inject({
          method: 'POST',
          url: '/v1/activation/resend',
          payload: { email },
        });
        expect(answered.statusCode).toBe(202);
      }
      const refused = await strict.app.inject({
        method: 'POST',
        url: '/v1/activation/resend',
        payload: { email: 'c@example.com' },
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error).toBe('ERR_RATE_LIMITED_IP');
    } finally {
      await strict.close();
    }
  });

  it('gives a fresh registration an activation QR code that activates the app', async () => {
    const id = await register('qr@example.com', '+442079510001');
    const smsCode = await service.codeSentTo('+442079510001', /activation code is (\d{8})/);
    const answered = await service.app.inject({
      method: 'POST',
      url: `/v1/registrations/${id}/activation-qr`,
    });
    expect(answered.statusCode).toBe(200);
    const { uri, expiresAt } = answered.json();
    expect(expiresAt).toBe(service.clock.now() + 10 * 60 * 1000);
    expect(uri).toMatch(/^cipherpad:activate\?email=qr%40example\.com&code=\d{8}&server=/);
    const qr = parseQrUri(uri);
    expect(qr).toEqual({
      kind: 'activate',
      email: 'qr@example.com',
      code: expect.stringMatching(/^\d{8}$/),
      server: 'http://cipherpad.test/',
    });
    if (qr.kind !== 'activate') throw new Error('not an activation QR');
    // The SMS code keeps working beside the QR code, each once.
    expect((await activateWithCode(service, qr.email, qr.code)).deviceId).toBeTruthy();
    expect((await activateWithCode(service, qr.email, smsCode)).deviceId).toBeTruthy();
    await expect(activateWithCode(service, qr.email, qr.code)).rejects.toThrow(
      /ERR_ACTIVATION_FAILED/,
    );
  });

  it('gives no registration QR code once a device is active: the next one needs its confirmation', async () => {
    const id = await register('qr-second@example.com', '+442079510006');
    const smsCode = await service.codeSentTo('+442079510006', /activation code is (\d{8})/);
    await activateWithCode(service, 'qr-second@example.com', smsCode);
    const refused = await service.app.inject({
      method: 'POST',
      url: `/v1/registrations/${id}/activation-qr`,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('ERR_OPERATION_CONFIRMATION_REQUIRED');
  });

  it('stops working 10 minutes after it was shown', async () => {
    const id = await register('qr-late@example.com', '+442079510002');
    const { uri } = (
      await service.app.inject({ method: 'POST', url: `/v1/registrations/${id}/activation-qr` })
    ).json();
    const qr = parseQrUri(uri);
    if (qr.kind !== 'activate') throw new Error('not an activation QR');
    service.clock.advance(10 * 60 * 1000);
    await expect(activateWithCode(service, qr.email, qr.code)).rejects.toThrow(
      /ERR_ACTIVATION_FAILED/,
    );
  });

  it('gives the registration QR code only within the hour after completion', async () => {
    const incomplete = await register('half@example.com', '+442079510003', false);
    const early = await service.app.inject({
      method: 'POST',
      url: `/v1/registrations/${incomplete}/activation-qr`,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toBe('ERR_REGISTRATION_INCOMPLETE');

    const id = await register('hour@example.com', '+442079510004');
    service.clock.advance(60 * 60 * 1000);
    const late = await service.app.inject({
      method: 'POST',
      url: `/v1/registrations/${id}/activation-qr`,
    });
    expect(late.statusCode).toBe(410);
    expect(late.json().error).toBe('ERR_REGISTRATION_CLOSED');
    const unknown = await service.app.inject({
      method: 'POST',
      url: `/v1/registrations/${'0'.repeat(32)}/activation-qr`,
    });
    expect(unknown.json().error).toBe('ERR_REGISTRATION_NOT_FOUND');
  });

  it('counts a wrong code against both live codes', async () => {
    const user = await enroll(service, 'both@example.com', '+442079510005');
    expect(user.deviceId).toBeTruthy();
    await resend('both@example.com', '192.0.2.50');
    const id = (
      await service.services.db
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', 'both@example.com')
        .executeTakeFirstOrThrow()
    ).id;
    // What this test counts is the tries on the codes, not who may show one: nothing to authorise.
    await issueActivationQr(service.services, id, '192.0.2.50', async () => {});
    for (let i = 0; i < 5; i++) {
      await expect(activateWithCode(service, 'both@example.com', `0000000${i}`)).rejects.toThrow();
    }
    const live = await service.services.db
      .selectFrom('activation_codes')
      .select(['attempts'])
      .where('account_id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', service.clock.now())
      .execute();
    expect(live.map((row) => row.attempts)).toEqual([5, 5]);
  });
});
