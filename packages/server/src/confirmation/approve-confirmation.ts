import { runTransaction } from '@cipherpad/storage';
import { recordSuccess } from '../accounts/lockout.js';
import type { RequestForDevice } from '../approval/approve-request.js';
import type { AuthenticatedDevice } from '../approval/device-auth.js';
import { recordEvent } from '../audit/record-event.js';
import { recordConsent } from '../consent/record-consent.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { settleConfirmation } from './settle-confirmation.js';

/**
 * The app approved a relying site's confirmation online, with the right
 * number (checked by `approveRequest`). One transaction: the challenge is
 * claimed with a conditional UPDATE (one of concurrent approvals and typed
 * responses wins), the confirmation becomes `confirmed` (method `approval`)
 * with its webhook call, and, when the request was `firstTime`, the consent
 * to the site is recorded: the app's button read "Allow and approve".
 *
 * @throws ServiceError `ERR_CHALLENGE_CLOSED`.
 */
export async function approveConfirmation(
  services: Services,
  device: AuthenticatedDevice,
  id: string,
  row: RequestForDevice,
  ip: string,
  now: number,
): Promise<void> {
  await runTransaction(services.db, async (trx) => {
    const claimed = await trx
      .updateTable('challenges')
      .set({ status: 'used', completed_at: now, approved_by: device.deviceId })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    const confirmation = await trx
      .selectFrom('confirmations as f')
      .innerJoin('sites as s', 's.id', 'f.site_id')
      .select(['f.site_id', 's.name', 'f.kind'])
      .where('f.id', '=', id)
      .executeTakeFirst();
    if (!confirmation) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    const settled = await settleConfirmation(
      trx,
      id,
      { status: 'confirmed', method: 'approval', deviceId: device.deviceId },
      now,
    );
    if (!settled) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    await recordConsent(trx, {
      accountId: device.accountId,
      siteId: confirmation.site_id,
      siteName: confirmation.name,
      ip,
      deviceId: device.deviceId,
      via: 'app',
      now,
    });
    if ((row.failed_attempts ?? 0) > 0 || (row.block_level ?? 0) > 0) {
      await recordSuccess(trx, device.accountId);
    }
    await recordEvent(trx, {
      accountId: device.accountId,
      type: 'confirmation.succeeded',
      ip: row.ip,
      deviceId: device.deviceId,
      details: {
        site: confirmation.name,
        operation: confirmation.kind,
        mode: row.mode,
        method: 'approval',
      },
      at: now,
    });
  });
  services.webhooks.kick();
}
