import { computeResponse, constantTimeEqual, type ResponseRequest } from '@cipherpad/core';
import { assertNotBlocked } from '../accounts/lockout.js';
import { RESPONSE_OPTIONS } from '../crypto/device-keys.js';
import type { AccountStatus, ChallengeMode, ChallengeStatus } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { countWrongAnswer } from './count-wrong-answer.js';

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
 * without saying why ({@link countWrongAnswer}). The state read here only
 * spares the work of checking a response that would be refused anyway: the
 * claim of a right one re-checks it when it writes (`claimChallenge`).
 *
 * `rows` is the challenge `id` with its devices (see {@link ChallengeDeviceRow});
 * the caller has already refused an unknown id with its own code.
 * `beforeCounting` runs synchronously once the response is known to be wrong,
 * before anything is counted; what it throws is the refusal instead.
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
  beforeCounting?: () => void,
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
    beforeCounting?.();
    return countWrongAnswer(services, id, {
      email: row.email,
      accountId: row.account_id,
      ip,
      countsOnAccount: true,
    });
  }
  return { accountId: row.account_id, email: row.email, deviceId: matchedDevice };
}
