import { constantTimeEqual } from '@cipherpad/core';
import { runTransaction } from '@cipherpad/storage';
import { assertNotBlocked, recordSuccess } from '../accounts/lockout.js';
import { approveConfirmation } from '../confirmation/approve-confirmation.js';
import type { AccountStatus, ChallengeStatus } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import { rejectResponse } from '../login/check-response.js';
import type { Services } from '../services.js';
import { announceClosed } from './approval-events.js';
import type { AuthenticatedDevice } from './device-auth.js';
import { APPROVABLE_PURPOSES } from './pending-requests.js';

/** A request as a device acting on it reads it, with its account's block state. */
export interface RequestForDevice {
  readonly account_id: string | null;
  readonly status: ChallengeStatus;
  readonly expires_at: number;
  readonly match_number: string | null;
  readonly ip: string | null;
  readonly purpose: string;
  readonly mode: string;
  readonly account_status: AccountStatus | null;
  readonly blocked_until: number | null;
  readonly block_level: number | null;
  readonly failed_attempts: number | null;
}

/**
 * Reads a pending request of the device's own account. A request of another
 * account is answered as if it did not exist.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_CHALLENGE_CLOSED`, `ERR_CHALLENGE_EXPIRED`.
 */
export async function loadPendingForDevice(
  services: Services,
  device: AuthenticatedDevice,
  id: string,
): Promise<RequestForDevice> {
  const row = await services.db
    .selectFrom('challenges as c')
    .leftJoin('accounts as a', 'a.id', 'c.account_id')
    .select([
      'c.account_id',
      'c.status',
      'c.expires_at',
      'c.match_number',
      'c.ip',
      'c.purpose',
      'c.mode',
      'a.status as account_status',
      'a.blocked_until',
      'a.block_level',
      'a.failed_attempts',
    ])
    .where('c.id', '=', id)
    .where('c.purpose', 'in', APPROVABLE_PURPOSES)
    .executeTakeFirst();
  if (!row || row.account_id !== device.accountId || row.match_number === null) {
    throw new ServiceError('ERR_LOGIN_NOT_FOUND');
  }
  if (row.status !== 'pending') throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (services.clock.now() >= row.expires_at) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
  return row;
}

/**
 * PRODUCT.md flow 8: the person approves a request in the app by typing the
 * number the site shows. The number is compared in constant time; a wrong
 * number counts as a wrong response, against the challenge (it closes after
 * `policy.challengeMaxAttempts`) and the account (blocks, then a lock). Of
 * concurrent approvals exactly one changes the challenge (a conditional
 * UPDATE); the site then redeems the approval with its wait token.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_CHALLENGE_CLOSED`,
 *   `ERR_CHALLENGE_EXPIRED`, `ERR_ACCOUNT_LOCKED`, `ERR_ACCOUNT_BLOCKED`,
 *   `ERR_RESPONSE_REJECTED` (with `attemptsLeft`).
 */
export async function approveRequest(
  services: Services,
  device: AuthenticatedDevice,
  id: string,
  number: unknown,
  ip: string,
): Promise<{ status: 'approved' }> {
  const { db, clock } = services;
  if (typeof number !== 'string' || number.length > 8) {
    throw new ServiceError('ERR_VALIDATION', {}, 'number must be the two digits the site shows.');
  }
  const row = await loadPendingForDevice(services, device, id);
  if (row.account_status !== null) {
    assertNotBlocked(services, {
      status: row.account_status,
      blocked_until: row.blocked_until,
      block_level: row.block_level ?? 0,
    });
  }
  if (!constantTimeEqual(row.match_number ?? '', number.trim())) {
    await rejectResponse(services, id, device.email, device.accountId, ip);
  }
  const now = clock.now();
  if (row.purpose === 'confirmation') {
    // A relying site's confirmation is done by the approval itself: no site redeems it.
    await approveConfirmation(services, device, id, row, ip, now);
    announceClosed(services, device.email, id);
    return { status: 'approved' };
  }
  await runTransaction(db, async (trx) => {
    const approved = await trx
      .updateTable('challenges')
      .set({ status: 'approved', approved_by: device.deviceId })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (approved.numUpdatedRows === 0n) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    if ((row.failed_attempts ?? 0) > 0 || (row.block_level ?? 0) > 0) {
      await recordSuccess(trx, device.accountId);
    }
  });
  announceClosed(services, device.email, id);
  return { status: 'approved' };
}
