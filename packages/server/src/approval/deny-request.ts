import { runTransaction } from '@cipherpad/storage';
import { recordEvent } from '../audit/record-event.js';
import { settleConfirmation } from '../confirmation/settle-confirmation.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { announceClosed } from './approval-events.js';
import { loadPendingForDevice } from './approve-request.js';
import type { AuthenticatedDevice } from './device-auth.js';

/**
 * PRODUCT.md flow 8: the person denies a request in the app. The request can
 * no longer succeed (neither by approval nor by a typed response), and the
 * activity log records `login.denied`, marked suspicious, with the address
 * that started it.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_CHALLENGE_CLOSED`, `ERR_CHALLENGE_EXPIRED`.
 */
export async function denyRequest(
  services: Services,
  device: AuthenticatedDevice,
  id: string,
  ip: string,
): Promise<{ status: 'denied' }> {
  const { db, clock } = services;
  const row = await loadPendingForDevice(services, device, id);
  const now = clock.now();
  await runTransaction(db, async (trx) => {
    const denied = await trx
      .updateTable('challenges')
      .set({ status: 'denied', completed_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (denied.numUpdatedRows === 0n) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    if (row.purpose === 'confirmation') {
      await settleConfirmation(trx, id, { status: 'denied' }, now);
    }
    await recordEvent(trx, {
      accountId: device.accountId,
      type: 'login.denied',
      ip: row.ip,
      deviceId: device.deviceId,
      details: { suspicious: true, purpose: row.purpose, mode: row.mode, deniedFrom: ip },
      at: now,
    });
  });
  services.webhooks.kick();
  announceClosed(services, device.email, id);
  return { status: 'denied' };
}
