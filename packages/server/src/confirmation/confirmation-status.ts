import { MAX_WAIT_SECONDS, waitForChange } from '../challenges/long-poll.js';
import { ServiceError } from '../errors/service-error.js';
import { challengeTopic } from '../events/event-bus.js';
import type { Services } from '../services.js';
import type { AuthenticatedSite } from '../sites/authenticate-site.js';
import { type ConfirmationView, confirmationView, loadConfirmation } from './confirmation-view.js';

/** A long poll reads the database again this often: the event bus is best effort. */
const RECHECK_MS = 1000;

/**
 * Where a site's confirmation stands. With `waitSeconds` the answer waits,
 * up to that long (at most 30 s), for a change from `pending`: woken by the
 * challenge's events, and reading the database again every second.
 *
 * @throws ServiceError `ERR_CONFIRMATION_NOT_FOUND` (also for another site's).
 */
export async function confirmationStatus(
  services: Services,
  site: AuthenticatedSite,
  id: string,
  waitSeconds: number,
  cancelled: AbortSignal,
): Promise<ConfirmationView> {
  const read = async () => {
    const row = await loadConfirmation(services.db, id, site.id);
    if (!row) throw new ServiceError('ERR_CONFIRMATION_NOT_FOUND');
    return confirmationView(row, services.clock.now());
  };
  let view = await read();
  const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  while (view.status === 'pending' && !cancelled.aborted && Date.now() < deadline) {
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
