import { MAX_WAIT_SECONDS, waitForChange } from '../challenges/long-poll.js';
import { ServiceError } from '../errors/service-error.js';
import { challengeTopic } from '../events/event-bus.js';
import type { Services } from '../services.js';
import type { AuthenticatedSite } from '../sites/authenticate-site.js';
import {
  type ConfirmationRow,
  type ConfirmationView,
  confirmationView,
  loadConfirmation,
} from './confirmation-view.js';
import { confirmationUri } from './create-confirmation.js';

/** A long poll reads the database again this often: the event bus is best effort. */
const RECHECK_MS = 1000;

/**
 * The site's view of a confirmation as it stands: while pending, with the
 * challenge, QR URI and number to match the person answers now (inline
 * registration re-issues them).
 */
export function currentView(services: Services, row: ConfirmationRow): ConfirmationView {
  const view = confirmationView(row, services.clock.now());
  if (view.status !== 'pending') return view;
  return {
    ...view,
    challenge: row.challenge,
    uri: confirmationUri(services, {
      id: row.id,
      challenge: row.challenge,
      siteName: row.site_name,
      operation: view.operation,
    }),
    ...(row.match_number !== null ? { matchNumber: row.match_number } : {}),
  };
}

/** Whether a long poll has something new to tell: another status, challenge or expiry. */
function changed(view: ConfirmationView, first: ConfirmationView, known?: string): boolean {
  return (
    view.status !== 'pending' ||
    view.challenge !== first.challenge ||
    view.expiresAt !== first.expiresAt ||
    (known !== undefined && view.challenge !== known)
  );
}

/**
 * Where a site's confirmation stands. With `waitSeconds` the answer waits,
 * up to that long (at most 30 s), for a change: the confirmation leaves
 * `pending`, or its challenge is re-issued or its expiry moved (inline
 * registration). With `knownChallenge` (the challenge the site shows) it
 * answers at once when the current challenge is another, so a re-issue
 * between two polls is not missed. Woken by the challenge's events, and
 * reading the database again every second.
 *
 * @throws ServiceError `ERR_CONFIRMATION_NOT_FOUND` (also for another site's).
 */
export async function confirmationStatus(
  services: Services,
  site: AuthenticatedSite,
  id: string,
  waitSeconds: number,
  cancelled: AbortSignal,
  knownChallenge?: string,
): Promise<ConfirmationView> {
  const read = async () => {
    const row = await loadConfirmation(services.db, id, site.id);
    if (!row) throw new ServiceError('ERR_CONFIRMATION_NOT_FOUND');
    return currentView(services, row);
  };
  const first = await read();
  let view = first;
  const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  while (!changed(view, first, knownChallenge) && !cancelled.aborted && Date.now() < deadline) {
    await waitForChange(
      services,
      challengeTopic(id),
      Math.min(RECHECK_MS, deadline - Date.now()),
      cancelled,
    );
    if (cancelled.aborted) break;
    view = await read();
  }
  return view;
}
