import type { BrowserContext, ConsoleMessage, Request, Response } from 'playwright-core';

/**
 * A request a step fails on purpose, and only that one: a wrong response the
 * service refuses by design, a page that does not exist. The method and status
 * are exact; the path is the URL's path without its query.
 */
export interface ExpectedFailure {
  readonly method: string;
  readonly path: string | RegExp;
  readonly status: number;
}

interface FailedResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

/**
 * What went wrong in the pages of some browser contexts during a step: uncaught
 * errors, console errors (a Content-Security-Policy violation among them),
 * responses with a status of 400 or more and requests that got no answer. A
 * browser journey fails on any of them at the end of each step (see
 * `support/setup.ts`), except the failures the step declared with
 * {@link PageProblems.expect}, which are the point of that step.
 *
 * A request aborted by the page itself (`net::ERR_ABORTED`: a navigation away
 * while a poll was in flight, a media stream closed) is not a failure.
 */
export class PageProblems {
  readonly #errors: string[] = [];
  readonly #console: ConsoleMessage[] = [];
  readonly #responses: FailedResponse[] = [];
  #expected: ExpectedFailure[] = [];

  /** Starts recording the pages of `context`, those open now and those to come. */
  watch(context: BrowserContext): void {
    context.on('weberror', (error) => this.#errors.push(`uncaught: ${String(error.error())}`));
    context.on('console', (message) => {
      if (message.type() === 'error') this.#console.push(message);
    });
    context.on('response', (response: Response) => {
      if (response.status() >= 400) {
        const request = response.request();
        this.#responses.push({
          method: request.method(),
          url: request.url(),
          status: response.status(),
        });
      }
    });
    context.on('requestfailed', (request: Request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      if (failure === 'net::ERR_ABORTED') return;
      this.#errors.push(`request failed: ${request.method()} ${request.url()} (${failure})`);
    });
  }

  /** Declares requests that fail on purpose in the current step (until {@link PageProblems.take}). */
  expect(...failures: ExpectedFailure[]): void {
    this.#expected.push(...failures);
  }

  /**
   * The problems recorded since the last call, less the declared failures and
   * the console lines that only report them; clears the record and the declarations.
   */
  take(): string[] {
    const expected = (method: string | null, url: string, status: number) =>
      this.#expected.some((failure) => {
        const path = new URL(url).pathname;
        const pathMatches =
          typeof failure.path === 'string' ? failure.path === path : failure.path.test(path);
        return (
          (method === null || failure.method === method) && pathMatches && failure.status === status
        );
      });
    const problems = [...this.#errors];
    for (const response of this.#responses) {
      if (!expected(response.method, response.url, response.status)) {
        problems.push(`HTTP ${response.status}: ${response.method} ${response.url}`);
      }
    }
    for (const message of this.#console) {
      // Chromium logs each failed load as a console error; a declared failure's line is expected.
      const load = /^Failed to load resource: the server responded with a status of (\d{3})/.exec(
        message.text(),
      );
      const url = message.location().url;
      if (load && url && expected(null, url, Number(load[1]))) continue;
      problems.push(`console error: ${message.text()}${url ? ` (${url})` : ''}`);
    }
    this.#errors.length = 0;
    this.#console.length = 0;
    this.#responses.length = 0;
    this.#expected = [];
    return problems;
  }
}
