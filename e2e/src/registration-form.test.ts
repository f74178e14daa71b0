import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { browserTestsEnabled } from './support/enabled.js';
import { type Person, registerThroughTheApi } from './support/person.js';
import type { RunningService } from './support/service.js';
import { Stage } from './support/stage.js';
import { text, until, visible } from './support/wait.js';

/**
 * A newcomer's first pages: nobody is signed in yet, and the registration
 * form says what is wrong with each field under that field, all at once.
 */
describe.runIf(browserTestsEnabled)('the registration form and an anonymous visit', () => {
  const taken: Person = { email: `tara.${Date.now()}@example.com`, phone: '+442079460444' };
  let stage: Stage;
  let service: RunningService;
  let site: Page;

  beforeAll(async () => {
    stage = await Stage.open();
    ({ service, site } = stage);
    await registerThroughTheApi(service, taken);
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await stage.screenshotFailure(`registration-${context.task.name}`);
  });

  afterAll(async () => {
    await stage?.close();
  });

  /** The ids `aria-describedby` of `input` names. */
  async function describedBy(input: Locator): Promise<string[]> {
    return ((await input.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  }

  it('loads every page for a visitor without a failed request or a console error', async () => {
    const asked: number[] = [];
    const listen = (response: import('playwright-core').Response) => {
      if (new URL(response.url()).pathname === '/v1/session') asked.push(response.status());
    };
    site.on('response', listen);
    for (const path of ['/', '/register.html', '/outbox.html', '/activity.html']) {
      await site.goto(`${service.url}${path}`);
      await visible(site.locator('main h1').first());
    }
    site.off('response', listen);
    // Each page asked whether someone is signed in, and was told "no" without a refusal;
    // the signed-in page sent the visitor to sign in. The step's end checks the rest.
    expect(asked.length).toBeGreaterThanOrEqual(4);
    expect(asked.every((status) => status === 200)).toBe(true);
    expect(new URL(site.url()).pathname).toBe('/');
  });

  it('shows every field’s mistake under that field, at once, linked for screen readers', async () => {
    await site.goto(`${service.url}/register.html`);
    const email = site.getByTestId('email');
    const phone = site.getByTestId('phone');
    const emailError = site.getByTestId('email-error');
    const phoneError = site.getByTestId('phone-error');
    await site.getByTestId('register-submit').click();
    await text(emailError, /enter your email/i);
    await text(phoneError, /enter your phone/i);
    for (const [input, error] of [
      [email, emailError],
      [phone, phoneError],
    ] as const) {
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect(await describedBy(input)).toContain(await error.getAttribute('id'));
      // The message sits inside the field, right below its input.
      const field = input.locator('xpath=ancestor::div[contains(@class,"field")][1]');
      expect(
        await field.getByTestId(error === emailError ? 'email-error' : 'phone-error').count(),
      ).toBe(1);
      const [inputBox, errorBox] = [await input.boundingBox(), await error.boundingBox()];
      expect(errorBox!.y).toBeGreaterThan(inputBox!.y);
    }
    // The email's message is above the phone field, never under it.
    expect((await emailError.boundingBox())!.y).toBeLessThan((await phone.boundingBox())!.y);
    expect(await email.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await site.getByTestId('error').isVisible()).toBe(false);
    await screenshot(site, 'registration-both-fields-wrong');

    // Fixing one field clears its message; the other stays, and gets the focus.
    await email.fill('new.person@example.com');
    await phone.fill('12345');
    await site.getByTestId('register-submit').click();
    await text(phoneError, /international|country|\+/i);
    expect(await emailError.isVisible()).toBe(false);
    expect(await email.getAttribute('aria-invalid')).toBeNull();
    expect(await describedBy(email)).not.toContain(await emailError.getAttribute('id'));
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    expect(await phone.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('puts the service’s refusal of a taken email under the email field', async () => {
    await site.goto(`${service.url}/register.html`);
    await site.getByTestId('email').fill(taken.email);
    await site.getByTestId('phone').fill('+442079460445');
    // The service refuses a registration of an email that has an account: the point of the step.
    stage.expectFailures({ method: 'POST', path: '/v1/registrations', status: 409 });
    await site.getByTestId('register-submit').click();
    const emailError = site.getByTestId('email-error');
    await text(emailError, /already exists/i);
    expect(await site.getByTestId('phone-error').isVisible()).toBe(false);
    expect(await site.getByTestId('error').isVisible()).toBe(false);
    expect(await site.getByTestId('email').getAttribute('aria-invalid')).toBe('true');
    expect(await site.getByTestId('phone').getAttribute('aria-invalid')).toBeNull();
    await until(
      'the email field focused',
      () => site.getByTestId('email').evaluate((el) => el === document.activeElement),
      (focused) => focused,
    );
  });
});
