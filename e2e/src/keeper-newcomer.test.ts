import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { browserTestsEnabled } from './support/enabled.js';
import { RunningKeeper } from './support/keeper.js';
import { newestCode } from './support/outbox.js';
import type { Person } from './support/person.js';
import { Stage } from './support/stage.js';
import { text, until, visible } from './support/wait.js';

/**
 * PRODUCT.md flow 3: someone without a Cipherpad account signs in to the
 * keeper. The keeper's confirmation window links to Cipherpad's confirm
 * page, where they register inline, activate the phone app from the QR code
 * it shows, and approve the very login they started, which the keeper then
 * completes by itself.
 */
describe.runIf(browserTestsEnabled)('a newcomer who meets Cipherpad at the keeper', () => {
  const person: Person = { email: `mo.${Date.now()}@example.com`, phone: '+442079460444' };
  let stage: Stage;
  let keeper: RunningKeeper;
  let wallet: Page;
  let confirm: Page;

  beforeAll(async () => {
    stage = await Stage.open();
    keeper = await RunningKeeper.start(stage.service);
    wallet = await stage.desk.newPage();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      await stage.screenshotFailure(`newcomer-${context.task.name}`);
      if (confirm) await screenshot(confirm, 'failed-newcomer-confirm-page').catch(() => {});
      await screenshot(wallet, 'failed-newcomer-wallet').catch(() => {});
    }
  });

  afterAll(async () => {
    await keeper?.stop();
    await stage?.close();
  });

  it('registers inline from the keeper’s sign-in, activates the app by QR code, and is signed in', async () => {
    const { app, camera, desk, service } = stage;
    await wallet.goto(`${keeper.url}/`);
    await wallet.getByTestId('email').fill(person.email);
    await wallet.getByTestId('login-submit').click();
    await visible(wallet.getByTestId('challenge'));
    const firstChallenge = (await wallet.getByTestId('challenge').textContent()) ?? '';
    expect(await wallet.getByTestId('reissued').isVisible()).toBe(false);

    // The keeper's window links to Cipherpad, in a new tab.
    const [page] = await Promise.all([
      desk.waitForEvent('page'),
      wallet.getByTestId('confirm-url').click(),
    ]);
    confirm = page;
    await visible(confirm.getByTestId('register-offer'));
    expect(await confirm.getByTestId('confirm-site').textContent()).toContain('Keeper Demo');
    await screenshot(confirm, 'newcomer-01-confirm-page');
    await confirm.getByTestId('confirm-register').click();

    await confirm.getByTestId('phone').fill(person.phone);
    await confirm.getByTestId('register-submit').click();
    const emailCode = await newestCode(service, person.email, { pattern: /\b(\d{6})\b/ });
    await confirm.getByTestId('email-code').fill(emailCode.code);
    await confirm.getByTestId('confirm-email').click();
    await visible(confirm.getByTestId('email-code-done'));
    const smsCode = await newestCode(service, person.phone, { pattern: /\b(\d{6})\b/ });
    await confirm.getByTestId('sms-code').fill(smsCode.code);
    await confirm.getByTestId('confirm-phone').click();

    // Activation from the QR code the page shows.
    await visible(confirm.getByTestId('activate-step'));
    camera.showPng(await (await visible(confirm.getByTestId('activation-qr'))).screenshot());
    await screenshot(confirm, 'newcomer-02-activation-qr');
    await app.goto(`${service.url}/app/`);
    await app.getByTestId('welcome-scan').click();
    await app.getByTestId('scan-start').click();
    await visible(app.getByTestId('screen-activate'), 15_000);
    expect(await app.getByTestId('activate-email').inputValue()).toBe(person.email);
    await app.getByTestId('activate-submit').click();
    await visible(app.getByTestId('screen-authorization'));
    camera.showBlank();

    // The page goes on to the same confirmation, now for the new account,
    // with a new challenge and number; the keeper's window, still open,
    // shows the same ones without a reload.
    const number = (
      await text(confirm.getByTestId('match-number'), /^\s*\d{2}\s*$/, 20_000)
    ).trim();
    await screenshot(confirm, 'newcomer-03-confirmation');
    const challenge = (await confirm.getByTestId('challenge').textContent())?.replace(/\D/g, '');
    await until(
      "the keeper's challenge after registration",
      async () => (await wallet.getByTestId('challenge').textContent())?.replace(/\D/g, ''),
      (shown) => shown === challenge,
      15_000,
    );
    expect(challenge).not.toBe(firstChallenge.replace(/\D/g, ''));
    expect(await wallet.getByTestId('reissued').isVisible()).toBe(true);
    const shown = (await wallet.getByTestId('match-number').textContent())?.trim() ?? '';
    expect(shown).toBe(number);
    expect(await wallet.getByTestId('challenge-qr').getAttribute('data-uri')).toContain(
      `c=${challenge}`,
    );
    await screenshot(wallet, 'newcomer-03-keeper-reissued');
    await app.getByTestId('nav-requests').click();
    const field = app.locator('[data-testid^="approve-"][data-testid$="-number"]').first();
    await visible(field, 10_000);
    expect(await app.locator('[data-testid^="request-"][data-testid$="-first-time"]').count()).toBe(
      1,
    );
    // The number typed is the one the keeper shows.
    await field.fill(shown);
    await app.locator('[data-testid^="approve-"][data-testid$="-submit"]').first().click();

    // The keeper, still waiting in its own tab, signs the newcomer in.
    await visible(wallet.getByTestId('wallet-id'), 20_000);
    await screenshot(wallet, 'newcomer-04-keeper-wallet');
  });
});
