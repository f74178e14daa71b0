import { parseQrUri } from '@cipherpad/core';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { browserTestsEnabled } from './support/enabled.js';
import { RunningKeeper } from './support/keeper.js';
import { newestCode } from './support/outbox.js';
import { activateApp, appResponse, type Person, registerThroughTheApi } from './support/person.js';
import { Stage } from './support/stage.js';
import { attribute, text, until, visible } from './support/wait.js';

/**
 * Issue 4's journey: a person with Cipherpad and the phone app logs in to
 * the keeper through Cipherpad, turns confirmation on, and sends money four
 * times, confirming by typed Payment mode, by scanning the confirmation
 * window's QR code, by online approval and by an SMS code; a response made
 * for another amount is refused and moves nothing.
 */
describe.runIf(browserTestsEnabled)('a person paying with the keeper', () => {
  const person: Person = { email: `kim.${Date.now()}@example.com`, phone: '+442079460222' };
  const recipient = `lee.${Date.now()}@example.com`;
  let stage: Stage;
  let keeper: RunningKeeper;
  let wallet: Page;
  let app: Page;

  beforeAll(async () => {
    stage = await Stage.open();
    app = stage.app;
    await registerThroughTheApi(stage.service, person);
    await activateApp(app, stage.service, person);
    keeper = await RunningKeeper.start(stage.service);
    wallet = await stage.desk.newPage();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      await stage.screenshotFailure(`keeper-${context.task.name}`);
      await screenshot(
        wallet,
        `failed-keeper-${context.task.name.replace(/\W+/g, '-').slice(0, 60)}-wallet`,
      ).catch(() => {});
    }
  });

  afterAll(async () => {
    await keeper?.stop();
    await stage?.close();
  });

  it('serves its favicon, and every page links it', async () => {
    await wallet.goto(`${keeper.url}/`);
    await visible(wallet.getByTestId('email'));
    expect(await wallet.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.ico');
    const icon = await wallet.request.get(`${keeper.url}/favicon.ico`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toBe('image/x-icon');
    // An ICO file: reserved 0, type 1 (icon), one image.
    expect([...(await icon.body()).subarray(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]);
  });

  it('serves its built pages and nothing of its own server code', async () => {
    for (const path of ['/web-routes.js', '/web-routes.js.map', '/app/web-routes.js']) {
      const answer = await wallet.request.get(`${keeper.url}${path}`);
      expect(answer.status(), path).toBe(404);
      expect(answer.headers()['content-type'], path).toContain('text/html');
    }
  });

  it('logs in to the keeper through Cipherpad, allowing the keeper in the app the first time', async () => {
    await wallet.goto(`${keeper.url}/`);
    await wallet.getByTestId('email').fill(person.email);
    await wallet.getByTestId('login-submit').click();
    const number = (await text(wallet.getByTestId('match-number'), /^\s*\d{2}\s*$/)).trim();
    await screenshot(wallet, 'keeper-01-login');
    await approveInApp(number, { firstTime: true });
    await visible(wallet.getByTestId('wallet-id'), 15_000);
    expect(await wallet.getByTestId('wallet-id').textContent()).toMatch(/\d{12}/);
    await screenshot(wallet, 'keeper-02-wallet');
  });

  it('turns Cipherpad confirmation on, which itself needs a confirmation', async () => {
    await wallet.getByTestId('nav-settings').click();
    await wallet.getByTestId('conf-method-cipherpad').check();
    await wallet.getByTestId('conf-save').click();
    const challenge = (await text(wallet.getByTestId('challenge'), /\d{4}\D*\d{4}/)).replace(
      /\D/g,
      '',
    );
    await wallet.getByTestId('response').fill(await appResponse(app, challenge));
    await wallet.getByTestId('verify').click();
    await text(wallet.getByTestId('conf-current'), /Cipherpad/i);
    await screenshot(wallet, 'keeper-03-settings');
  });

  it('refuses a response made for another amount, then pays with the typed Payment-mode response', async () => {
    const before = await balance('Z');
    const payment = await startTransfer('12.50', 'Rent');
    expect(payment).toMatchObject({ amount: '12.5' });
    await screenshot(wallet, 'keeper-04-confirmation-window');

    // The keeper refuses the response made for another amount: the point of the step.
    stage.expectFailures({
      method: 'POST',
      path: /^\/api\/transfers\/[^/]+\/confirm$/,
      status: 401,
    });
    await wallet
      .getByTestId('response')
      .fill(await paymentResponse(payment.challenge, '13.50', payment.purse));
    await wallet.getByTestId('verify').click();
    await text(wallet.getByTestId('error'), /\S/);
    await screenshot(wallet, 'keeper-04b-wrong-amount-refused');

    await wallet
      .getByTestId('response')
      .fill(await paymentResponse(payment.challenge, payment.amount, payment.purse));
    await wallet.getByTestId('verify').click();
    await attribute(wallet.getByTestId('transfer-result'), 'data-status', /^completed$/, 10_000);
    // Paid once, the amount confirmed: the refused response moved nothing.
    expect(await balance('Z')).toBe(before - 12.5);
  });

  it('pays after the app’s camera reads the confirmation window’s QR code', async () => {
    const before = await balance('Z');
    const payment = await startTransfer('3,25', 'Books');
    stage.camera.showPng(await wallet.getByTestId('challenge-qr').screenshot());
    await app.getByTestId('nav-scan').click();
    await app.getByTestId('scan-start').click();
    await visible(app.getByTestId('screen-confirm'), 15_000);
    expect(await app.getByTestId('confirm-amount').textContent()).toContain('3.25');
    expect(await app.getByTestId('confirm-recipient').textContent()).toContain(payment.purse);
    await screenshot(app, 'keeper-05-app-scanned-payment');
    await app.getByTestId('confirm-show').click();
    const response = await attribute(app.getByTestId('confirm-response'), 'data-value', /^\d{8}$/);
    stage.camera.showBlank();
    await wallet.getByTestId('response').fill(response);
    await wallet.getByTestId('verify').click();
    await attribute(wallet.getByTestId('transfer-result'), 'data-status', /^completed$/, 10_000);
    expect(await balance('Z')).toBe(before - 3.25);
  });

  it('pays after one tap in the app, with the number the window shows', async () => {
    const before = await balance('Z');
    await startTransfer('1', 'Coffee');
    const number = (await text(wallet.getByTestId('match-number'), /^\s*\d{2}\s*$/)).trim();
    await approveInApp(number, { firstTime: false });
    await attribute(wallet.getByTestId('transfer-result'), 'data-status', /^completed$/, 15_000);
    expect(await balance('Z')).toBe(before - 1);
  });

  it('resumes a held transfer from the history after the page is reloaded', async () => {
    const before = await balance('Z');
    await startTransfer('4', 'Lamp');
    const uri = await attribute(wallet.getByTestId('challenge-qr'), 'data-uri', /^cipherpad:/);
    const number = (await text(wallet.getByTestId('match-number'), /^\s*\d{2}\s*$/)).trim();
    const validUntil = await wallet.getByTestId('valid-until').textContent();

    await wallet.reload();
    await visible(wallet.getByTestId('transfer-form'));
    expect(await wallet.getByTestId('confirm-panel').count()).toBe(0);
    const held = wallet.locator('[data-testid="history-row"][data-status="held"]');
    expect(await held.count()).toBe(1);
    expect(await held.getByTestId('history-status').textContent()).toMatch(/waiting/i);
    await screenshot(wallet, 'keeper-07a-held-after-reload');
    await held.getByTestId('history-resume').click();

    // The same confirmation, still pending: its QR code, number to match and expiry.
    await visible(wallet.getByTestId('confirm-panel'));
    expect(await attribute(wallet.getByTestId('challenge-qr'), 'data-uri', /^cipherpad:/)).toBe(
      uri,
    );
    expect((await wallet.getByTestId('match-number').textContent())?.trim()).toBe(number);
    expect(await wallet.getByTestId('valid-until').textContent()).toBe(validUntil);
    expect(await wallet.getByTestId('payment-details').textContent()).toContain('4.00');
    await screenshot(wallet, 'keeper-07b-resumed');
    await approveInApp(number, { firstTime: false });
    await attribute(wallet.getByTestId('transfer-result'), 'data-status', /^completed$/, 15_000);
    expect(await balance('Z')).toBe(before - 4);
  });

  it('cancels a held transfer from the history after the page is reloaded; nothing moves', async () => {
    const before = await balance('Z');
    await startTransfer('6', 'Gift');
    const number = (await text(wallet.getByTestId('match-number'), /^\s*\d{2}\s*$/)).trim();
    await wallet.reload();
    const held = wallet.locator('[data-testid="history-row"][data-status="held"]');
    await visible(held);
    const id = await held.getAttribute('data-id');
    await held.getByTestId('history-cancel').click();
    await attribute(wallet.getByTestId('transfer-result'), 'data-status', /^cancelled$/, 10_000);
    const row = wallet.locator(`[data-testid="history-row"][data-id="${id}"]`);
    await attribute(row, 'data-status', /^cancelled$/);
    expect(await row.getByTestId('history-resume').count()).toBe(0);
    expect(await balance('Z')).toBe(before);
    await screenshot(wallet, 'keeper-07c-cancelled');
    // Cipherpad's request is left to expire: approving it now in the app moves nothing.
    await approveInApp(number, { firstTime: false });
    await until(
      'the request answered in the app',
      () => app.locator('[data-testid^="approve-"][data-testid$="-form"]').count(),
      (forms) => forms === 0,
      10_000,
    );
    await wallet.reload();
    await attribute(row, 'data-status', /^cancelled$/);
    expect(await balance('Z')).toBe(before);
  });

  it('switches to SMS confirmation and pays with the code from the outbox', async () => {
    await wallet.getByTestId('nav-settings').click();
    await wallet.getByTestId('conf-method-sms').check();
    await wallet.getByTestId('conf-phone').fill(person.phone);
    await wallet.getByTestId('conf-save').click();
    const challenge = (await text(wallet.getByTestId('challenge'), /\d{4}\D*\d{4}/)).replace(
      /\D/g,
      '',
    );
    await wallet.getByTestId('response').fill(await appResponse(app, challenge));
    await wallet.getByTestId('verify').click();
    await text(wallet.getByTestId('conf-current'), /SMS/i);

    await wallet.getByTestId('nav-wallet').click();
    const before = await balance('Z');
    await fillTransfer('2.75', 'Flowers');
    await visible(wallet.getByTestId('sms-sent'));
    const sms = await newestCode(stage.service, person.phone, { pattern: /\b(\d{6})\b/ });
    expect(sms.body).toMatch(/Keeper Demo/);
    expect(sms.body).toMatch(/2\.75/);
    await screenshot(wallet, 'keeper-06-sms-window');
    await wallet.getByTestId('response').fill(sms.code);
    await wallet.getByTestId('verify').click();
    await attribute(wallet.getByTestId('transfer-result'), 'data-status', /^completed$/, 10_000);
    expect(await balance('Z')).toBe(before - 2.75);
    const paid = wallet.locator(
      '[data-testid="history-row"][data-direction="out"][data-status="completed"]',
    );
    await visible(paid.first());
    expect(await paid.count()).toBe(5);
    await screenshot(wallet, 'keeper-08-history');
  });

  it('signs out, the page sending the CSRF token the keeper now asks of a logout', async () => {
    await wallet.getByTestId('sign-out').click();
    await visible(wallet.getByTestId('email'), 10_000);
    const session = await wallet.evaluate(async () => (await fetch('/api/session')).json());
    expect(session).toMatchObject({ signedIn: false });
  });

  /** Fills the transfer form for `recipient` in Z and sends it. */
  async function fillTransfer(amount: string, note: string): Promise<void> {
    await visible(wallet.getByTestId('transfer-form'));
    await wallet.getByTestId('transfer-currency').selectOption('Z');
    await wallet.getByTestId('transfer-to').fill(recipient);
    await wallet.getByTestId('transfer-amount').fill(amount);
    await wallet.getByTestId('transfer-note').fill(note);
    await wallet.getByTestId('transfer-submit').click();
  }

  /** Sends a transfer that waits for its confirmation; returns the payment the window's QR code asks for. */
  async function startTransfer(amount: string, note: string) {
    await wallet.getByTestId('nav-wallet').click();
    await fillTransfer(amount, note);
    const uri = await attribute(wallet.getByTestId('challenge-qr'), 'data-uri', /^cipherpad:/);
    const request = parseQrUri(uri);
    if (request.kind !== 'payment')
      throw new Error(`the confirmation window shows a ${request.kind} QR code`);
    expect(await wallet.getByTestId('payment-details').textContent()).toContain(request.purse);
    return { challenge: request.challenge, amount: request.amount, purse: request.purse };
  }

  /** The app's Payment-mode response for a challenge, an amount and a purse. */
  async function paymentResponse(
    challenge: string,
    amount: string,
    purse: string,
  ): Promise<string> {
    await app.getByTestId('nav-payment').click();
    await app.getByTestId('pay-challenge').fill(challenge);
    await app.getByTestId('pay-amount').fill(amount);
    await app.getByTestId('pay-purse').fill(purse);
    await app.getByTestId('pay-submit').click();
    return attribute(app.getByTestId('pay-response'), 'data-value', /^\d{8}$/);
  }

  /** Approves the pending request in the app with the number the window shows. */
  async function approveInApp(
    number: string,
    { firstTime }: { firstTime: boolean },
  ): Promise<void> {
    await app.getByTestId('nav-requests').click();
    const field = app.locator('[data-testid^="approve-"][data-testid$="-number"]').first();
    await visible(field, 10_000);
    const notice = app.locator('[data-testid^="request-"][data-testid$="-first-time"]');
    expect(await notice.count()).toBe(firstTime ? 1 : 0);
    await field.fill(number);
    await app.locator('[data-testid^="approve-"][data-testid$="-submit"]').first().click();
  }

  /** The balance of the person's purse in `currency`, as the wallet page shows it. */
  async function balance(currency: string): Promise<number> {
    await wallet.getByTestId('nav-wallet').click();
    const row = wallet.locator(`[data-testid="purse-row"][data-currency="${currency}"]`);
    const shown = await text(row.getByTestId('purse-balance'), /\d/);
    return Number(shown.replace(/[^\d.,]/g, '').replace(/,/g, ''));
  }
});
