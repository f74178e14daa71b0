import { runTransaction } from '@cipherpad/storage';
import { recordEvent } from '../audit/record-event.js';
import { announceClosed } from '../challenges/challenge-events.js';
import { claimChallenge } from '../challenges/claim-challenge.js';
import { findChallenge } from '../challenges/find-challenge.js';
import { assertWaitToken } from '../challenges/wait-token.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { LoginSession } from '../sessions/login-session.js';
import { newSessionToken } from '../sessions/session-token.js';

/**
 * Opens the session of a login the person approved in the app, for the site
 * that started it (it shows its wait token). Exactly once: the claim is a
 * conditional UPDATE from `approved` to `used`, so of concurrent redemptions
 * one wins and the others get `ERR_CHALLENGE_CLOSED`.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_WAIT_TOKEN_INVALID`,
 *   `ERR_LOGIN_PENDING` (not approved yet), `ERR_CHALLENGE_EXPIRED`,
 *   `ERR_CHALLENGE_CLOSED` (denied, failed, answered or redeemed).
 */
export async function redeemApproval(
  services: Services,
  id: string,
  waitToken: unknown,
  ip: string,
): Promise<LoginSession> {
  const { db, clock, policy } = services;
  const row = await findChallenge(db, id, 'login');
  if (!row) throw new ServiceError('ERR_LOGIN_NOT_FOUND');
  assertWaitToken(waitToken, row.wait_token_hash);
  const now = clock.now();
  if (row.status === 'pending') {
    throw new ServiceError(now >= row.expires_at ? 'ERR_CHALLENGE_EXPIRED' : 'ERR_LOGIN_PENDING');
  }
  if (row.status !== 'approved') throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (now >= row.expires_at) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
  // A lock that typed failures caused does not hold back what the owner's device approved.
  if (row.account_status === 'locked' && row.locked_by !== 'failures') {
    throw new ServiceError('ERR_ACCOUNT_LOCKED');
  }
  // Deactivating the device that approved withdraws its approval.
  if (
    row.account_id === null ||
    row.email === null ||
    row.approved_by === null ||
    row.approver !== 'active'
  ) {
    throw new ServiceError('ERR_CHALLENGE_CLOSED');
  }
  const accountId = row.account_id;
  const deviceId = row.approved_by;

  const { id: sessionId, token, secretHash } = newSessionToken();
  const expiresAt = now + policy.sessionTtlMs;
  await runTransaction(db, async (trx) => {
    await claimChallenge(services, trx, {
      id,
      accountId,
      now,
      from: 'approved',
      to: 'used',
      gate: 'approval',
    });
    await trx
      .insertInto('sessions')
      .values({
        id: sessionId,
        secret_hash: secretHash,
        account_id: accountId,
        device_id: deviceId,
        ip,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await recordEvent(trx, {
      accountId,
      type: 'login.succeeded',
      ip,
      deviceId,
      details: { mode: row.mode, approval: 'online' },
      at: now,
    });
  });
  announceClosed(services, null, id);
  return { token, expiresAt, accountId, email: row.email, deviceId };
}
