import type { Locator } from 'playwright-core';

/** Waits until `locator` is visible (playwright-core has no assertion library of its own). */
export async function visible(locator: Locator, timeout = 5000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** Polls `read` until `accept` holds for its value, then returns that value. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeout = 5000,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch {
      // Not there yet: try again until the deadline.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the attribute `name` of `locator` matches `pattern`, and returns it. */
export function attribute(
  locator: Locator,
  name: string,
  pattern: RegExp,
  timeout = 5000,
): Promise<string> {
  return until(
    `${name} matching ${pattern}`,
    async () => (await locator.getAttribute(name, { timeout: 200 })) ?? '',
    (value) => pattern.test(value),
    timeout,
  );
}

/** Waits until the text of `locator` matches `pattern`, and returns it. */
export function text(locator: Locator, pattern: RegExp, timeout = 5000): Promise<string> {
  return until(
    `text matching ${pattern}`,
    async () => (await locator.textContent({ timeout: 200 })) ?? '',
    (value) => pattern.test(value),
    timeout,
  );
}
