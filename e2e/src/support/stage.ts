import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Policy } from '@cipherpad/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { desktopContext, launchChromium, phoneContext, screenshot } from './browser.js';
import { FakeCamera } from './fake-camera.js';
import { type ExpectedFailure, PageProblems } from './page-problems.js';
import { RunningService } from './service.js';

/**
 * Everything a browser test plays on: the service, one Chromium whose fake
 * camera the test controls, the security site in a desktop window and the
 * phone app in a phone-sized one, both in `locale`.
 */
export class Stage {
  /** The stages open now: each step's end checks all of them (support/setup.ts). */
  static readonly #open = new Set<Stage>();

  readonly service: RunningService;
  readonly camera: FakeCamera;
  readonly browser: Browser;
  readonly desk: BrowserContext;
  readonly phone: BrowserContext;
  readonly site: Page;
  readonly app: Page;
  /**
   * Uncaught errors, console errors and failed requests of any page of either
   * window (and of any context given to {@link Stage.watch}): a step that
   * leaves one fails.
   */
  readonly #problems = new PageProblems();
  readonly #cameraDir: string;

  private constructor(parts: {
    service: RunningService;
    camera: FakeCamera;
    cameraDir: string;
    browser: Browser;
    desk: BrowserContext;
    phone: BrowserContext;
    site: Page;
    app: Page;
  }) {
    this.service = parts.service;
    this.camera = parts.camera;
    this.#cameraDir = parts.cameraDir;
    this.browser = parts.browser;
    this.desk = parts.desk;
    this.phone = parts.phone;
    this.site = parts.site;
    this.app = parts.app;
    this.watch(this.desk);
    this.watch(this.phone);
    Stage.#open.add(this);
  }

  /** Records the problems of another context's pages too (a second phone). */
  watch(context: BrowserContext): void {
    this.#problems.watch(context);
  }

  /**
   * Declares the requests the current step fails on purpose, each by method,
   * path and status (a wrong response refused with 401, a page that does not
   * exist): only those, and the console lines reporting them, are not problems.
   */
  expectFailures(...failures: ExpectedFailure[]): void {
    this.#problems.expect(...failures);
  }

  /** The problems of every open stage since the last step ended, which ends the step. */
  static takeProblems(): string[] {
    return [...Stage.#open].flatMap((stage) => stage.#problems.take());
  }

  /**
   * `bypassCsp` lets a test inject a checker into the pages (the accessibility
   * audit); every other test keeps the service's CSP in force. `policy`
   * changes the service's limits (a short session idle time).
   */
  static async open(
    locale = 'en-US',
    { bypassCsp = false, policy = {} }: { bypassCsp?: boolean; policy?: Partial<Policy> } = {},
  ): Promise<Stage> {
    const service = await RunningService.start({ policy });
    const cameraDir = mkdtempSync(join(tmpdir(), 'cipherpad-camera-'));
    const camera = new FakeCamera(join(cameraDir, 'camera.y4m'));
    const browser = await launchChromium(camera.path);
    const desk = await desktopContext(browser, locale, { bypassCSP: bypassCsp });
    const phone = await phoneContext(browser, service.url, locale, { bypassCSP: bypassCsp });
    const site = await desk.newPage();
    const app = await phone.newPage();
    return new Stage({ service, camera, cameraDir, browser, desk, phone, site, app });
  }

  /** Saves what both screens show, named after a failed step, for the person reading the failure. */
  async screenshotFailure(step: string): Promise<void> {
    const name = `failed-${step.replace(/\W+/g, '-').slice(0, 60)}`;
    await screenshot(this.site, `${name}-site`).catch(() => {});
    await screenshot(this.app, `${name}-app`).catch(() => {});
  }

  async close(): Promise<void> {
    Stage.#open.delete(this);
    await this.browser.close();
    await this.service.stop();
    rmSync(this.#cameraDir, { recursive: true, force: true });
  }
}
