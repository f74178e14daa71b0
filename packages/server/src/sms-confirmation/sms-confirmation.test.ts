import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSite } from '../sites/register-site.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let shop: { clientId: string; clientSecret: string };
let other: { clientId: string; clientSecret: string };
let phones = 0;

beforeAll(async () => {
  service = await startTestService({ env: { SMS_CONFIRMATIONS_PER_PHONE_PER_DAY: '3' } });
  const deps = { db: service.services.db, secrets: service.services.secrets, now: 0 };
  shop = await registerSite(deps, { name: 'Keeper Demo' });
  other = await registerSite(deps, { name: 'Other Shop' });
});
afterAll(async () => {
  await service?.close();
});

const payment = { type: 'payment', amount: '25,50', currency: 'WMZ', purse: 'Z123456789012' };

function basic(site: { clientId: string; clientSecret: string }): string {
  return `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`;
}

function send(phone: string, site = shop, key?: string, operation: object = payment) {
  return service.app.inject({
    method: 'POST',
    url: '/v1/sms-confirmations',
    headers: { authorization: basic(site), ...(key ? { 'idempotency-key': key } : {}) },
    payload: { phone, operation },
  });
}

function verify(id: string, code: string, site = shop) {
  return service.app.inject({
    method: 'POST',
    url: `/v1/sms-confirmations/${id}/verify`,
    headers: { authorization: basic(site) },
    payload: { code },
  });
}

function newPhone(): string {
  phones += 1;
  return `+4420794730${String(phones).padStart(2, '0')}`;
}

describe('SMS confirmation without registration (PRODUCT.md flow 14)', () => {
  it('sends a code naming the site, amount, currency and recipient; confirms it once', async () => {
    const phone = newPhone();
    const created = await send(phone);
    expect(created.statusCode).toBe(201);
    const { id, status, expiresAt } = created.json();
    expect(status).toBe('pending');
    expect(expiresAt).toBe(service.clock.now() + 5 * 60_000);
    const code = await service.codeSentTo(phone, /code (\d{6}) confirms/);
    const [sms] = await service.services.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', '=', phone)
      .execute();
    expect(sms?.body).toBe(
      `Keeper Demo: code ${code} confirms paying 25.5 WMZ to Z123456789012. Valid 5 minutes. Never tell it to anyone.`,
    );
    const stored = await service.services.db
      .selectFrom('sms_confirmations')
      .select('code_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code);
    const results = await Promise.all(Array.from({ length: 5 }, () => verify(id, code)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 410, 410, 410, 410]);
    const ok = results.find((r) => r.statusCode === 200);
    expect(ok?.json()).toEqual({ id, status: 'confirmed', confirmedAt: service.clock.now() });
    const view = await service.app.inject({
      method: 'GET',
      url: `/v1/sms-confirmations/${id}`,
      headers: { authorization: basic(shop) },
    });
    expect(view.json()).toMatchObject({ id, status: 'confirmed' });
    const foreign = await verify(id, code, other);
    expect(foreign.json().error).toBe('ERR_CONFIRMATION_NOT_FOUND');
  });

  it('closes after 3 wrong codes', async () => {
    const phone = newPhone();
    const { id } = (await send(phone)).json();
    const code = await service.codeSentTo(phone, /code (\d{6}) confirms/);
    const wrong = code === '000000' ? '111111' : '000000';
    const lefts = [];
    for (let i = 0; i < 3; i++) lefts.push((await verify(id, wrong)).json());
    expect(lefts.map((l) => [l.error, l.attemptsLeft])).toEqual([
      ['ERR_CODE_INVALID', 2],
      ['ERR_CODE_INVALID', 1],
      ['ERR_CODE_INVALID', 0],
    ]);
    const closed = await verify(id, code);
    expect(closed.statusCode).toBe(410);
    expect(closed.json().error).toBe('ERR_CHALLENGE_CLOSED');
  });

  it('refuses a code after 5 minutes', async () => {
    const phone = newPhone();
    const { id } = (await send(phone)).json();
    const code = await service.codeSentTo(phone, /code (\d{6}) confirms/);
    service.clock.advance(5 * 60_000);
    const expired = await verify(id, code);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error).toBe('ERR_CODE_EXPIRED');
  });

  it('sends a phone at most the daily number of SMS from all sites together, for a rolling day', async () => {
    const phone = newPhone();
    expect((await send(phone, shop)).statusCode).toBe(201);
    service.clock.advance(60 * 60_000);
    expect((await send(phone, other)).statusCode).toBe(201);
    expect(
      (await send(phone, shop, undefined, { type: 'operation', name: 'personal-data' })).statusCode,
    ).toBe(201);
    const refused = await send(phone, other);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({
      error: 'ERR_SMS_DAILY_LIMIT',
      retryAfter: 23 * 60 * 60,
    });
    const sent = await service.services.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', '=', phone)
      .execute();
    expect(sent).toHaveLength(3);
    service.clock.advance(23 * 60 * 60_000);
    expect((await send(phone, other)).statusCode).toBe(201);
  });

  it('keeps to the limit under concurrent requests', async () => {
    const phone = newPhone();
    const results = await Promise.all(Array.from({ length: 6 }, () => send(phone)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(3);
  });

  it('sends one SMS for a repeated Idempotency-Key', async () => {
    const phone = newPhone();
    const first = await send(phone, shop, 'sms-1');
    const second = await send(phone, shop, 'sms-1');
    expect(second.json()).toEqual(first.json());
    const sent = await service.services.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', '=', phone)
      .execute();
    expect(sent).toHaveLength(1);
    const conflict = await send(newPhone(), shop, 'sms-1');
    expect(conflict.json().error).toBe('ERR_IDEMPOTENCY_CONFLICT');
  });

  it('names an operation in words', async () => {
    const phone = newPhone();
    await send(phone, shop, undefined, { type: 'operation', name: 'trust-limit' });
    const code = await service.codeSentTo(phone, /code (\d{6}) confirms/);
    const [sms] = await service.services.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', '=', phone)
      .execute();
    expect(sms?.body).toBe(
      `Keeper Demo: code ${code} confirms opening a trust limit. Valid 5 minutes. Never tell it to anyone.`,
    );
  });
});
