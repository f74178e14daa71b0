import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../cipherpad/verify-webhook.js';
import { FakeCipherpad, fakeResponse } from '../testing/fake-cipherpad.js';
import { startTestKeeper, type TestKeeper } from '../testing/test-keeper.js';

const WEBHOOK_SECRET = 'whsec-log-test-secret-0123456789';
const lines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});
let fake: FakeCipherpad;
let keeper: TestKeeper;
let wrongCredentials: TestKeeper;

beforeAll(async () => {
  fake = await new FakeCipherpad().start();
  const env = { KEEPER_LOG_LEVEL: 'trace' };
  keeper = await startTestKeeper({
    cipherpadUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    webhookSecret: WEBHOOK_SECRET,
    env,
    logStream,
  });
  wrongCredentials = await startTestKeeper({
    cipherpadUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: 'a-wrong-but-well-formed-client-secret-42',
    env,
    logStream,
  });
});
afterAll(async () => {
  await wrongCredentials?.close();
  await keeper?.close();
  await fake?.stop();
});

describe('the keeper’s request log', () => {
  it('writes no session cookie, CSRF token, response, code, authorization or webhook signature', async () => {
    const secrets: Record<string, string> = {};
    const browser = keeper.browser();
    const started = await browser.call('POST', '/api/login', { email: 'logged@example.com' });
    const { id, challenge } = started.json();
    secrets.loginCookie = browser.cookies.get('keeper_login') ?? '';
    secrets.wrongResponse = '13579246';
    await browser.call('POST', `/api/login/${id}/verify`, { response: secrets.wrongResponse });
    secrets.response = fakeResponse(challenge);
    const verified = await browser.call('POST', `/api/login/${id}/verify`, {
      response: secrets.response,
    });
    expect(verified.json()).toMatchObject({ signedIn: true });
    secrets.sessionCookie = browser.cookies.get('keeper_session') ?? '';
    secrets.csrfToken = browser.csrfToken;

    // An SMS code typed to confirm a settings change.
    const change = await browser.call('POST', '/api/settings/changes', {
      method: 'sms',
      phone: '+44 20 7946 0999',
    });
    expect(change.json().channel).toBe('sms');
    secrets.smsCode = fake.last('sms').code;
    const applied = await browser.call('POST', `/api/settings/changes/${change.json().id}/verify`, {
      response: secrets.smsCode,
    });
    expect(applied.json()).toMatchObject({ applied: true });

    // A webhook, its signature and an authorization header sent along.
    const body = JSON.stringify({
      type: 'confirmation.updated',
      confirmation: { id: 'no-such-confirmation', status: 'confirmed' },
    });
    secrets.signature = signWebhook(body, WEBHOOK_SECRET, Date.now()).split('v1=')[1] ?? '';
    const hook = await keeper.app.inject({
      method: 'POST',
      url: '/webhooks/cipherpad',
      headers: {
        'content-type': 'application/json',
        'cipherpad-signature': signWebhook(body, WEBHOOK_SECRET, Date.now()),
        authorization: 'Bearer bearer-token-that-must-not-be-logged',
      },
      payload: body,
    });
    expect(hook.statusCode).toBe(204);
    secrets.bearer = 'bearer-token-that-must-not-be-logged';
    // A secret in a query string: the log keeps the path only.
    secrets.query = 'query-secret-that-must-not-be-logged';
    await browser.call('GET', `/api/session?token=${secrets.query}`);

    // The keeper's own credentials, refused by Cipherpad (logged as trouble).
    const refused = await wrongCredentials
      .browser()
      .call('POST', '/api/login', { email: 'someone@example.com' });
    expect(refused.json().error).toBe('ERR_CIPHERPAD_UNAVAILABLE');
    secrets.clientSecret = 'a-wrong-but-well-formed-client-secret-42';
    secrets.basic = Buffer.from(`${fake.clientId}:${secrets.clientSecret}`).toString('base64');

    await new Promise((resolve) => setTimeout(resolve, 50));
    const entries = lines.map((line) => JSON.parse(line));
    const completed = entries.filter((entry) => entry.msg === 'request completed');
    // The log is written: one line per request, with what it is for.
    expect(completed.length).toBeGreaterThanOrEqual(8);
    expect(completed.map((entry) => entry.req.path)).toContain(`/api/login/${id}/verify`);
    expect(completed.map((entry) => entry.req.path)).toContain('/webhooks/cipherpad');
    expect(entries.some((entry) => entry.msg === 'Cipherpad refused a request')).toBe(true);
    for (const entry of completed) {
      expect(Object.keys(entry.req).sort()).toEqual(['id', 'ip', 'method', 'path']);
    }
    const text = lines.join('\n');
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThanOrEqual(6);
      expect(text.includes(secret), `${name} appears in the log`).toBe(false);
    }
    for (const word of ['cookie', 'x-csrf-token', 'cipherpad-signature', 'authorization']) {
      expect(text.toLowerCase().includes(word), word).toBe(false);
    }
  });
});
