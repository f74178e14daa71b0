import { constantTimeEqual } from '@cipherpad/core';
import { runTransaction } from '@cipherpad/storage';
import { endFailures } from '../accounts/end-failures.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { announceClosed } from './challenge-events.js';
import { claimChallenge } from './claim-challenge.js';
import { countWrongAnswer } from './count-wrong-answer.js';
import { loadForDevice } from './load-for-device.js';

/** The activated device approving, as its signed request authenticated it. */
export interface ApprovingDevice {
  readonly deviceId: string;
  readonly accountId: string;
  readonly email: string;
}

/**
 * Online approval (docs/web-api.md): the person approves a request in the app by typing the
 * number the site shows, in a request signed by one of the account's
 * activated devices. The number is compared in constant time.
 *
 * What a stranger cannot forge is not held back by what a stranger can cause
 * (docs/security.md): the approval is accepted while the account is blocked
 * for wrong typed responses, and after a lock they caused; it ends them and
 * tells the owner how many wrong answers were made, when and from where
 * (`endFailures`). A wrong number still counts against the challenge (it
 * closes after `policy.challengeMaxAttempts`) but never toward the account's
 * block: only the owner's device can send one, so it must not let anyone run
 * the account into a lock.
 *
 * One transaction: the claim (a conditional UPDATE that re-checks the account
 * at that moment, so of concurrent approvals and typed responses exactly one
 * wins), the purpose's `approved` hook when it has one (a relying site's
 * confirmation is done by the approval itself), and the end of the failures.
 * A login or settings change without a hook waits, `approved`, for its site
 * to redeem it with its wait token.
 *
 * @throws ServiceError `ERR_VALIDATION`, `ERR_LOGIN_NOT_FOUND`,
 *   `ERR_CHALLENGE_CLOSED`, `ERR_CHALLENGE_EXPIRED`, `ERR_ACCOUNT_LOCKED` (a
 *   lock only an operator or recovery lifts), `ERR_RESPONSE_REJECTED` (with
 *   `attemptsLeft`).
 */
export async function approveChallenge(
  services: Services,
  device: ApprovingDevice,
  id: string,
  number: unknown,
  ip: string,
): Promise<{ status: 'approved' }> {
  const { db, clock } = services;
  if (typeof number !== 'string' || number.length > 8) {
    throw new ServiceError('ERR_VALIDATION', {}, 'number must be the two digits the site shows.');
  }
  const row = await loadForDevice(services, device, id);
  if (!constantTimeEqual(row.match_number ?? '', number.trim())) {
    await countWrongAnswer(services, id, {
      email: device.email,
      accountId: device.accountId,
      ip,
      countsOnAccount: false,
    });
  }
  const now = clock.now();
  const hooks = services.challengeHooks.of(row.purpose);
  const approved = hooks.approved;
  await runTransaction(db, async (trx) => {
    await claimChallenge(services, trx, {
      id,
      accountId: device.accountId,
      now,
      from: 'pending',
      to: approved ? 'used' : 'approved',
      approvedBy: device.deviceId,
      gate: 'approval',
    });
    // Before the purpose's hook, which may log a success: the report counts
    // the failures since the last success.
    await endFailures(services, trx, device, { ip, deviceId: device.deviceId, now });
    await approved?.(trx, {
      id,
      accountId: device.accountId,
      deviceId: device.deviceId,
      mode: row.mode,
      requestIp: row.ip,
      ip,
      now,
    });
  });
  services.delivery.kick();
  hooks.settled?.();
  announceClosed(services, device.email, id);
  return { status: 'approved' };
}
