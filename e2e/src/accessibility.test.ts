import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsEnabled } from './support/enabled.js';
import { RunningKeeper } from './support/keeper.js';
import { activateApp, type Person, registerThroughTheApi, signInTyped } from './support/person.js';
import { Stage } from './support/stage.js';
import { visible } from './support/wait.js';

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/**
 * The main screens of the security site and the phone app, and the
 * keeper's sign-in page, in English and Russian, audited with axe-core against WCAG 2.1 A and AA: no violation of
 * serious or critical impact (missing labels, names, contrast, landmarks,
 * language). The pages run with their CSP lifted here only so the checker
 * can be injected; every other browser test keeps it in force.
 */
describe.runIf(browserTestsEnabled)('accessibility of the site, the app and the keeper', () => {
  for (const locale of ['en-US', 'ru-RU']) {
    describe(locale, () => {
      const person: Person = {
        email: `audit.${locale}.${Date.now()}@example.com`,
        phone: locale === 'en-US' ? '+442079460101' : '+79161230101',
      };
      let stage: Stage;

      beforeAll(async () => {
        stage = await Stage.open(locale, { bypassCsp: true });
      });

      afterAll(async () => {
        await stage?.close();
      });

      it('site pages for a visitor: sign-in, registration, outbox, not found', async () => {
        const { site, service } = stage;
        // The not-found page answers 404 by design.
        stage.expectFailures({ method: 'GET', path: '/no-such-page', status: 404 });
        for (const path of ['/', '/register.html', '/outbox.html', '/no-such-page']) {
          await site.goto(`${service.url}${path}`);
          await visible(site.locator('main h1, main h2').first());
          expect(await seriousViolations(site), path).toEqual([]);
        }
      });

      it('site pages fit a phone’s screen: nothing wider than the viewport', async () => {
        const { phone, service } = stage;
        const page = await phone.newPage();
        for (const path of ['/', '/register.html', '/outbox.html', '/confirm.html']) {
          await page.goto(`${service.url}${path}`);
          await visible(page.locator('main h1, main h2').first());
          const { scrollWidth, innerWidth } = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
          }));
          expect(scrollWidth, path).toBeLessThanOrEqual(innerWidth);
        }
        await page.close();
      });

      it('the keeper’s sign-in page', async () => {
        const keeper = await RunningKeeper.start(stage.service);
        try {
          await stage.site.goto(`${keeper.url}/`);
          await visible(stage.site.getByTestId('email'));
          expect(await seriousViolations(stage.site), 'keeper sign-in').toEqual([]);
        } finally {
          await keeper.stop();
        }
      });

      it('the app from its welcome screen to answering, and the signed-in site', async () => {
        const { site, app, service } = stage;
        await app.goto(`${service.url}/app/`);
        await visible(app.getByTestId('screen-welcome'));
        expect(await seriousViolations(app), 'app welcome').toEqual([]);
        await app.getByTestId('welcome-activate').click();
        expect(await seriousViolations(app), 'app activation').toEqual([]);

        await registerThroughTheApi(service, person);
        await activateApp(app, service, person);
        expect(await seriousViolations(app), 'app answer').toEqual([]);
        for (const screen of ['payment', 'scan', 'requests', 'settings']) {
          await app.getByTestId(`nav-${screen}`).click();
          await visible(app.getByTestId(`screen-${screen}`));
          expect(await seriousViolations(app), `app ${screen}`).toEqual([]);
        }

        await signInTyped(site, app, service, person);
        expect(await seriousViolations(site), 'settings').toEqual([]);
        await site.goto(`${service.url}/activity.html`);
        await visible(site.getByTestId('activity-row').first());
        expect(await seriousViolations(site), 'activity').toEqual([]);
      });
    });
  }
});

/** axe-core's WCAG 2.1 A/AA violations of serious or critical impact on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(options: unknown): Promise<unknown> } }).axe;
    const results = (await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as { violations: AxeViolation[] };
    return results.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}
