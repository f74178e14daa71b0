import { api } from './api.js';
import { ApiError } from './api-error.js';

/** How a wait for an online approval ended. `unsupported`: the service has no status for it. */
export type WaitOutcome = 'approved' | 'denied' | 'expired' | 'closed' | 'unsupported';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Long-polls `GET /v1/logins/:id/status?wait=25` with the wait token until
 * the request is no longer pending (PRODUCT.md flow 8). Connection trouble
 * is retried with growing pauses and reported through `onTrouble`; aborting
 * `signal` ends the wait quietly (resolves to null).
 */
export async function waitForApproval(
  id: string,
  waitToken: string,
  signal: AbortSignal,
  onTrouble: (trouble: boolean) => void,
): Promise<WaitOutcome | null> {
  let pause = 1000;
  while (!signal.aborted) {
    const started = Date.now();
    try {
      const { status } = await api<{ status: string }>(
        'GET',
        `/v1/logins/${encodeURIComponent(id)}/status?wait=25`,
        { headers: { 'x-wait-token': waitToken }, signal },
      );
      onTrouble(false);
      pause = 1000;
      if (
        status === 'approved' ||
        status === 'denied' ||
        status === 'expired' ||
        status === 'closed'
      ) {
        return status;
      }
      // A service that answers at once instead of holding the request is polled gently.
      if (Date.now() - started < 1000) await sleep(1500, signal);
    } catch (error) {
      if (signal.aborted) return null;
      if (error instanceof ApiError) {
        if (error.code === 'ERR_CHALLENGE_EXPIRED') return 'expired';
        if (error.code === 'ERR_CHALLENGE_CLOSED' || error.code === 'ERR_WAIT_TOKEN_INVALID') {
          return 'closed';
        }
        if (error.status === 404 || error.status === 401 || error.status === 403)
          return 'unsupported';
      }
      onTrouble(true);
      await sleep(pause, signal);
      pause = Math.min(pause * 2, 15_000);
    }
  }
  return null;
}
