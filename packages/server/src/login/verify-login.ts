import { randomBytes } from 'node:crypto';
import { computeResponse, constantTimeEqual, type ResponseRequest } from '@cipherpad/core';
import { sql } from 'kysely';
import { assertNotBlocked, recordFailure, recordSuccess } from '../accounts/lockout.js';
import { recordEvent } from '../audit/record-event.js';
import { hashToken } from '../crypto/code-hasher.js';
import { newId } from '../db/new-id.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** A signed-in session: the bearer token is shown once and stored only hashed. */
export interface LoginSession {
  readonly token: string;
  readonly expiresAt: number;
  readonly accountId: string;
  readonly email: string;
  readonly deviceId: string;
}

/**
 * Checks the response to a login challenge and, when it is right, opens a
 * session. The rules of PRODUCT.md, in order:
 *
 * - a challenge expires after `policy.challengeTtlMs` and is used at most
 *   once: the claim is one conditional UPDATE, so of many concurrent correct
 *   responses exactly one wins;
 * - a challenge accepts at most `policy.challengeMaxAttempts` wrong responses;
 * - consecutive failures block the account for growing periods (see lockout.ts);
 * - the response is compared in constant time with every active device's
 *   expected response, and a refusal never says what was wrong.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_CHALLENGE_EXPIRED`,
 *   `ERR_CHALLENGE_CLOSED`, `ERR_ACCOUNT_LOCKED`, `ERR_ACCOUNT_BLOCKED`,
 *   `ERR_RESPONSE_REJECTED` (with `attemptsLeft`).
 */
export async function verifyLogin(
  services: Services,
  id: string,
  response: unknown,
  ip: string,
): Promise<LoginSession> {
  const { db, clock, policy, secrets } = services;
  if (typeof response !== 'string' || response.length > 64) {
    throw new ServiceError('ERR_VALIDATION', {}, 'response must be a string of digits.');
  }
  const typed = response.replace(/[\s-]/g, '');

  const row = await db
    .selectFrom('challenges as c')
    .leftJoin('accounts as a', 'a.id', 'c.account_id')
    .select([
      'c.account_id',
      'c.mode',
      'c.challenge',
      'c.amount',
      'c.purse',
      'c.status',
      'c.expires_at',
      'a.email',
      'a.status as account_status',
      'a.blocked_until',
      'a.block_level',
    ])
    .where('c.id', '=', id)
    .where('c.purpose', '=', 'login')
    .executeTakeFirst();
  if (!row) throw new ServiceError('ERR_LOGIN_NOT_FOUND');
  const now = clock.now();
  if (row.status !== 'pending') throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (now >= row.expires_at) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
  if (row.account_id !== null && row.account_status !== null) {
    assertNotBlocked(services, {
      status: row.account_status,
      blocked_until: row.blocked_until,
      block_level: row.block_level ?? 0,
    });
  }

  const devices = row.account_id
    ? await db
        .selectFrom('devices')
        .select(['id', 'ocra_key_enc'])
        .where('account_id', '=', row.account_id)
        .where('status', '=', 'active')
        .execute()
    : [];
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
  for (const device of devices) {
    const key = secrets.open(device.ocra_key_enc, `device:${device.id}`);
    const expected = await computeResponse(key, request);
    key.fill(0);
    // Every device is checked, match or not, so timing does not tell which matched.
    if (constantTimeEqual(expected, typed) && matchedDevice === null) matchedDevice = device.id;
  }

  if (matchedDevice === null || row.account_id === null || row.email === null) {
    await rejectResponse(services, id, row.account_id, ip);
  }
  const accountId = row.account_id as string;
  const deviceId = matchedDevice as string;

  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + policy.sessionTtlMs;
  await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('challenges')
      .set({ status: 'used', completed_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    await trx
      .insertInto('sessions')
      .values({
        id: newId(),
        token_hash: hashToken(token),
        account_id: accountId,
        device_id: deviceId,
        ip,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await recordSuccess(trx, accountId);
    await trx
      .updateTable('devices')
      .set({ last_used_at: now })
      .where('id', '=', deviceId)
      .execute();
    await recordEvent(trx, {
      accountId,
      type: 'login.succeeded',
      ip,
      deviceId,
      details: { mode: row.mode },
      at: now,
    });
  });
  return { token, expiresAt, accountId, email: row.email as string, deviceId };
}

/** Counts a wrong response against the challenge and the account, then refuses. */
async function rejectResponse(
  services: Services,
  id: string,
  accountId: string | null,
  ip: string,
): Promise<never> {
  const { db, clock, policy, delivery } = services;
  const now = clock.now();
  const outcome = await db.transaction().execute(async (trx) => {
    const counted = await trx
      .updateTable('challenges')
      .set({
        attempts: sql`attempts + 1`,
        status: sql`case when attempts + 1 >= ${policy.challengeMaxAttempts} then 'failed' else status end`,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returning('attempts')
      .executeTakeFirst();
    if (!counted) return { closed: true as const };
    const block = accountId ? await recordFailure(services, trx, accountId, ip) : null;
    await recordEvent(trx, { accountId, type: 'login.failed', ip, at: now });
    return { closed: false as const, attempts: counted.attempts, block };
  });
  delivery.kick();
  if (outcome.closed) throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (outcome.block?.locked) throw new ServiceError('ERR_ACCOUNT_LOCKED');
  if (outcome.block?.blockedUntil) {
    throw new ServiceError('ERR_ACCOUNT_BLOCKED', {
      retryAfter: Math.ceil((outcome.block.blockedUntil - now) / 1000),
    });
  }
  throw new ServiceError('ERR_RESPONSE_REJECTED', {
    attemptsLeft: Math.max(0, policy.challengeMaxAttempts - outcome.attempts),
  });
}
