import type { FastifyReply } from 'fastify';
import type { Services } from '../services.js';

/** The longest long poll on a challenge's status, in seconds. */
export const MAX_WAIT_SECONDS = 30;

/** Aborts when the client goes away before the answer is sent. */
export function connectionClosed(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return controller.signal;
}

/** Resolves at the topic's next event, after `ms`, or when the client goes away. */
export function waitForChange(
  services: Services,
  topic: string,
  ms: number,
  cancelled: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      cancelled.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(ms, 0));
    const unsubscribe = services.events.subscribe(topic, done);
    cancelled.addEventListener('abort', done);
  });
}
