import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  type CDPSession,
  chromium,
  type Page,
} from 'playwright-core';
import { type AppAccount, registerAccount } from './app-account.js';
import {
  type ReadyMark,
  readReady,
  readTyped,
  type TypedMark,
  watchReady,
  watchTyped,
} from './app-page.js';
import { type AppSize, measureAppSize } from './app-size.js';
import { median } from './measure.js';
import type { BenchOptions } from './options.js';
import type { Skipped } from './report.js';
import {
  freePort,
  machineCpuSeconds,
  processTreeCpuSeconds,
  ServerProcess,
} from './server-process.js';
import type { Progress } from './targets.js';

const SERVER_MAIN = fileURLToPath(new URL('../../packages/server/dist/main.js', import.meta.url));
const APP_DIST = fileURLToPath(new URL('../../packages/app/dist', import.meta.url));

/** The flags the browser tests launch Debian's Chromium with, less the fake camera. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A current Android phone, as the browser tests emulate it. */
export const PHONE = {
  viewport: { width: 412, height: 915 },
  deviceScaleFactor: 2.625,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
  locale: 'en-US',
} as const;

/** Measurements of one kind, in milliseconds: every run, and their median, min and max. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

/** One opening of the app, timed in the page from its navigation start. */
export interface OpenRun {
  /** The awaited element was in the document, rendered and enabled. */
  readonly readyMs: number;
  /** The end of the frame after that: on screen. */
  readonly drawnMs: number;
  /** When the HTML had arrived (from the service worker or the network). */
  readonly htmlMs: number;
  readonly domContentLoadedMs: number;
  /**
   * From the bench's `Date.now()` just before `page.goto` to the drawn frame
   * (`performance.timeOrigin` + its time): what the navigation start leaves out.
   */
  readonly fromGotoMs: number;
  /** The page was served by the app's service worker. */
  readonly controlled: boolean;
}

/** N openings of one kind. */
export interface OpenResult {
  readonly runs: readonly OpenRun[];
  readonly ready: Spread;
  readonly drawn: Spread;
  readonly html: Spread;
  readonly domContentLoaded: Spread;
  readonly fromGoto: Spread;
  /** How many of the runs the service worker served. */
  readonly controlled: number;
}

/** One typed eighth digit. */
export interface TypedRun {
  readonly challenge: string;
  readonly response: string;
  /** From the keydown event's time stamp to `data-value` set. */
  readonly keyToResponseMs: number;
  /** From the keydown listener to `data-value` set. */
  readonly keydownToResponseMs: number;
  /** From the input event to `data-value` set. */
  readonly inputToResponseMs: number;
  /** From the keydown event's time stamp to the end of the next frame. */
  readonly keyToDrawnMs: number;
}

export interface TypedResult {
  readonly runs: readonly TypedRun[];
  readonly keyToResponse: Spread;
  readonly keydownToResponse: Spread;
  readonly inputToResponse: Spread;
  readonly keyToDrawn: Spread;
  /** How many responses the service accepted (POST /v1/logins/:id/verify → 200). */
  readonly accepted: number;
}

/** The app measured in Chromium. */
export interface AppSpeed {
  /** Chromium's version, as it reports it. */
  readonly browser: string;
  readonly executable: string;
  readonly phone: typeof PHONE;
  /** First open in a fresh context (no cache, no worker, nothing stored) until Welcome is usable. */
  readonly firstOpen: OpenResult;
  /** Reopen of the activated app, the service worker still running from the last open. */
  readonly reopen: OpenResult;
  /** Reopen of the activated app after stopping its service worker, as after a while away. */
  readonly reopenWorkerStopped: OpenResult;
  readonly typed: TypedResult;
  /**
   * CPU the rest of the machine used while Chromium was measured, in % of one
   * core: all but the bench, the service and Chromium (other processes, the
   * kernel's interrupts). More than a few % means the figures are slower than
   * on a quiet machine.
   */
  readonly otherCpuPercent: number;
  /** What the hypervisor stole from this VM meanwhile, same unit. */
  readonly stealPercent: number;
}

/** The phone app's part of the bench. */
export interface AppResult {
  readonly size: AppSize;
  /** Skipped without Chromium; failed with the reason when something went wrong. */
  readonly speed: AppSpeed | Skipped | { readonly failed: string };
}

/**
 * The phone app's size (its built JavaScript) and, in Chromium's mobile
 * emulation against the real service, how soon it is ready after opening
 * and how soon a typed challenge's response appears. A missing Chromium
 * skips the second part; a failure there is reported, not thrown, so the
 * rest of the report still prints.
 */
export async function benchApp(options: BenchOptions, progress: Progress): Promise<AppResult> {
  const size = measureAppSize(APP_DIST);
  progress(
    `app: JavaScript ${size.total.gzipBytes} B gzipped in ${size.total.files} files (first screen ${size.firstScreen.gzipBytes} B)`,
  );
  if (!existsSync(options.chromium)) {
    const reason = `no Chromium at ${options.chromium}`;
    progress(`app: skipped: ${reason}`);
    return { size, speed: { skipped: reason } };
  }
  try {
    return { size, speed: await measureSpeed(options, progress) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    progress(`app: FAILED: ${reason}`);
    return { size, speed: { failed: reason } };
  }
}

async function measureSpeed(options: BenchOptions, progress: Progress): Promise<AppSpeed> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-bench-app-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const appUrl = `${origin}/app/`;
  let server: ServerProcess | null = null;
  let browser: Browser | null = null;
  try {
    server = await ServerProcess.start({
      script: SERVER_MAIN,
      port,
      env: {
        CIPHERPAD_ENV: 'development',
        CIPHERPAD_PUBLIC_URL: `${origin}/`,
        CIPHERPAD_DATA_DIR: dataDir,
        LOG_LEVEL: options.logLevel,
      },
    });
    progress(`app: server pid ${server.pid} on port ${port}, registering an account…`);
    const account = await registerAccount(origin);
    const startedAt = performance.now();
    const machineBefore = machineCpuSeconds();
    const oursBefore = processTreeCpuSeconds(process.pid);
    browser = await chromium.launch({ executablePath: options.chromium, args: CHROMIUM_ARGS });
    progress(`app: Chromium ${browser.version()}; ${options.appRuns} first opens…`);
    const runs = options.appRuns;

    const firstOpens: OpenRun[] = [];
    for (let i = 0; i < runs; i++) {
      const fresh = await browser.newContext(PHONE);
      try {
        const { page, run } = await openApp(fresh, appUrl, 'welcome-activate');
        await page.close();
        firstOpens.push(run);
      } finally {
        await fresh.close();
      }
    }

    const context = await browser.newContext(PHONE);
    await activate(context, appUrl, account);
    progress('app: activated without a PIN; reopening…');
    const workers = await WorkerControl.attach(context);
    const reopens: OpenRun[] = [];
    const idleReopens: OpenRun[] = [];
    // Alternately, so that neither kind gets all the first, slower, opens.
    for (let i = 0; i < runs; i++) {
      for (const stopped of [false, true]) {
        if (stopped) await workers.stopAll();
        const { page, run } = await openApp(context, appUrl, 'auth-challenge');
        await page.close();
        (stopped ? idleReopens : reopens).push(run);
      }
    }
    await workers.detach();

    progress('app: typing challenges…');
    const { page } = await openApp(context, appUrl, 'auth-challenge');
    const typed = await typeChallenges(page, origin, account, runs);
    await page.close();
    const seconds = (performance.now() - startedAt) / 1000;
    const machine = machineCpuSeconds();
    const ours = processTreeCpuSeconds(process.pid) - oursBefore;
    const busy = machine.busy - machineBefore.busy;

    const speed: AppSpeed = {
      browser: browser.version(),
      executable: options.chromium,
      phone: PHONE,
      firstOpen: summarizeOpens(firstOpens),
      reopen: summarizeOpens(reopens),
      reopenWorkerStopped: summarizeOpens(idleReopens),
      typed,
      otherCpuPercent: (100 * Math.max(0, busy - ours)) / seconds,
      stealPercent: (100 * (machine.steal - machineBefore.steal)) / seconds,
    };
    progress(
      [
        `app: first open ${speed.firstOpen.drawn.median.toFixed(0)} ms`,
        `reopen ${speed.reopen.drawn.median.toFixed(0)} ms`,
        `reopen, worker stopped ${speed.reopenWorkerStopped.drawn.median.toFixed(0)} ms`,
        `typed response ${typed.keyToResponse.median.toFixed(1)} ms (medians)`,
        `other CPU ${speed.otherCpuPercent.toFixed(0)}%, steal ${speed.stealPercent.toFixed(0)}%`,
      ].join(', '),
    );
    return speed;
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Opens `url` in a new page of `context` and waits until the element
 * `testId` is on screen; the times come from the page (see app-page.ts).
 */
async function openApp(
  context: BrowserContext,
  url: string,
  testId: string,
): Promise<{ page: Page; run: OpenRun }> {
  const page = await context.newPage();
  await page.addInitScript(watchReady, testId);
  const before = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    () => (window as { __cipherpadBenchReady?: ReadyMark }).__cipherpadBenchReady?.frame != null,
    undefined,
    { timeout: 30_000, polling: 100 },
  );
  const seen = await page.evaluate(readReady);
  const { ready, frame } = seen.mark;
  if (ready === null || frame === null) throw new Error(`${testId} was never ready`);
  return {
    page,
    run: {
      readyMs: ready,
      drawnMs: frame,
      htmlMs: seen.responseEnd,
      domContentLoadedMs: seen.domContentLoaded,
      fromGotoMs: seen.timeOrigin + frame - before,
      controlled: seen.mark.controlled,
    },
  };
}

/** Activates the app through its screens, as a person would, without a PIN. */
async function activate(context: BrowserContext, url: string, account: AppAccount): Promise<void> {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('welcome-activate').click();
  await page.getByTestId('activate-email').fill(account.email);
  await page.getByTestId('activate-code').fill(account.activationCode);
  if (await page.getByTestId('activate-use-pin').isChecked()) {
    await page.getByTestId('activate-use-pin').uncheck();
  }
  await page.getByTestId('activate-submit').click();
  await page.getByTestId('screen-authorization').waitFor({ state: 'visible', timeout: 30_000 });
  // The worker has precached the app once it is active: from now on it serves the app.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.close();
}

/**
 * For each run: starts a login through the API (its challenge is 8 random
 * digits), types the first 7 into the app with real key events, notes in the
 * page what the 8th does, then checks the response with the service.
 */
async function typeChallenges(
  page: Page,
  origin: string,
  account: AppAccount,
  runs: number,
): Promise<TypedResult> {
  const results: TypedRun[] = [];
  let accepted = 0;
  await page.getByTestId('auth-challenge').click();
  for (let i = 0; i < runs; i++) {
    await page.getByTestId('auth-clear').click();
    await page.waitForFunction(() => {
      const output = document.querySelector('[data-testid="auth-response"]');
      const input = document.querySelector('[data-testid="auth-challenge"]');
      return (
        output?.getAttribute('data-value') == null &&
        (input as HTMLInputElement | null)?.value === '' &&
        document.activeElement === input
      );
    });
    const login = await postJson(origin, '/v1/logins', { email: account.email });
    const { id, challenge } = login as { id: string; challenge: string };
    if (!/^\d{8}$/.test(challenge)) throw new Error(`unexpected challenge "${challenge}"`);
    await page.keyboard.type(challenge.slice(0, 7));
    await page.evaluate(watchTyped);
    await page.keyboard.press(challenge[7]!);
    await page.waitForFunction(
      () => (window as { __cipherpadBenchTyped?: TypedMark }).__cipherpadBenchTyped?.frame != null,
      undefined,
      { timeout: 10_000, polling: 100 },
    );
    const mark = await page.evaluate(readTyped);
    if (
      mark?.keydownStamp == null ||
      mark.keydown === null ||
      mark.input === null ||
      mark.response === null ||
      mark.frame === null ||
      mark.value === null
    ) {
      throw new Error(`the typed response was not noted: ${JSON.stringify(mark)}`);
    }
    const verified = await fetch(`${origin}/v1/logins/${id}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response: mark.value }),
    });
    if (verified.ok) accepted++;
    results.push({
      challenge,
      response: mark.value,
      keyToResponseMs: mark.response - mark.keydownStamp,
      keydownToResponseMs: mark.response - mark.keydown,
      inputToResponseMs: mark.response - mark.input,
      keyToDrawnMs: mark.frame - mark.keydownStamp,
    });
  }
  return {
    runs: results,
    keyToResponse: spread(results.map((r) => r.keyToResponseMs)),
    keydownToResponse: spread(results.map((r) => r.keydownToResponseMs)),
    inputToResponse: spread(results.map((r) => r.inputToResponseMs)),
    keyToDrawn: spread(results.map((r) => r.keyToDrawnMs)),
    accepted,
  };
}

async function postJson(origin: string, path: string, body: unknown): Promise<unknown> {
  const answer = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`POST ${path} → ${answer.status}: ${await answer.text()}`);
  return answer.json();
}

/**
 * Stops the context's service workers through the DevTools protocol, as the
 * browser does with an idle worker after a while, so that the next open
 * starts it again.
 */
class WorkerControl {
  readonly #page: Page;
  readonly #session: CDPSession;
  readonly #running = new Map<string, string>();

  private constructor(page: Page, session: CDPSession) {
    this.#page = page;
    this.#session = session;
    session.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const version of versions) this.#running.set(version.versionId, version.runningStatus);
    });
  }

  static async attach(context: BrowserContext): Promise<WorkerControl> {
    const page = await context.newPage();
    const session = await context.newCDPSession(page);
    const control = new WorkerControl(page, session);
    await session.send('ServiceWorker.enable');
    return control;
  }

  async stopAll(): Promise<void> {
    await this.#session.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + 5000;
    while ([...this.#running.values()].some((status) => status !== 'stopped')) {
      if (Date.now() > deadline) throw new Error('the service worker did not stop');
      await sleep(10);
    }
  }

  async detach(): Promise<void> {
    await this.#session.detach();
    await this.#page.close();
  }
}

function summarizeOpens(runs: readonly OpenRun[]): OpenResult {
  return {
    runs,
    ready: spread(runs.map((r) => r.readyMs)),
    drawn: spread(runs.map((r) => r.drawnMs)),
    html: spread(runs.map((r) => r.htmlMs)),
    domContentLoaded: spread(runs.map((r) => r.domContentLoadedMs)),
    fromGoto: spread(runs.map((r) => r.fromGotoMs)),
    controlled: runs.filter((r) => r.controlled).length,
  };
}

function spread(runs: readonly number[]): Spread {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}
