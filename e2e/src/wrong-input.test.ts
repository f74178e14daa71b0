import type { Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { browserTestsEnabled } from './support/enabled.js';
import type { FakeCamera } from './support/fake-camera.js';
import {
  activateApp,
  appResponse,
  type Person,
  registerThroughTheApi,
  startSignIn,
} from './support/person.js';
import type { RunningService } from './support/service.js';
import { Stage } from './support/stage.js';
import { text, visible } from './support/wait.js';

const CYRILLIC = /[А-Яа-яЁё]/;
/** The sign-in's typed response, refused by design in these steps. */
const VERIFY = /^\/v1\/logins\/[^/]+\/verify$/;

/**
 * Wrong input in the browser, for a person who reads Russian: each mistake
 * shows a clear message in their language, and leaves nothing half-done
 * (no session opened, keys and challenges still usable where they should be).
 */
describe.runIf(browserTestsEnabled)('wrong input, in the person’s language', () => {
  const pin = '135790';
  const person: Person = { email: `boris.${Date.now()}@example.com`, phone: '+79161234567', pin };
  let stage: Stage;
  let service: RunningService;
  let camera: FakeCamera;
  let site: Page;
  let app: Page;

  beforeAll(async () => {
    stage = await Stage.open('ru-RU');
    ({ service, camera, site, app } = stage);
    await registerThroughTheApi(service, person);
    await activateApp(app, service, person);
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await stage.screenshotFailure(`ru-${context.task.name}`);
  });

  afterAll(async () => {
    await stage?.close();
  });

  it('a wrong PIN says how many tries are left, and the right one still opens the keys', async () => {
    await app.reload();
    await visible(app.getByTestId('screen-unlock'));
    await app.getByTestId('unlock-pin').fill('000000');
    await app.getByTestId('unlock-submit').click();
    const message = await text(app.getByTestId('unlock-error'), /4/);
    expect(message).toMatch(CYRILLIC);
    await screenshot(app, 'ru-01-app-wrong-pin');
    await app.getByTestId('unlock-pin').fill(pin);
    await app.getByTestId('unlock-submit').click();
    await visible(app.getByTestId('screen-authorization'));
  });

  it('a QR code that is not Cipherpad’s, or a broken Cipherpad one, is named as such', async () => {
    await app.getByTestId('nav-scan').click();
    for (const content of ['https://example.com/promo', 'cipherpad:login?challenge=1234']) {
      camera.showPng(await QRCode.toBuffer(content, { margin: 4, scale: 8 }));
      await app.getByTestId('scan-start').click();
      const message = await text(app.getByTestId('scan-error'), CYRILLIC, 15_000);
      expect(message, content).toMatch(/QR/);
      await screenshot(
        app,
        `ru-02-app-unreadable-qr-${content.startsWith('https') ? 'foreign' : 'broken'}`,
      );
      if (await app.getByTestId('scan-stop').isVisible())
        await app.getByTestId('scan-stop').click();
    }
    camera.showBlank();
    // Nothing was answered or approved: the app is where it was.
    await visible(app.getByTestId('screen-scan'));
  });

  it('a wrong response says so with the attempts left, opens no session, and the right one still works', async () => {
    stage.expectFailures({ method: 'POST', path: VERIFY, status: 401 });
    const challenge = await startSignIn(site, service, person);
    await site.getByTestId('response').fill('00000000');
    await site.getByTestId('verify').click();
    const message = await text(site.getByTestId('error'), /2/);
    expect(message).toMatch(CYRILLIC);
    await screenshot(site, 'ru-03-site-wrong-response');
    expect(await signedIn()).toBe(false);

    await site.getByTestId('response').fill(await appResponse(app, challenge));
    await site.getByTestId('verify').click();
    await site.waitForURL(/\/settings(\.html)?/);
    expect(await signedIn()).toBe(true);
    await site.getByTestId('sign-out').click();
    await visible(site.getByTestId('login-submit'));
  });

  it('five failures in a row block the account, and say for how long', async () => {
    // Three wrong responses close the first challenge, two more on a second one block.
    stage.expectFailures(
      { method: 'POST', path: VERIFY, status: 401 },
      { method: 'POST', path: VERIFY, status: 423 },
    );
    for (const wrong of [3, 2]) {
      const challenge = await startSignIn(site, service, person);
      for (let i = 0; i < wrong; i++) {
        await site.getByTestId('response').fill(String(10_000_000 + i));
        await site.getByTestId('verify').click();
        await text(site.getByTestId('error'), CYRILLIC);
        if (i < wrong - 1) await visible(site.getByTestId('response'));
      }
      expect(challenge).toMatch(/^\d{8}$/);
    }
    const message = await text(site.getByTestId('error'), /заблокирована/);
    expect(message).toMatch(/\d/);
    await screenshot(site, 'ru-04-site-blocked');

    // While blocked even the right response opens nothing.
    const challenge = await startSignIn(site, service, person);
    await site.getByTestId('response').fill(await appResponse(app, challenge));
    await site.getByTestId('verify').click();
    await text(site.getByTestId('error'), /заблокирована/);
    expect(await signedIn()).toBe(false);
  });

  it('an expired challenge says to start again, and opens no session', async () => {
    service.advance(2 * 60_000); // past the one-minute block
    stage.expectFailures({ method: 'POST', path: VERIFY, status: 410 });
    const challenge = await startSignIn(site, service, person);
    const response = await appResponse(app, challenge);
    service.advance(6 * 60_000);
    await site.getByTestId('response').fill(response);
    await site.getByTestId('verify').click();
    const message = await text(site.getByTestId('error'), /5 минут/);
    expect(message).toMatch(CYRILLIC);
    await screenshot(site, 'ru-05-site-expired');
    expect(await signedIn()).toBe(false);
  });

  /** Whether `GET /v1/session` with the site's cookies says someone is signed in. */
  async function signedIn(): Promise<boolean> {
    const answer = await site.request.get(`${service.url}/v1/session`);
    expect(answer.status()).toBe(200);
    return (await answer.json()).signedIn === true;
  }
});
