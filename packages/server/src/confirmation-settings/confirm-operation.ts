import { runTransaction } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { recordSuccess } from '../accounts/lockout.js';
import { recordEvent } from '../audit/record-event.js';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { Change, VerifiedConfirmation } from './account-operation.js';

/**
 * Claims the confirmation of a device operation and leaves it confirmed, bound to its
 * operation and device, for `policy.confirmedOperationTtlMs`, in one transaction.
 */
export async function confirmOperation(
  services: Services,
  who: { accountId: string },
  change: Change,
  hadFailures: boolean,
  ip: string,
  claim: (trx: Kysely<Database>) => Promise<boolean>,
): Promise<VerifiedConfirmation> {
  const { db, clock, policy } = services;
  const now = clock.now();
  const usableUntil = now + policy.confirmedOperationTtlMs;
  const kind = change.operation === 'show-activation' ? 'show-activation' : 'deactivate-device';
  await runTransaction(db, async (trx) => {
    if (!(await claim(trx))) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    await trx
      .updateTable('confirmation_changes')
      .set({ status: 'confirmed', expires_at: usableUntil })
      .where('id', '=', change.id)
      .execute();
    if (hadFailures) await recordSuccess(trx, who.accountId);
    await recordEvent(trx, {
      accountId: who.accountId,
      type: 'device.operation-confirmed',
      ip,
      ...(change.target === null ? {} : { deviceId: change.target }),
      details: { operation: kind, channel: change.channel },
      at: now,
    });
  });
  return { kind, deviceId: change.target, usableUntil };
}
