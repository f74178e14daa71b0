import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { browserTestsEnabled } from './support/enabled.js';
import { lastMessageId, newestCode } from './support/outbox.js';
import { appResponse, type Person } from './support/person.js';
import { Stage } from './support/stage.js';
import { attribute, text, visible } from './support/wait.js';

/**
 * PRODUCT.md flow 2 and the rest of flow 4 in the browser: a person who
 * starts from the phone app registers there, asks for the activation code
 * again ("forgot activation code"), activates with the new one while the
 * old one no longer works, and reads the original service's `enum:` QR form.
 */
describe.runIf(browserTestsEnabled)('a person who starts from the phone app', () => {
  const person: Person = { email: `noor.${Date.now()}@example.com`, phone: '+442079460333' };
  let stage: Stage;

  beforeAll(async () => {
    stage = await Stage.open();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await stage.screenshotFailure(`app-first-${context.task.name}`);
  });

  afterAll(async () => {
    await stage?.close();
  });

  it('registers in the app with the email and SMS codes', async () => {
    const { app, service } = stage;
    await app.goto(`${service.url}/app/`);
    await app.getByTestId('welcome-register').click();
    await app.getByTestId('register-email').fill(person.email);
    await app.getByTestId('register-phone').fill(person.phone);
    await app.getByTestId('register-submit').click();
    const emailCode = await newestCode(service, person.email, { pattern: /\b(\d{6})\b/ });
    await app.getByTestId('register-email-code').fill(emailCode.code);
    await app.getByTestId('register-email-code-submit').click();
    await visible(app.getByTestId('register-email-code-verified'));
    const smsCode = await newestCode(service, person.phone, { pattern: /\b(\d{6})\b/ });
    await app.getByTestId('register-sms-code').fill(smsCode.code);
    await app.getByTestId('register-sms-code-submit').click();
    // Both verified: the activation screen opens with the email filled in.
    await visible(app.getByTestId('screen-activate'));
    expect(await app.getByTestId('activate-email').inputValue()).toBe(person.email);
    await screenshot(app, 'app-first-01-registered');
  });

  it('asks for the activation code again, and only the new one activates', async () => {
    const { app, service } = stage;
    const first = await newestCode(service, person.phone, { pattern: /\b(\d{8,10})\b/ });
    const before = await lastMessageId(service, person.phone);
    await app.getByTestId('activate-resend').click();
    const again = await newestCode(service, person.phone, {
      afterId: before,
      pattern: /\b(\d{8,10})\b/,
    });
    expect(again.code).not.toBe(first.code);

    // The old code is refused by design: the point of the step.
    stage.expectFailures({ method: 'POST', path: '/v1/devices/activate', status: 400 });
    await app.getByTestId('activate-code').fill(first.code);
    await app.getByTestId('activate-submit').click();
    await text(app.getByTestId('activate-error'), /\S/);
    await screenshot(app, 'app-first-02-old-code-refused');

    await app.getByTestId('activate-code').fill(again.code);
    await app.getByTestId('activate-submit').click();
    await visible(app.getByTestId('screen-authorization'));
  });

  it('reads a login QR code in the original service’s enum: form, with the response a typed challenge gets', async () => {
    const { app, camera } = stage;
    camera.showPng(await QRCode.toBuffer('enum:l?c=20261122', { margin: 4, scale: 8 }));
    await app.getByTestId('nav-scan').click();
    await app.getByTestId('scan-start').click();
    await visible(app.getByTestId('screen-confirm'), 15_000);
    expect((await app.getByTestId('confirm-challenge').textContent())?.replace(/\D/g, '')).toBe(
      '20261122',
    );
    await app.getByTestId('confirm-show').click();
    const scanned = await attribute(app.getByTestId('confirm-response'), 'data-value', /^\d{8}$/);
    camera.showBlank();
    await screenshot(app, 'app-first-03-enum-qr');
    expect(await appResponse(app, '2026 1122')).toBe(scanned);
  });

  it('says what an enum: payment QR code leaves out: the site and the currency', async () => {
    const { app, camera } = stage;
    camera.showPng(
      await QRCode.toBuffer('enum:p?c=20261123&p=z123456789012&a=1%2C50', { margin: 4, scale: 8 }),
    );
    await app.getByTestId('nav-scan').click();
    await app.getByTestId('scan-start').click();
    await visible(app.getByTestId('screen-confirm'), 15_000);
    camera.showBlank();
    expect(await app.getByTestId('confirm-site').textContent()).toBe('not named in the QR code');
    expect(await app.getByTestId('confirm-amount').textContent()).toBe('1.5 (currency not given)');
    expect(await app.getByTestId('confirm-recipient').textContent()).toBe('Z123456789012');
  });
});
