import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** The device operation a request performs, as its confirmation must name it. */
export type ConfirmedDeviceOperation =
  | { readonly kind: 'show-activation' }
  | { readonly kind: 'deactivate-device'; readonly deviceId: string };

/**
 * Uses the confirmation of a device operation, in the transaction that
 * performs the operation: it must be this account's, confirmed (by the app
 * or, with no active device, the SMS code), for this very operation and
 * device, within `policy.confirmedOperationTtlMs` of its confirmation, and
 * not used before. One conditional update decides all of it, so two requests
 * cannot use one confirmation, and a failed operation rolls the use back.
 * The confirmation is asked for and given through `confirmation-settings/`;
 * this is its one use, by the operation's own route (`account/`, `activation/`).
 *
 * @throws ServiceError `ERR_OPERATION_CONFIRMATION_REQUIRED` (no confirmation given),
 *   `ERR_OPERATION_CONFIRMATION_INVALID` (unknown, not confirmed, for another
 *   operation or device, used, or expired).
 */
export async function useConfirmedOperation(
  services: Services,
  trx: Kysely<Database>,
  accountId: string,
  confirmationId: unknown,
  operation: ConfirmedDeviceOperation,
): Promise<void> {
  if (confirmationId === undefined || confirmationId === null || confirmationId === '') {
    throw new ServiceError('ERR_OPERATION_CONFIRMATION_REQUIRED');
  }
  if (typeof confirmationId !== 'string')
    throw new ServiceError('ERR_OPERATION_CONFIRMATION_INVALID');
  const now = services.clock.now();
  const used = await trx
    .updateTable('confirmation_changes')
    .set({ status: 'used', completed_at: now })
    .where('id', '=', confirmationId)
    .where('account_id', '=', accountId)
    .where('status', '=', 'confirmed')
    .where('operation', '=', operation.kind)
    .where((eb) =>
      operation.kind === 'deactivate-device'
        ? eb('target', '=', operation.deviceId)
        : eb('target', 'is', null),
    )
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (used.numUpdatedRows === 0n) throw new ServiceError('ERR_OPERATION_CONFIRMATION_INVALID');
}
