import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';
import { formatDuration } from './block-email.js';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.close();
});

/** Starts a login for `email` and answers it wrongly. */
async function failOnce(email: string): Promise<string> {
  const login = await service.app.inject({ method: 'POST', url: '/v1/logins', payload: { email } });
  const verified = await service.app.inject({
    method: 'POST',
    url: `/v1/logins/${login.json().id}/verify`,
    payload: { response: '00000000' },
  });
  return verified.json().error;
}

/** The newest email to `email`. */
async function newestEmail(email: string): Promise<{ subject: string | null; body: string }> {
  const [row] = await service.services.db
    .selectFrom('outbox')
    .select(['subject', 'body'])
    .where('recipient', '=', email)
    .orderBy('id', 'desc')
    .limit(1)
    .execute();
  if (!row) throw new Error(`no email to ${email}`);
  return row;
}

describe('the email of a block or a lock after failed attempts', () => {
  it('says 1 minute, then 5 minutes, what to do today, and at last the lock', async () => {
    const user = await enroll(service, 'blocked@example.com', '+447700900123');
    const fail = async (times: number) => {
      const errors: string[] = [];
      for (let i = 0; i < times; i++) errors.push(await failOnce(user.email));
      return errors.at(-1);
    };

    expect(await fail(5)).toBe('ERR_ACCOUNT_BLOCKED');
    expect(await newestEmail(user.email)).toEqual({
      subject: 'Your Cipherpad account is blocked for a while',
      body: [
        'After 5 failed sign-in attempts your Cipherpad account is blocked for 1 minute: typed responses and codes are refused until then.',
        'Wait until the block ends, or sign in at once by approving the sign-in online in the Cipherpad app on one of your activated devices: that ends the block.',
        'If no activated device is left, contact the operator of this Cipherpad service.',
        'After 3 more blocks, failed attempts will lock typed responses and codes until you approve a sign-in online in the app.',
        'If this was not you, someone may be trying to sign in as you.',
      ].join('\n'),
    });

    service.clock.advance(60_000);
    expect(await fail(5)).toBe('ERR_ACCOUNT_BLOCKED');
    const second = await newestEmail(user.email);
    expect(second.body.split('\n')[0]).toBe(
      'After 5 failed sign-in attempts your Cipherpad account is blocked for 5 minutes: typed responses and codes are refused until then.',
    );
    expect(second.body.split('\n')[3]).toBe(
      'After 2 more blocks, failed attempts will lock typed responses and codes until you approve a sign-in online in the app.',
    );

    service.clock.advance(5 * 60_000);
    await fail(5);
    expect((await newestEmail(user.email)).body.split('\n')[3]).toBe(
      'After 1 more block, failed attempts will lock typed responses and codes until you approve a sign-in online in the app.',
    );
    service.clock.advance(30 * 60_000);
    await fail(5);
    const last = (await newestEmail(user.email)).body.split('\n');
    expect(last[0]).toContain('is blocked for 2 hours:');
    expect(last[3]).toBe(
      'The next 5 failed attempts will lock typed responses and codes until you approve a sign-in online in the app.',
    );

    service.clock.advance(120 * 60_000);
    expect(await fail(5)).toBe('ERR_ACCOUNT_LOCKED');
    expect(await newestEmail(user.email)).toEqual({
      subject: 'Your Cipherpad account is locked',
      body: [
        'After repeated failed sign-in attempts your Cipherpad account is locked for typed responses and codes.',
        'To unlock it, approve a sign-in online in the Cipherpad app on one of your activated devices.',
        'If no activated device is left, contact the operator of this Cipherpad service.',
        'If this was not you, someone may be trying to sign in as you.',
      ].join('\n'),
    });
  });

  it('sends nobody to an account recovery, which the service does not offer yet', async () => {
    const emails = await service.services.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', '=', 'blocked@example.com')
      .execute();
    expect(emails.length).toBeGreaterThan(5);
    for (const { body } of emails) expect(body).not.toMatch(/recover/i);
  });
});

describe('formatDuration', () => {
  it('counts in minutes, or in whole hours, with the right plural', () => {
    expect(formatDuration(60_000)).toBe('1 minute');
    expect(formatDuration(5 * 60_000)).toBe('5 minutes');
    expect(formatDuration(60 * 60_000)).toBe('1 hour');
    expect(formatDuration(120 * 60_000)).toBe('2 hours');
    expect(formatDuration(90 * 60_000)).toBe('90 minutes');
  });
});
