import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { browserTestsEnabled } from './support/enabled.js';
import { RunningKeeper } from './support/keeper.js';
import { activateApp, type Person, registerThroughTheApi, signInTyped } from './support/person.js';
import { Stage } from './support/stage.js';
import { text, visible } from './support/wait.js';

/** A short idle time so the test is quick; the warning then shows a third of it before the end. */
const IDLE_SECONDS = 20;

/**
 * PSD2 RTS Art. 4(3)(d): a session ends after a time without activity. The
 * security site and the keeper warn before the end, "Stay signed in" keeps
 * the session, and when it ends the page returns to sign-in and says why.
 */
describe.runIf(browserTestsEnabled)('signed out after a time without activity', () => {
  const person: Person = { email: `ida.${Date.now()}@example.com`, phone: '+442079460333' };
  let stage: Stage;
  let keeper: RunningKeeper;
  let site: Page;
  let app: Page;

  beforeAll(async () => {
    stage = await Stage.open('en-US', { policy: { sessionIdleMs: IDLE_SECONDS * 1000 } });
    site = stage.site;
    app = stage.app;
    await registerThroughTheApi(stage.service, person);
    await activateApp(app, stage.service, person);
    keeper = await RunningKeeper.start(stage.service, {
      KEEPER_SESSION_IDLE_SECONDS: String(IDLE_SECONDS),
    });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      await stage.screenshotFailure(`inactivity-${context.task.name}`);
    }
  });

  afterAll(async () => {
    await keeper?.stop();
    await stage?.close();
  });

  /**
   * Waits for the warning, checks its countdown, keeps the session with
   * "Stay signed in", then lets the next warning run out: the page returns
   * to its sign-in page, which says the session ended for inactivity.
   */
  async function warnStayThenEnd(page: Page, name: string, signInPath: RegExp): Promise<void> {
    const warning = page.getByTestId('idle-warning');
    expect(await warning.isVisible()).toBe(false);
    await visible(warning, (IDLE_SECONDS + 5) * 1000);
    await text(page.getByTestId('idle-countdown'), /^0:0[1-7]$/);
    expect(
      await page.getByTestId('idle-stay').evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await screenshot(page, `${name}-idle-warning`);
    await page.getByTestId('idle-stay').click();
    await warning.waitFor({ state: 'hidden', timeout: 5000 });
    const stayedAt = Date.now();

    // Kept: the warning comes back only near the new end, and then runs out.
    await visible(warning, (IDLE_SECONDS + 5) * 1000);
    expect(Date.now() - stayedAt).toBeGreaterThan((IDLE_SECONDS * 1000 * 2) / 3 - 2000);
    await page.waitForURL(signInPath, { timeout: 15_000 });
    await text(page.getByTestId('status'), /signed out after a time without activity/i);
    await screenshot(page, `${name}-idle-ended`);
  }

  it('on the security site', async () => {
    await signInTyped(site, app, stage.service, person);
    await visible(site.getByTestId('sign-out'));
    await warnStayThenEnd(site, 'site', /\/\?next=%2Fsettings\.html&ended=idle$/);
    // The session is over on the service too: a reload stays signed out.
    await site.goto(`${stage.service.url}/settings.html`);
    await site.waitForURL(/\/\?next=/);
    expect(await site.getByTestId('sign-out').count()).toBe(0);
  });

  it('in the keeper', async () => {
    const wallet = await stage.desk.newPage();
    await wallet.goto(`${keeper.url}/`);
    await wallet.getByTestId('email').fill(person.email);
    await wallet.getByTestId('login-submit').click();
    const number = (await text(wallet.getByTestId('match-number'), /^\s*\d{2}\s*$/)).trim();
    await app.getByTestId('nav-requests').click();
    const field = app.locator('[data-testid^="approve-"][data-testid$="-number"]').first();
    await visible(field, 10_000);
    await field.fill(number);
    await app.locator('[data-testid^="approve-"][data-testid$="-submit"]').first().click();
    await visible(wallet.getByTestId('wallet-id'), 15_000);

    await warnStayThenEnd(wallet, 'keeper', /\/\?ended=idle$/);
    await wallet.goto(`${keeper.url}/wallet.html`);
    await visible(wallet.getByTestId('login-heading'));
  });
});
