import type { FastifyBaseLogger } from 'fastify';

/**
 * Runs `task` every `everyMs`, one run at a time (a run still going when the
 * next is due is not doubled up); a failed run is logged at `warn` as
 * `failure`. The timer does not keep the process alive; clear it to stop.
 */
export function startSweeper(
  log: FastifyBaseLogger,
  everyMs: number,
  failure: string,
  task: () => Promise<unknown>,
): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((error: unknown) => log.warn({ err: error }, failure))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return timer;
}
