import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { phoneContext, screenshot } from './support/browser.js';
import { browserTestsEnabled } from './support/enabled.js';
import type { FakeCamera } from './support/fake-camera.js';
import { newestCode } from './support/outbox.js';
import { appResponse, type Person, signInTyped, startSignIn } from './support/person.js';
import type { RunningService } from './support/service.js';
import { Stage } from './support/stage.js';
import { attribute, text, until, visible } from './support/wait.js';

/**
 * The journey of issue 3 as a person takes it, in one browser: the security
 * site in a desktop window, the phone app in a phone-sized one whose camera
 * is Chromium's fake camera, fed with screenshots of the site's QR codes.
 */
describe.runIf(browserTestsEnabled)('a person with the security site and the phone app', () => {
  const email = `ada.${Date.now()}@example.com`;
  const phone = '+44 20 7946 0018';
  const pin = '482916';
  const person: Person = { email, phone, pin };
  let stage: Stage;
  let service: RunningService;
  let browser: Browser;
  let camera: FakeCamera;
  let desk: BrowserContext;
  let phoneCtx: BrowserContext;
  let site: Page;
  let app: Page;
  let newPhoneContext: BrowserContext;
  let newPhone: Page;

  beforeAll(async () => {
    stage = await Stage.open();
    ({ service, camera, browser, desk, site, app } = stage);
    phoneCtx = stage.phone;
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await stage.screenshotFailure(context.task.name);
  });

  afterAll(async () => {
    await stage?.close();
  });

  it('registers on the site with the codes read from the outbox', async () => {
    await site.goto(`${service.url}/register.html`);
    await site.getByTestId('email').fill(email);
    await site.getByTestId('phone').fill(phone);
    await site.getByTestId('register-submit').click();
    await visible(site.getByTestId('email-code'));
    await screenshot(site, '01-site-registration-codes');

    // The person reads the email code on the site's outbox page, in a second tab.
    const outbox = await desk.newPage();
    await outbox.goto(`${service.url}/outbox.html`);
    const emailMessage = outbox
      .getByTestId('outbox-message')
      .filter({ has: outbox.getByTestId('outbox-to').getByText(email) })
      .first();
    await visible(emailMessage);
    const emailBody = (await emailMessage.getByTestId('outbox-body').textContent()) ?? '';
    const emailCode = /\b(\d{6})\b/.exec(emailBody)?.[1];
    expect(emailCode, 'a 6-digit code in the email').toBeTruthy();
    await screenshot(outbox, '02-site-outbox');
    await outbox.close();

    await site.getByTestId('email-code').fill(emailCode ?? '');
    await site.getByTestId('confirm-email').click();
    await visible(site.getByTestId('email-code-done'));
    const sms = await newestCode(service, '+442079460018', { pattern: /\b(\d{6})\b/ });
    await site.getByTestId('sms-code').fill(sms.code);
    await site.getByTestId('confirm-phone').click();
    await visible(site.getByTestId('done-heading'));
    await screenshot(site, '03-site-registered');
  });

  it('activates the phone app with the email and the activation code from the SMS, with a PIN', async () => {
    const activation = await newestCode(service, '+442079460018', {
      pattern: /\b(\d{8,10})\b|\b([A-Z0-9]{4}-[A-Z0-9]{4}(?:-[A-Z0-9]{4})?)\b/,
    });
    await app.goto(`${service.url}/app/`);
    await app.getByTestId('welcome-activate').click();
    await app.getByTestId('activate-email').fill(email);
    await app.getByTestId('activate-code').fill(activation.code);
    await app.getByTestId('activate-name').fill('Ada’s phone');
    await app.getByTestId('activate-use-pin').check();
    await app.getByTestId('activate-pin').fill(pin);
    await app.getByTestId('activate-pin-repeat').fill(pin);
    await app.getByTestId('activate-wipe-5').check();
    await screenshot(app, '04-app-activation');
    await app.getByTestId('activate-submit').click();
    await visible(app.getByTestId('screen-authorization'));
  });

  it('logs in by typing the challenge into the app, with the phone offline', async () => {
    const challenge = await startSignIn(site, service, person);
    expect(challenge).toMatch(/^\d{8}$/);
    await screenshot(site, '05-site-challenge');

    // Airplane mode: the app reloads from its service worker and still answers.
    await phoneCtx.setOffline(true);
    await app.reload();
    await unlockApp();
    await app.getByTestId('nav-authorization').click();
    await app.getByTestId('auth-challenge').fill(challenge);
    const response = app.getByTestId('auth-response');
    await attribute(response, 'data-value', /^\d{8}$/);
    const digits = (await response.getAttribute('data-value')) ?? '';
    await visible(app.getByTestId('offline-badge'));
    await screenshot(app, '06-app-offline-response');
    await phoneCtx.setOffline(false);

    await site.getByTestId('response').fill(digits);
    await site.getByTestId('verify').click();
    await site.waitForURL(/\/settings(\.html)?/);
    await text(site.getByTestId('devices'), /Ada’s phone/);
    await signOut();
  });

  it('logs in by scanning the site’s QR code with the app’s camera', async () => {
    await startSignIn(site, service, person);
    camera.showPng(await site.getByTestId('challenge-qr').screenshot());
    await app.getByTestId('nav-scan').click();
    await app.getByTestId('scan-start').click();
    await visible(app.getByTestId('screen-confirm'), 15_000);
    await visible(app.getByTestId('confirm-operation'));
    await app.getByTestId('confirm-show').click();
    const response = app.getByTestId('confirm-response');
    await attribute(response, 'data-value', /^\d{8}$/);
    await screenshot(app, '07-app-scanned-login');
    camera.showBlank();

    await site.getByTestId('response').fill((await response.getAttribute('data-value')) ?? '');
    await site.getByTestId('verify').click();
    await site.waitForURL(/\/settings(\.html)?/);
    await signOut();
  });

  it('logs in by approving online, after typing the number the site shows', async () => {
    await startSignIn(site, service, person);
    const number = (await site.getByTestId('match-number').textContent())?.trim() ?? '';
    expect(number).toMatch(/^\d{2}$/);
    await app.getByTestId('nav-requests').click();
    const numberField = app.locator('[data-testid^="approve-"][data-testid$="-number"]').first();
    await visible(numberField, 10_000);
    await screenshot(app, '08-app-pending-request');
    await numberField.fill(number);
    await app.locator('[data-testid^="approve-"][data-testid$="-submit"]').first().click();
    // The site goes on by itself.
    await site.waitForURL(/\/settings(\.html)?/, { timeout: 15_000 });
    await signOut();
  });

  it('denies an attempt in the app, and the site says so', async () => {
    await startSignIn(site, service, person);
    await app.getByTestId('nav-requests').click();
    const deny = app.locator('[data-testid^="approve-"][data-testid$="-deny"]').first();
    await visible(deny, 10_000);
    await deny.click();
    await visible(site.getByTestId('error').filter({ hasText: /denied/i }), 15_000);
    await screenshot(site, '09-site-denied');
  });

  it('turns confirmation on, which itself asks for a confirmation', async () => {
    await signInTyped(site, app, service, person);
    await site.getByTestId('conf-method-app').check();
    await site.getByTestId('conf-op-payment').check();
    await site.getByTestId('conf-save').click();
    const challenge = (await site.getByTestId('challenge').textContent())?.replace(/\D/g, '') ?? '';
    expect(challenge).toMatch(/^\d{8}$/);
    // The app says what changes, and what typing the site's number would make sure of.
    await app.getByTestId('nav-requests').click();
    const change = app.locator('[data-testid^="request-"][data-testid$="-operations"]').first();
    await text(change, /Payment/, 10_000);
    await text(
      app.locator('[data-testid^="request-"][data-testid$="-method"]').first(),
      /The phone app/,
    );
    await text(
      app.locator('[id^="approve-"][id$="-number-help"]').first(),
      /to be sure you are the one changing your account/,
    );
    await site.getByTestId('response').fill(await appResponse(app, challenge));
    await site.getByTestId('verify').click();
    await visible(site.getByTestId('conf-result'));
    await screenshot(site, '10-site-settings');
  });

  it('adds a new phone by scanning the activation QR code the site shows once the old phone confirmed it', async () => {
    await site.getByTestId('activation-qr-button').click();
    // A session alone shows no activation code: the phone the person has confirms it first,
    // online with the number to match, and the app says what it approves.
    const number = (await text(site.getByTestId('match-number'), /^\s*\d{2}\s*$/)).trim();
    await app.getByTestId('nav-requests').click();
    const request = app.locator('[data-testid^="approve-"][data-testid$="-number"]').first();
    await visible(request, 10_000);
    await text(
      app.locator('[data-testid^="request-"][data-testid$="-operation"]').first(),
      /Add a new device/,
    );
    await screenshot(app, '11-app-add-device-request');
    await request.fill(number);
    await app.locator('[data-testid^="approve-"][data-testid$="-submit"]').first().click();
    camera.showPng(await (await visible(site.getByTestId('activation-qr'))).screenshot());
    newPhoneContext = await phoneContext(browser, service.url);
    stage.watch(newPhoneContext);
    newPhone = await newPhoneContext.newPage();
    await newPhone.goto(`${service.url}/app/`);
    await newPhone.getByTestId('welcome-scan').click();
    await newPhone.getByTestId('scan-start').click();
    await visible(newPhone.getByTestId('screen-activate'), 15_000);
    expect(await newPhone.getByTestId('activate-email').inputValue()).toBe(email);
    await newPhone.getByTestId('activate-name').fill('Ada’s new phone');
    await newPhone.getByTestId('activate-submit').click();
    await visible(newPhone.getByTestId('screen-authorization'));
    camera.showBlank();
    // The old phone is told at once: the new device's name, the time and the address.
    await text(app.getByTestId('device-banner'), /Ada’s new phone.*127\.0\.0\.1/, 10_000);
    await app.getByTestId('device-banner-dismiss').click();
    await site.reload();
    const row = await visible(deviceRow('Ada’s new phone'));
    await row.getByTestId('rename').click();
    await row.getByTestId('new-name').fill('Ada’s Pixel');
    await row.getByTestId('save-name').click();
    await visible(deviceRow('Ada’s Pixel'));
    // The renamed phone hears of it at once and shows its new name.
    await newPhone.getByTestId('nav-settings').click();
    await text(newPhone.getByTestId('settings-device-name'), /^Ada’s Pixel$/, 10_000);
  });

  it('deactivates the old phone, signs in with the new one, and sees every step in the activity log', async () => {
    const row = deviceRow('Ada’s phone');
    // The old phone, still open, learns of its deactivation when its poll is refused.
    stage.expectFailures({ method: 'GET', path: '/v1/device/requests', status: 401 });
    await row.getByTestId('deactivate').click();
    await row.getByTestId('confirm-deactivate').click();
    // The deactivation is confirmed with a device too: here the new phone, offline, types the
    // challenge the site shows.
    const challenge = (await text(row.getByTestId('challenge'), /\d{4}\D*\d{4}/)).replace(
      /\D/g,
      '',
    );
    await row.getByTestId('response').fill(await appResponse(newPhone, challenge));
    await row.getByTestId('verify').click();
    // The old phone's sessions end with it, this one included: sign in with the new phone.
    await until(
      'the old phone deactivated or the session ended',
      async () => (await row.getAttribute('data-status', { timeout: 200 })) ?? site.url(),
      (state) => state === 'deactivated' || !/settings/.test(site.url()),
    );
    await signInTyped(site, newPhone, service, person);

    await site.goto(`${service.url}/activity.html`);
    await visible(site.getByTestId('activity-row').first());
    const seen = await site
      .getByTestId('activity-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type')));
    expect(seen.filter((type) => type === 'login.succeeded').length).toBeGreaterThanOrEqual(5);
    expect(seen.filter((type) => type === 'device.activated')).toHaveLength(2);
    expect(seen).toEqual(
      expect.arrayContaining([
        'login.denied',
        'confirmation.changed',
        'device.renamed',
        'device.deactivated',
        'device.operation-confirmed',
      ]),
    );
    expect(
      await site
        .locator('[data-testid="activity-row"][data-type="login.denied"][data-suspicious="true"]')
        .count(),
    ).toBe(1);
    await screenshot(site, '12-site-activity');
  });

  /** The settings page's row of the device named `name`. */
  function deviceRow(name: string) {
    return site
      .getByTestId('device-row')
      .filter({ has: site.getByTestId('device-name').getByText(name, { exact: true }) });
  }

  async function unlockApp(): Promise<void> {
    await visible(app.getByTestId('screen-unlock'));
    await app.getByTestId('unlock-pin').fill(pin);
    await app.getByTestId('unlock-submit').click();
    await visible(app.getByTestId('screen-authorization'));
  }

  async function signOut(): Promise<void> {
    await site.getByTestId('sign-out').click();
    await visible(site.getByTestId('login-submit'));
  }
});
