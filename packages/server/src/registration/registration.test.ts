import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let ipCounter = 0;
/** Each case comes from its own address, so the per-IP limit only bites where a test wants it. */
const nextIp = () => `10.0.0.${++ipCounter}`;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.close();
});

async function start(email: unknown, phone: unknown, ip = nextIp()) {
  return service.app.inject({
    method: 'POST',
    url: '/v1/registrations',
    payload: { email, phone },
    remoteAddress: ip,
  });
}

async function verify(id: string, channel: 'email' | 'phone', code: string, ip = nextIp()) {
  return service.app.inject({
    method: 'POST',
    url: `/v1/registrations/${id}/${channel}-verification`,
    payload: { code },
    remoteAddress: ip,
  });
}

describe('registration (PRODUCT.md flow 1)', () => {
  it('verifies email and phone by code, creates the account and sends an activation code by SMS', async () => {
    const started = await start(' Alice@Example.COM ', '+44 20 7946 0001');
    expect(started.statusCode).toBe(201);
    const body = started.json();
    expect(body).toMatchObject({ email: 'alice@example.com', phone: '+442079460001' });
    expect(body.emailExpiresAt - service.clock.now()).toBe(24 * 60 * 60 * 1000);

    const emailCode = await service.codeSentTo('alice@example.com', /verification code is (\d{6})/);
    const phoneCode = await service.codeSentTo('+442079460001', /verification code is (\d{6})/);
    const afterEmail = await verify(body.id, 'email', emailCode);
    expect(afterEmail.json()).toEqual({
      id: body.id,
      emailVerified: true,
      phoneVerified: false,
      completed: false,
    });
    const afterPhone = await verify(body.id, 'phone', phoneCode);
    expect(afterPhone.json()).toEqual({
      id: body.id,
      emailVerified: true,
      phoneVerified: true,
      completed: true,
    });
    const activation = await service.codeSentTo('+442079460001', /activation code is (\d{8})/);
    expect(activation).toMatch(/^\d{8}$/);
    const account = await service.services.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', 'alice@example.com')
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({ phone: '+442079460001', status: 'active' });
  });

  it('verifies the email by the link in the email', async () => {
    const started = (await start('link@example.com', '+442079460002')).json();
    // The link opens the security site's page, which calls the JSON endpoint with the token.
    const link = await service.codeSentTo('link@example.com', /open this link: (\S+)/);
    expect(link).toMatch(/^http:\/\/cipherpad\.test\/verify-email\.html\?token=[A-Za-z0-9_-]{43}$/);
    const token = new URL(link).searchParams.get('token');
    const viaLink = await service.app.inject({
      method: 'GET',
      url: `/v1/registrations/verify-email?token=${token}`,
    });
    expect(viaLink.statusCode).toBe(200);
    expect(viaLink.json()).toMatchObject({ id: started.id, emailVerified: true, completed: false });
    const again = await service.app.inject({
      method: 'GET',
      url: '/v1/registrations/verify-email?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(again.json().error).toBe('ERR_LINK_INVALID');
  });

  it('stores no code or token in clear', async () => {
    const started = (await start('hashed@example.com', '+442079460003')).json();
    const emailCode = await service.codeSentTo(
      'hashed@example.com',
      /verification code is (\d{6})/,
    );
    const row = await service.services.db
      .selectFrom('registrations')
      .selectAll()
      .where('id', '=', started.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(emailCode);
  });

  it.each([
    [undefined, '+442079460004', 'ERR_EMAIL_REQUIRED', 400],
    ['  ', '+442079460004', 'ERR_EMAIL_REQUIRED', 400],
    ['not-an-email', '+442079460004', 'ERR_EMAIL_INVALID', 400],
    ['a@b', '+442079460004', 'ERR_EMAIL_INVALID', 400],
    [42, '+442079460004', 'ERR_VALIDATION', 400],
    ['ok@example.com', undefined, 'ERR_PHONE_REQUIRED', 400],
    ['ok@example.com', '2079460004', 'ERR_PHONE_INVALID', 400],
    ['ok@example.com', '+12', 'ERR_PHONE_INVALID', 400],
    ['ok@example.com', '+44 20 abc', 'ERR_PHONE_INVALID', 400],
  ])('refuses email %j and phone %j with %s', async (email, phone, code, status) => {
    const response = await start(email, phone);
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toBe(code);
    expect(typeof response.json().message).toBe('string');
  });

  it('refuses an email or a phone that already has an account', async () => {
    const taken = await start('ALICE@example.com', '+442079460099');
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toBe('ERR_EMAIL_TAKEN');
    const phoneTaken = await start('other@example.com', '+44 (20) 7946-0001');
    expect(phoneTaken.statusCode).toBe(409);
    expect(phoneTaken.json().error).toBe('ERR_PHONE_TAKEN');
    // The same number with its trunk prefix written in, as UK numbers often are.
    const trunk = await start('trunk@example.com', '+44 (0) 20 7946 0001');
    expect(trunk.statusCode).toBe(409);
    expect(trunk.json().error).toBe('ERR_PHONE_TAKEN');
  });

  it('makes one account when two registrations race for the same email', async () => {
    const first = (await start('race@example.com', '+442079460010')).json();
    const second = (await start('race@example.com', '+442079460011')).json();
    // Verify both registrations' phones first, then both emails.
    const phoneCode1 = await service.codeSentTo('+442079460010', /verification code is (\d{6})/);
    const phoneCode2 = await service.codeSentTo('+442079460011', /verification code is (\d{6})/);
    await verify(first.id, 'phone', phoneCode1);
    await verify(second.id, 'phone', phoneCode2);
    const emails = await service.services.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', '=', 'race@example.com')
      .orderBy('id', 'asc')
      .execute();
    const [code1, code2] = emails.map(
      (row) => /verification code is (\d{6})/.exec(row.body)?.[1] ?? '',
    );
    const results = await Promise.all([
      verify(first.id, 'email', code1 ?? ''),
      verify(second.id, 'email', code2 ?? ''),
    ]);
    const outcomes = results.map((r) => (r.statusCode === 200 ? 'ok' : r.json().error)).sort();
    expect(outcomes).toEqual(['ERR_EMAIL_TAKEN', 'ok']);
    const accounts = await service.services.db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', 'race@example.com')
      .execute();
    expect(accounts).toHaveLength(1);
  });

  it('counts wrong codes and closes the registration after five', async () => {
    const started = (await start('wrong@example.com', '+442079460020')).json();
    for (let left = 4; left >= 0; left--) {
      const response = await verify(started.id, 'phone', '000000');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'ERR_CODE_INVALID', attemptsLeft: left });
    }
    const code = await service.codeSentTo('+442079460020', /verification code is (\d{6})/);
    const closed = await verify(started.id, 'phone', code);
    expect(closed.statusCode).toBe(410);
    expect(closed.json().error).toBe('ERR_REGISTRATION_CLOSED');
  });

  it('refuses a phone code after 30 minutes and an email code after 24 hours', async () => {
    const started = (await start('late@example.com', '+442079460030')).json();
    const phoneCode = await service.codeSentTo('+442079460030', /verification code is (\d{6})/);
    const emailCode = await service.codeSentTo('late@example.com', /verification code is (\d{6})/);
    service.clock.advance(31 * 60 * 1000);
    expect((await verify(started.id, 'phone', phoneCode)).json().error).toBe('ERR_CODE_EXPIRED');
    expect((await verify(started.id, 'email', emailCode)).statusCode).toBe(200);
    service.clock.advance(24 * 60 * 60 * 1000);
    const other = (await start('later@example.com', '+442079460031')).json();
    const otherCode = await service.codeSentTo('later@example.com', /verification code is (\d{6})/);
    service.clock.advance(24 * 60 * 60 * 1000 + 1);
    expect((await verify(other.id, 'email', otherCode)).json().error).toBe('ERR_CODE_EXPIRED');
  });

  it('answers an unknown registration with ERR_REGISTRATION_NOT_FOUND', async () => {
    const response = await verify('nope', 'email', '123456');
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('ERR_REGISTRATION_NOT_FOUND');
  });
});

describe('registration rate limits', () => {
  it('refuses more than 10 registrations a minute from one IP', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < 10; i++) {
      const response = await start(
        `ip${i}@example.com`,
        `+4420794601${String(i).padStart(2, '0')}`,
        ip,
      );
      expect(response.statusCode).toBe(201);
    }
    const refused = await start('ip10@example.com', '+442079460199', ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('ERR_RATE_LIMITED_IP');
    service.clock.advance(60_000);
    expect((await start('ip11@example.com', '+442079460198', ip)).statusCode).toBe(201);
  });

  it('refuses more than 3 registrations a minute for one email or phone', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await start('same@example.com', `+4420794602${i}0`)).statusCode).toBe(201);
    }
    const refused = await start('same@example.com', '+442079460299');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('ERR_RATE_LIMITED_ADDRESS');
    for (let i = 0; i < 3; i++) {
      expect((await start(`p${i}@example.com`, '+442079460300')).statusCode).toBe(201);
    }
    expect((await start('p9@example.com', '+442079460300')).json().error).toBe(
      'ERR_RATE_LIMITED_ADDRESS',
    );
  });
});
