import { computeResponse, constantTimeEqual, type ResponseRequest } from '@cipherpad/core';
import { sql } from 'kysely';
import {
  assertNotBlocked,
  recordFailure,
  recordSuccess,
  refuseWrongAnswer,
} from '../accounts/lockout.js';
import { announceClosed } from '../approval/approval-events.js';
import { recordEvent } from '../audit/record-event.js';
import { settleConfirmation } from '../confirmation/settle-confirmation.js';
import { hashToken } from '../crypto/code-hasher.js';
import { randomString } from '../crypto/random-pool.js';
import { newId } from '../db/new-id.js';
import { prepareQuery } from '../db/prepared-query.js';
import type { AccountStatus, ChallengeMode, ChallengeStatus } from '../db/schema.js';
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

/** The challenge, its account's block state and its account's active devices: one row per device. */
const loadChallenge = prepareQuery<
  { id: string },
  {
    account_id: string | null;
    mode: ChallengeMode;
    challenge: string;
    amount: string | null;
    purse: string | null;
    status: ChallengeStatus;
    expires_at: number;
    email: string | null;
    account_status: AccountStatus | null;
    blocked_until: number | null;
    block_level: number | null;
    failed_attempts: number | null;
    device_id: string | null;
    ocra_key_enc: string | null;
  }
>((db, p) =>
  db
    .selectFrom('challenges as c')
    .leftJoin('accounts as a', 'a.id', 'c.account_id')
    .leftJoin('devices as d', (join) =>
      join.onRef('d.account_id', '=', 'c.account_id').on('d.status', '=', 'active'),
    )
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
      'a.failed_attempts',
      'd.id as device_id',
      'd.ocra_key_enc',
    ])
    .where('c.id', '=', p.id)
    .where('c.purpose', '=', 'login'),
);

/** Claims a pending challenge: of concurrent claims exactly one changes a row. */
const claimChallenge = prepareQuery<{ id: string; now: number }, never>((db, p) =>
  db
    .updateTable('challenges')
    .set({ status: 'used', completed_at: p.now })
    .where('id', '=', p.id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', p.now),
);

const insertSession = prepareQuery<
  {
    id: string;
    tokenHash: string;
    accountId: string;
    deviceId: string;
    ip: string;
    now: number;
    expiresAt: number;
  },
  never
>((db, p) =>
  db.insertInto('sessions').values({
    id: p.id,
    token_hash: p.tokenHash,
    account_id: p.accountId,
    device_id: p.deviceId,
    ip: p.ip,
    created_at: p.now,
    expires_at: p.expiresAt,
  }),
);

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
  const { db, clock, policy, deviceKeys } = services;
  if (typeof response !== 'string' || response.length > 64) {
    throw new ServiceError('ERR_VALIDATION', {}, 'response must be a string of digits.');
  }
  const typed = response.replace(/[\s-]/g, '');

  const { rows } = await loadChallenge(db, { id });
  const row = rows[0];
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
    const key = deviceKeys.open(device.device_id, device.ocra_key_enc);
    const expected = await computeResponse(key, request);
    // Every device is checked, match or not, so timing does not tell which matched.
    if (constantTimeEqual(expected, typed) && matchedDevice === null) {
      matchedDevice = device.device_id;
    }
  }

  if (matchedDevice === null || row.account_id === null || row.email === null) {
    await rejectResponse(services, id, row.email, row.account_id, ip);
  }
  const accountId = row.account_id as string;
  const deviceId = matchedDevice as string;

  const token = randomString(32, 'base64url');
  const expiresAt = now + policy.sessionTtlMs;
  await db.transaction().execute(async (trx) => {
    const claimed = await claimChallenge(trx, { id, now });
    if (claimed.numAffectedRows === 0n) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    await insertSession(trx, {
      id: newId(),
      tokenHash: hashToken(token),
      accountId,
      deviceId,
      ip,
      now,
      expiresAt,
    });
    if ((row.failed_attempts ?? 0) > 0 || (row.block_level ?? 0) > 0) {
      await recordSuccess(trx, accountId);
    }
    await recordEvent(trx, {
      accountId,
      type: 'login.succeeded',
      ip,
      deviceId,
      details: { mode: row.mode },
      at: now,
    });
  });
  announceClosed(services, row.email, id);
  return { token, expiresAt, accountId, email: row.email as string, deviceId };
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
  const outcome = await db.transaction().execute(async (trx) => {
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
