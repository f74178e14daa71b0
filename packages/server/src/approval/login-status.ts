import { findChallenge } from '../challenges/find-challenge.js';
import { MAX_WAIT_SECONDS, waitForChange } from '../challenges/long-poll.js';
import { APPROVABLE_PURPOSES } from '../challenges/purposes.js';
import { assertWaitToken } from '../challenges/wait-token.js';
import type { ChallengeStatus } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import { challengeTopic } from '../events/event-bus.js';
import type { Services } from '../services.js';

/** Where a login (or a confirmation change by the app) stands, as its site sees it. */
export type WaitStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'closed';

/**
 * How often a long poll reads the database again even without an event: the
 * event bus is best effort (another instance may have changed the login, and
 * expiry is not an event).
 */
const RECHECK_MS = 1000;

/** The site-facing status of a challenge in a given state. */
export function waitStatus(status: ChallengeStatus, expiresAt: number, now: number): WaitStatus {
  switch (status) {
    case 'pending':
    case 'approved':
      return now >= expiresAt ? 'expired' : status;
    case 'denied':
      return 'denied';
    default:
      return 'closed';
  }
}

/**
 * The status of a login or of a confirmation change by the app, for the site
 * that started it (it must show its wait token). With `waitSeconds` the
 * answer waits, up to that long (at most 30 s), for a change from `pending`.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_WAIT_TOKEN_INVALID`.
 */
export async function loginStatus(
  services: Services,
  id: string,
  waitToken: unknown,
  waitSeconds: number,
  cancelled: AbortSignal,
): Promise<{ status: WaitStatus }> {
  const read = async () => {
    const row = await findChallenge(services.db, id, APPROVABLE_PURPOSES);
    if (!row) throw new ServiceError('ERR_LOGIN_NOT_FOUND');
    assertWaitToken(waitToken, row.wait_token_hash);
    return waitStatus(row.status, row.expires_at, services.clock.now());
  };

  let status = await read();
  const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  while (status === 'pending' && !cancelled.aborted && Date.now() < deadline) {
    await waitForChange(
      services,
      challengeTopic(id),
      Math.min(RECHECK_MS, deadline - Date.now()),
      cancelled,
    );
    if (cancelled.aborted) break;
    status = await read();
  }
  return { status };
}
