import type { Page } from 'playwright-core';
import { newestCode } from './outbox.js';
import type { RunningService } from './service.js';
import { attribute, text, visible } from './wait.js';

/** Someone with an email and a phone, who uses the site and the phone app. */
export interface Person {
  readonly email: string;
  readonly phone: string;
  /** The app's PIN; none when undefined. */
  readonly pin?: string;
}

/** Registers `person` through the API (the journey does it in the browser). */
export async function registerThroughTheApi(
  service: RunningService,
  person: Person,
): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const answer = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`POST ${path} → ${answer.status}: ${await answer.text()}`);
    return (await answer.json()) as { id: string };
  };
  const { id } = await post('/v1/registrations', { email: person.email, phone: person.phone });
  const emailCode = await newestCode(service, person.email, { pattern: /\b(\d{6})\b/ });
  await post(`/v1/registrations/${id}/email-verification`, { code: emailCode.code });
  const smsCode = await newestCode(service, person.phone, { pattern: /\b(\d{6})\b/ });
  await post(`/v1/registrations/${id}/phone-verification`, { code: smsCode.code });
}

/** Activates the phone app in `app` with the activation code the SMS brought. */
export async function activateApp(
  app: Page,
  service: RunningService,
  person: Person,
): Promise<void> {
  const activation = await newestCode(service, person.phone, { pattern: /\b(\d{8,10})\b/ });
  await app.goto(`${service.url}/app/`);
  await app.getByTestId('welcome-activate').click();
  await app.getByTestId('activate-email').fill(person.email);
  await app.getByTestId('activate-code').fill(activation.code);
  if (person.pin) {
    await app.getByTestId('activate-use-pin').check();
    await app.getByTestId('activate-pin').fill(person.pin);
    await app.getByTestId('activate-pin-repeat').fill(person.pin);
    await app.getByTestId('activate-wipe-5').check();
  }
  await app.getByTestId('activate-submit').click();
  await visible(app.getByTestId('screen-authorization'));
}

/** Starts a sign-in on the site and returns its challenge. */
export async function startSignIn(
  site: Page,
  service: RunningService,
  person: Person,
): Promise<string> {
  await site.goto(`${service.url}/`);
  await site.getByTestId('email').fill(person.email);
  await site.getByTestId('login-submit').click();
  const digits = await text(site.getByTestId('challenge'), /\d{4}\D*\d{4}/);
  return digits.replace(/\D/g, '');
}

/** The app's Authorization-mode response to `challenge`. */
export async function appResponse(app: Page, challenge: string): Promise<string> {
  await app.getByTestId('nav-authorization').click();
  await app.getByTestId('auth-clear').click();
  await app.getByTestId('auth-challenge').fill(challenge);
  return attribute(app.getByTestId('auth-response'), 'data-value', /^\d{8}$/);
}

/** Signs in on the site with a typed response from the app. */
export async function signInTyped(
  site: Page,
  app: Page,
  service: RunningService,
  person: Person,
): Promise<void> {
  const challenge = await startSignIn(site, service, person);
  await site.getByTestId('response').fill(await appResponse(app, challenge));
  await site.getByTestId('verify').click();
  await site.waitForURL(/\/settings(\.html)?/);
}
