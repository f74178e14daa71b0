import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';

/** Debian's Chromium; a test tool's own browser download is not used. */
export const CHROMIUM = process.env.CIPHERPAD_CHROMIUM ?? '/usr/bin/chromium';

/** Where the run saves screenshots of the main screens for a person to look at. */
export const SCREENSHOTS = resolve(import.meta.dirname, '../../../test-results/screenshots');

/**
 * Chromium headless with a fake camera that shows `cameraFile` (see
 * FakeCamera) and grants camera access without asking.
 */
export async function launchChromium(cameraFile: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${cameraFile}`,
    ],
  });
}

/** A phone-sized context (a current Android phone's screen), camera allowed for `origin`. */
export async function phoneContext(
  browser: Browser,
  origin: string,
  locale = 'en-US',
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...options,
    viewport: { width: 412, height: 915 },
    deviceScaleFactor: 2.625,
    isMobile: true,
    hasTouch: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
    locale,
  });
  await context.grantPermissions(['camera'], { origin });
  return context;
}

/** A desktop browser window for the security site. */
export async function desktopContext(
  browser: Browser,
  locale = 'en-US',
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  return browser.newContext({ ...options, viewport: { width: 1280, height: 800 }, locale });
}

/** Saves a full-page screenshot named `name`.png (not committed; see .gitignore). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
