import { MAX_WAIT_SECONDS, waitForChange } from '../challenges/long-poll.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { AuthenticatedSite } from '../sites/authenticate-site.js';

/** An SMS confirmation as its site sees it. */
export interface SmsConfirmationView {
  readonly id: string;
  readonly status: 'pending' | 'confirmed' | 'failed' | 'expired';
  readonly expiresAt: number;
  readonly confirmedAt?: number;
}

/**
 * Where a site's SMS confirmation stands; `waitSeconds` long-polls (at most
 * 30 s) for a change from `pending`.
 *
 * @throws ServiceError `ERR_CONFIRMATION_NOT_FOUND` (also for another site's).
 */
export async function smsConfirmationStatus(
  services: Services,
  site: AuthenticatedSite,
  id: string,
  waitSeconds: number,
  cancelled: AbortSignal,
): Promise<SmsConfirmationView> {
  const read = async (): Promise<SmsConfirmationView> => {
    const row = await services.db
      .selectFrom('sms_confirmations')
      .select(['status', 'expires_at', 'completed_at'])
      .where('id', '=', id)
      .where('site_id', '=', site.id)
      .executeTakeFirst();
    if (!row) throw new ServiceError('ERR_CONFIRMATION_NOT_FOUND');
    const status =
      row.status === 'pending' && services.clock.now() >= row.expires_at ? 'expired' : row.status;
    return {
      id,
      status,
      expiresAt: row.expires_at,
      ...(status === 'confirmed' && row.completed_at !== null
        ? { confirmedAt: row.completed_at }
        : {}),
    };
  };
  let view = await read();
  const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  while (view.status === 'pending' && !cancelled.aborted && Date.now() < deadline) {
    await waitForChange(
      services,
      `sms-confirmation:${id}`,
      Math.min(1000, deadline - Date.now()),
      cancelled,
    );
    if (cancelled.aborted) break;
    view = await read();
  }
  return view;
}
