import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { browserTestsEnabled } from './support/enabled.js';
import { activateApp, type Person, registerThroughTheApi, startSignIn } from './support/person.js';
import type { RunningService } from './support/service.js';
import { Stage } from './support/stage.js';
import { visible } from './support/wait.js';

/**
 * docs/security.md: a stranger who knows the email blocks typed responses
 * with wrong guesses; the person still signs in by approving in the app, and
 * the activity log says how many wrong attempts there were and from where.
 */
describe.runIf(browserTestsEnabled)('a stranger’s guesses do not keep the person out', () => {
  const person: Person = { email: `grace.${Date.now()}@example.com`, phone: '+44 20 7946 0077' };
  let stage: Stage;
  let service: RunningService;
  let site: Page;
  let app: Page;

  beforeAll(async () => {
    stage = await Stage.open();
    ({ service, site, app } = stage);
    await registerThroughTheApi(service, person);
    await activateApp(app, service, person);
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await stage.screenshotFailure(context.task.name);
  });

  afterAll(async () => {
    await stage?.close();
  });

  async function post(path: string, body: unknown): Promise<{ error?: string; id?: string }> {
    const answer = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await answer.json()) as { error?: string; id?: string };
  }

  it('signs in by approving online while typed responses are blocked, and the log tells', async () => {
    // The stranger: 3 wrong responses close one login, 2 more on another block the account.
    const errors: (string | undefined)[] = [];
    for (const guesses of [3, 2]) {
      const { id } = await post('/v1/logins', { email: person.email });
      for (let i = 0; i < guesses; i++) {
        errors.push((await post(`/v1/logins/${id}/verify`, { response: '00000000' })).error);
      }
    }
    expect(errors.at(-1)).toBe('ERR_ACCOUNT_BLOCKED');

    // The person sees the stranger's request in the app and denies it.
    await app.getByTestId('nav-requests').click();
    const deny = app.locator('[data-testid^="approve-"][data-testid$="-deny"]').first();
    await visible(deny, 10_000);
    await deny.click();
    await visible(app.getByTestId('requests-empty'), 10_000);

    // Then signs in by typing the site's number into the app.
    await startSignIn(site, service, person);
    const number = (await site.getByTestId('match-number').textContent())?.trim() ?? '';
    expect(number).toMatch(/^\d{2}$/);
    const numberField = app.locator('[data-testid^="approve-"][data-testid$="-number"]').first();
    await visible(numberField, 10_000);
    await numberField.fill(number);
    await app.locator('[data-testid^="approve-"][data-testid$="-submit"]').first().click();
    await site.waitForURL(/\/settings(\.html)?/, { timeout: 15_000 });

    await site.goto(`${service.url}/activity.html`);
    const ended = site.locator(
      '[data-testid="activity-row"][data-type="account.unblocked"][data-suspicious="true"]',
    );
    await visible(ended);
    const facts = await ended
      .locator('dl')
      .evaluate((list) =>
        Object.fromEntries(
          [...list.querySelectorAll('dt')].map((term) => [
            term.textContent?.trim(),
            term.nextElementSibling?.textContent?.trim(),
          ]),
        ),
      );
    expect(facts['Wrong attempts']).toBe('5');
    expect(facts.From).toBe('127.0.0.1');
    expect(facts.First).toMatch(/\d/);
    expect(facts.Last).toMatch(/\d/);
    await screenshot(site, 'stranger-01-site-activity-unblocked');
  });
});
