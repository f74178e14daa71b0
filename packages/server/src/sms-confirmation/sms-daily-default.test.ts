import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSite } from '../sites/register-site.js';
import { startTestService, type TestService } from '../testing/test-service.js';

// The default configuration and policy, untouched: this file pins the default
// itself (docs/operations.md, SMS_CONFIRMATIONS_PER_PHONE_PER_DAY = 5).
let service: TestService;
let sites: { clientId: string; clientSecret: string }[];

beforeAll(async () => {
  service = await startTestService();
  const deps = { db: service.services.db, secrets: service.services.secrets, now: 0 };
  sites = [
    await registerSite(deps, { name: 'Keeper Demo' }),
    await registerSite(deps, { name: 'Other Shop' }),
  ];
});
afterAll(async () => {
  await service?.close();
});

function site(i: number): { clientId: string; clientSecret: string } {
  return sites[i % sites.length] as { clientId: string; clientSecret: string };
}

function send(phone: string, site: { clientId: string; clientSecret: string }) {
  return service.app.inject({
    method: 'POST',
    url: '/v1/sms-confirmations',
    headers: {
      authorization: `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`,
    },
    payload: {
      phone,
      operation: { type: 'payment', amount: '10', currency: 'WMZ', purse: 'Z123456789012' },
    },
  });
}

describe('SMS confirmations per phone, by default', () => {
  it('sends one phone 5 in a rolling day and refuses the 6th with ERR_SMS_DAILY_LIMIT', async () => {
    const phone = '+442079475001';
    for (let i = 0; i < 5; i++) {
      const sent = await send(phone, site(i));
      expect(sent.statusCode).toBe(201);
      service.clock.advance(60_000);
    }
    const sixth = await send(phone, site(1));
    expect(sixth.statusCode).toBe(429);
    // The first of the five, sent 5 minutes ago, leaves the rolling day first.
    expect(sixth.json()).toMatchObject({
      error: 'ERR_SMS_DAILY_LIMIT',
      retryAfter: 24 * 3600 - 5 * 60,
    });
    const messages = await service.services.db
      .selectFrom('outbox')
      .select('id')
      .where('recipient', '=', phone)
      .execute();
    expect(messages).toHaveLength(5);
    // Another phone is not affected.
    expect((await send('+442079475002', site(0))).statusCode).toBe(201);
  });
});
