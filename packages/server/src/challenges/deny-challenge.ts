import { runTransaction } from '@cipherpad/storage';
import { recordEvent } from '../audit/record-event.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { announceClosed } from './challenge-events.js';
import { loadForDevice } from './load-for-device.js';

/**
 * PRODUCT.md flow 8: the person denies a request in the app. The request can
 * no longer succeed (neither by approval nor by a typed response), its
 * purpose's `denied` hook runs in the same transaction, and the activity log
 * records `login.denied`, marked suspicious, with the address that started it.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_CHALLENGE_CLOSED`, `ERR_CHALLENGE_EXPIRED`.
 */
export async function denyChallenge(
  services: Services,
  device: { readonly deviceId: string; readonly accountId: string; readonly email: string },
  id: string,
  ip: string,
): Promise<{ status: 'denied' }> {
  const { db, clock } = services;
  const row = await loadForDevice(services, device, id);
  const now = clock.now();
  const hooks = services.challengeHooks.of(row.purpose);
  await runTransaction(db, async (trx) => {
    const denied = await trx
      .updateTable('challenges')
      .set({ status: 'denied', completed_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (denied.numUpdatedRows === 0n) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    await hooks.denied?.(trx, id, now);
    await recordEvent(trx, {
      accountId: device.accountId,
      type: 'login.denied',
      ip: row.ip,
      deviceId: device.deviceId,
      details: { suspicious: true, purpose: row.purpose, mode: row.mode, deniedFrom: ip },
      at: now,
    });
  });
  hooks.settled?.();
  announceClosed(services, device.email, id);
  return { status: 'denied' };
}
