import { existsSync } from 'node:fs';
import { CHROMIUM } from './browser.js';

/**
 * Browser tests need Debian's Chromium. CI always has it (`.ci/run` installs
 * it) and must run them; elsewhere they are skipped with a word on how to
 * enable them.
 */
export const browserTestsEnabled = existsSync(CHROMIUM);

if (!browserTestsEnabled) {
  if (process.env.CI === 'true') {
    throw new Error(`CI must run the browser tests: no Chromium at ${CHROMIUM}`);
  }
  console.warn(
    `\nBrowser tests skipped: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium) ` +
      'or point CIPHERPAD_CHROMIUM at one.\n',
  );
}
