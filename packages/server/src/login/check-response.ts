import { computeResponse, constantTimeEqual, type ResponseRequest } from '@cipherpad/core';
import { runTransaction } from '@cipherpad/storage';
import { sql } from 'kysely';
import { assertNotBlocked, recordFailure, refuseWrongAnswer } from '../accounts/lockout.js';
import { announceClosed } from '../approval/approval-events.js';
import { recordEvent } from '../audit/record-event.js';
import { settleConfirmation } from '../confirmation/settle-confirmation.js';
import type { AccountStatus, ChallengeMode, ChallengeStatus } from '../db/schema.js';
import { RESPONSE_OPTIONS } from '../devices/device-keys.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/**
 * A pending challenge as a response is checked against it: one row per
 * active device of its account (a row with no device for an account without
 * one, or for a decoy without an account).
 */
export interface ChallengeDeviceRow {
  readonly account_id: string | null;
  readonly mode: ChallengeMode;
  readonly challenge: string;
  readonly amount: string | null;
  readonly purse: string | null;
  readonly status: ChallengeStatus;
  readonly expires_at: number;
  readonly email: string | null;
  readonly account_status: AccountStatus | null;
  readonly blocked_until: number | null;
  readonly block_level: number | null;
  readonly device_id: string | null;
  readonly ocra_key_enc: string | null;
}

/** Who a right response came from. */
export interface MatchedResponse {
  readonly accountId: string;
  readonly email: string;
  readonly deviceId: string;
}

/**
 * The rules every typed response meets, for a login as for a site's
 * confirmation (PRODUCT.md, "Rules that hold everywhere"): the challenge is
 * still pending and unexpired, the account is not blocked, and the response
 * is compared in constant time with every active device's expected response
 * in the challenge's mode (Payment mode binds the amount and the purse, so a
 * response computed for another payment is wrong like any other). A wrong
 * response is counted against the challenge and the account, and refused
 * without saying why.
 *
 * `rows` is the challenge `id` with its devices (see {@link ChallengeDeviceRow});
 * the caller has already refused an unknown id with its own code.
 *
 * @throws ServiceError `ERR_VALIDATION`, `ERR_CHALLENGE_CLOSED`,
 *   `ERR_CHALLENGE_EXPIRED`, `ERR_ACCOUNT_LOCKED`, `ERR_ACCOUNT_BLOCKED`,
 *   `ERR_RESPONSE_REJECTED` (with `attemptsLeft`).
 */
export async function checkResponse(
  services: Services,
  id: string,
  rows: readonly [ChallengeDeviceRow, ...ChallengeDeviceRow[]],
  response: unknown,
  ip: string,
): Promise<MatchedResponse> {
  if (typeof response !== 'string' || response.length > 64) {
    throw new ServiceError('ERR_VALIDATION', {}, 'response must be a string of digits.');
  }
  const typed = response.replace(/[\s-]/g, '');
  const [row] = rows;
  if (row.status !== 'pending') throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (services.clock.now() >= row.expires_at) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
  if (row.account_id !== null && row.account_status !== null) {
    assertNotBlocked(services, {
      status: row.account_status,
      blocked_until: row.blocked_until,
      block_level: row.block_level ?? 0,
    });
  }

  const request: ResponseRequest =
    row.mode === 'payment'
      ? {
          mode: 'payment',
          challenge: row.challenge,
          amount: row.amount ?? '',
          purse: row.purse ?? '',
        }
      : { mode: 'authorization', challenge: row.challenge };
  let matchedDevice: string | null = null;
  for (const device of rows) {
    if (device.device_id === null || device.ocra_key_enc === null) continue;
    const key = services.deviceKeys.open(device.device_id, device.ocra_key_enc);
    const expected = await computeResponse(key, request, RESPONSE_OPTIONS);
    // Every device is checked, match or not, so timing does not tell which matched.
    if (constantTimeEqual(expected, typed) && matchedDevice === null) {
      matchedDevice = device.device_id;
    }
  }
  if (matchedDevice === null || row.account_id === null || row.email === null) {
    return rejectResponse(services, id, row.email, row.account_id, ip);
  }
  return { accountId: row.account_id, email: row.email, deviceId: matchedDevice };
}

/**
 * Counts a wrong response against the challenge and the account, then
 * refuses. Online approval counts a wrong number to match the same way.
 * `email` is the account's (null for a decoy), to tell its apps when the
 * challenge closes.
 */
export async function rejectResponse(
  services: Services,
  id: string,
  email: string | null,
  accountId: string | null,
  ip: string,
): Promise<never> {
  const { db, clock, policy, delivery } = services;
  const now = clock.now();
  const outcome = await runTransaction(db, async (trx) => {
    const counted = await trx
      .updateTable('challenges')
      .set({
        attempts: sql`attempts + 1`,
        status: sql`case when attempts + 1 >= ${policy.challengeMaxAttempts} then 'failed' else status end`,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returning(['attempts', 'status', 'purpose'])
      .executeTakeFirst();
    if (!counted) return { closed: true as const };
    // A relying site's confirmation fails with its challenge, and its webhook is written with it.
    if (counted.status === 'failed' && counted.purpose === 'confirmation') {
      await settleConfirmation(trx, id, { status: 'failed' }, now);
    }
    const block = accountId ? await recordFailure(services, trx, accountId, ip) : null;
    await recordEvent(trx, { accountId, type: 'login.failed', ip, at: now });
    return { closed: false as const, attempts: counted.attempts, block };
  });
  delivery.kick();
  services.webhooks.kick();
  if (outcome.closed || outcome.attempts >= policy.challengeMaxAttempts) {
    announceClosed(services, email, id);
  }
  refuseWrongAnswer(services, outcome, now);
}
