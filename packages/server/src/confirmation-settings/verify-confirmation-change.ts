import { computeResponse, constantTimeEqual } from '@cipherpad/core';
import { runTransaction } from '@cipherpad/storage';
import { type Kysely, sql } from 'kysely';
import type { ConfirmationSettings } from '../accounts/confirmable-operations.js';
import { confirmationOf } from '../accounts/confirmation-of.js';
import {
  assertNotBlocked,
  recordFailure,
  recordSuccess,
  refuseWrongAnswer,
} from '../accounts/lockout.js';
import { recordEvent } from '../audit/record-event.js';
import { announceClosed } from '../challenges/challenge-events.js';
import { claimChallenge } from '../challenges/claim-challenge.js';
import { countWrongAnswer } from '../challenges/count-wrong-answer.js';
import { findChallenge } from '../challenges/find-challenge.js';
import { assertWaitToken } from '../challenges/wait-token.js';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { Change, VerifiedConfirmation } from './account-operation.js';
import { confirmOperation } from './confirm-operation.js';

/** What confirms a change: a typed response or SMS code, or the site's wait token after approval. */
export interface ConfirmationProof {
  readonly response?: unknown;
  readonly waitToken?: unknown;
}

/**
 * Applies a confirmation change once it is confirmed: by the app's response
 * to its challenge, by the app's online approval (the site then shows its
 * wait token), or by the SMS code. The limits of a login hold: a wrong
 * answer counts against the change (it closes after
 * `policy.challengeMaxAttempts`) and the account (blocks, then a lock), and
 * the claim is conditional, so a change applies at most once.
 *
 * @throws ServiceError `ERR_CHANGE_NOT_FOUND`, `ERR_CHALLENGE_CLOSED`,
 *   `ERR_CHALLENGE_EXPIRED`, `ERR_LOGIN_PENDING`, `ERR_WAIT_TOKEN_INVALID`,
 *   `ERR_ACCOUNT_LOCKED`, `ERR_ACCOUNT_BLOCKED`, `ERR_RESPONSE_REJECTED`
 *   (with `attemptsLeft`), `ERR_VALIDATION`.
 */
export async function verifyConfirmationChange(
  services: Services,
  who: { accountId: string; email: string },
  id: string,
  proof: ConfirmationProof,
  ip: string,
): Promise<ConfirmationSettings> {
  const done = await verifyAccountConfirmation(services, who, id, proof, ip, 'settings');
  if (done.kind !== 'settings') throw new ServiceError('ERR_CHANGE_NOT_FOUND');
  return done.settings;
}

/**
 * Verifies the confirmation of an account operation, with the limits and
 * proofs of {@link verifyConfirmationChange}. A settings change is applied;
 * a device operation is marked confirmed, for the operation's own request to
 * use once within `policy.confirmedOperationTtlMs`
 * (`devices/use-confirmed-operation.ts`). `expected` is the kind of operation the
 * caller verifies: `settings`, or `device` for either device operation.
 *
 * @throws ServiceError as {@link verifyConfirmationChange} does.
 */
export async function verifyAccountConfirmation(
  services: Services,
  who: { accountId: string; email: string },
  id: string,
  proof: ConfirmationProof,
  ip: string,
  expected: 'settings' | 'device',
): Promise<VerifiedConfirmation> {
  const { db, clock } = services;
  const row = await db
    .selectFrom('confirmation_changes as x')
    .innerJoin('accounts as a', 'a.id', 'x.account_id')
    .select([
      'x.id',
      'x.channel',
      'x.method',
      'x.operations',
      'x.operation',
      'x.target',
      'x.code_hash',
      'x.status',
      'x.expires_at',
      'a.status as account_status',
      'a.blocked_until',
      'a.block_level',
      'a.failed_attempts',
    ])
    .where('x.id', '=', id)
    .where('x.account_id', '=', who.accountId)
    .executeTakeFirst();
  if (!row || (row.operation === 'settings') !== (expected === 'settings')) {
    throw new ServiceError('ERR_CHANGE_NOT_FOUND');
  }
  if (row.status !== 'pending') throw new ServiceError('ERR_CHALLENGE_CLOSED');
  assertNotBlocked(services, {
    status: row.account_status,
    blocked_until: row.blocked_until,
    block_level: row.block_level,
  });
  const now = clock.now();
  const hadFailures = row.failed_attempts > 0 || row.block_level > 0;
  const response = proof.response;
  if (response !== undefined && (typeof response !== 'string' || response.length > 64)) {
    throw new ServiceError('ERR_VALIDATION', {}, 'response must be a string of digits.');
  }
  const typed = typeof response === 'string' ? response.replace(/[\s-]/g, '') : null;

  if (row.channel === 'sms') {
    if (now >= row.expires_at) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
    if (typed === null) throw new ServiceError('ERR_VALIDATION', {}, 'response is required.');
    if (!services.codes.matches(`settings-sms:${id}`, typed, row.code_hash ?? '')) {
      await rejectSmsCode(services, id, who.accountId, ip);
    }
    return applyChange(services, who, row, hadFailures, ip, async (trx) => {
      const claimed = await trx
        .updateTable('confirmation_changes')
        .set({ status: 'applied', completed_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return claimed.numUpdatedRows > 0n;
    });
  }

  const challenge = await findChallenge(db, id, 'settings');
  if (!challenge) throw new ServiceError('ERR_CHANGE_NOT_FOUND');
  const claim = (from: 'pending' | 'approved') => async (trx: Kysely<Database>) => {
    // A typed response is let through only while the account is not blocked;
    // an approval, already given by a signed device, as it was given.
    await claimChallenge(services, trx, {
      id,
      accountId: who.accountId,
      now,
      from,
      to: 'used',
      gate: from === 'approved' ? 'approval' : 'typed',
    });
    await trx
      .updateTable('confirmation_changes')
      .set({ status: 'applied', completed_at: now })
      .where('id', '=', id)
      .execute();
    return true;
  };

  if (typed === null) {
    // Approved online: the site that started the change shows its wait token.
    assertWaitToken(proof.waitToken, challenge.wait_token_hash);
    if (challenge.status === 'pending') {
      throw new ServiceError(
        now >= challenge.expires_at ? 'ERR_CHALLENGE_EXPIRED' : 'ERR_LOGIN_PENDING',
      );
    }
    if (challenge.status !== 'approved' || challenge.approver !== 'active') {
      throw new ServiceError('ERR_CHALLENGE_CLOSED');
    }
    if (now >= challenge.expires_at) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
    const done = await applyChange(services, who, row, hadFailures, ip, claim('approved'));
    announceClosed(services, null, id);
    return done;
  }

  if (challenge.status !== 'pending') throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (now >= challenge.expires_at) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
  const devices = await db
    .selectFrom('devices')
    .select(['id', 'ocra_key_enc'])
    .where('account_id', '=', who.accountId)
    .where('status', '=', 'active')
    .execute();
  let matched = false;
  for (const device of devices) {
    const key = services.deviceKeys.open(device.id, device.ocra_key_enc);
    const expected = await computeResponse(key, {
      mode: 'authorization',
      challenge: challenge.challenge,
    });
    // Every device is checked, match or not, so timing does not tell which matched.
    if (constantTimeEqual(expected, typed)) matched = true;
  }
  if (!matched) {
    await countWrongAnswer(services, id, {
      email: who.email,
      accountId: who.accountId,
      ip,
      countsOnAccount: true,
    });
  }
  const done = await applyChange(services, who, row, hadFailures, ip, claim('pending'));
  announceClosed(services, who.email, id);
  return done;
}

/** Claims the confirmation and applies the new settings, in one transaction. */
async function applyChange(
  services: Services,
  who: { accountId: string },
  change: Change,
  hadFailures: boolean,
  ip: string,
  claim: (trx: Kysely<Database>) => Promise<boolean>,
): Promise<VerifiedConfirmation> {
  const { db, clock } = services;
  if (change.operation !== 'settings') {
    return confirmOperation(services, who, change, hadFailures, ip, claim);
  }
  const settings = confirmationOf({
    confirmation_method: change.method,
    confirmation_operations: change.operations,
  });
  await runTransaction(db, async (trx) => {
    if (!(await claim(trx))) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    await trx
      .updateTable('accounts')
      .set({
        confirmation_method: settings.method,
        confirmation_operations: JSON.stringify(settings.operations),
      })
      .where('id', '=', who.accountId)
      .execute();
    if (hadFailures) await recordSuccess(trx, who.accountId);
    await recordEvent(trx, {
      accountId: who.accountId,
      type: 'confirmation.changed',
      ip,
      details: {
        method: settings.method,
        operations: settings.operations.join(','),
        channel: change.channel,
      },
      at: clock.now(),
    });
  });
  return { kind: 'settings', settings };
}

/** Counts a wrong SMS code against the change and the account, then refuses. */
async function rejectSmsCode(
  services: Services,
  id: string,
  accountId: string,
  ip: string,
): Promise<never> {
  const { db, clock, policy, delivery } = services;
  const now = clock.now();
  const outcome = await runTransaction(db, async (trx) => {
    // The account first, as every claim locks it: a failure refused while a
    // block holds counts nothing on the change either.
    const failure = await recordFailure(services, trx, accountId, ip, {
      type: 'confirmation.failed',
      details: { channel: 'sms' },
    });
    if (!failure.counted) throw failure.refusal;
    const counted = await trx
      .updateTable('confirmation_changes')
      .set({
        attempts: sql`attempts + 1`,
        status: sql`case when attempts + 1 >= ${policy.challengeMaxAttempts} then 'failed' else status end`,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returning('attempts')
      .executeTakeFirst();
    if (!counted) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    return { closed: false as const, attempts: counted.attempts, block: failure.block };
  });
  delivery.kick();
  refuseWrongAnswer(services, outcome, now);
}
