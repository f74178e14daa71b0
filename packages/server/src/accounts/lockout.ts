import { type Kysely, sql } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** The block state of an account, as read with a challenge. */
export interface LockoutState {
  readonly status: string;
  readonly blocked_until: number | null;
  readonly block_level: number;
}

/**
 * Refuses an attempt on an account that is locked or blocked for now.
 *
 * @throws ServiceError `ERR_ACCOUNT_LOCKED`, or `ERR_ACCOUNT_BLOCKED` with
 *   `retryAfter` (seconds) and `blocksBeforeLock` (0 means the next block is permanent).
 */
export function assertNotBlocked(services: Services, account: LockoutState): void {
  if (account.status === 'locked') throw new ServiceError('ERR_ACCOUNT_LOCKED');
  const now = services.clock.now();
  if (account.blocked_until !== null && account.blocked_until > now) {
    throw new ServiceError('ERR_ACCOUNT_BLOCKED', {
      retryAfter: Math.ceil((account.blocked_until - now) / 1000),
      blocksBeforeLock: services.policy.blockDurationsMs.length - account.block_level,
    });
  }
}

/**
 * Counts a failed authentication. After `policy.failuresBeforeBlock`
 * consecutive failures the account is blocked for the next duration in
 * `policy.blockDurationsMs`; one block more than the list holds locks it until
 * recovery. The user gets an email at each block saying how many remain.
 *
 * @returns the new block, if this failure caused one.
 */
export async function recordFailure(
  services: Services,
  trx: Kysely<Database>,
  accountId: string,
  ip: string,
): Promise<{ blockedUntil: number | null; locked: boolean } | null> {
  const { policy, clock, delivery } = services;
  const now = clock.now();
  const counted = await trx
    .updateTable('accounts')
    .set({ failed_attempts: sql`failed_attempts + 1` })
    .where('id', '=', accountId)
    .returning(['failed_attempts', 'block_level', 'email'])
    .executeTakeFirst();
  if (!counted || counted.failed_attempts < policy.failuresBeforeBlock) return null;

  const level = counted.block_level + 1;
  const duration = policy.blockDurationsMs[level - 1];
  const locked = duration === undefined;
  const blockedUntil = locked ? null : now + duration;
  await trx
    .updateTable('accounts')
    .set({
      failed_attempts: 0,
      block_level: level,
      blocked_until: blockedUntil,
      ...(locked ? { status: 'locked' as const } : {}),
    })
    .where('id', '=', accountId)
    .execute();
  await recordEvent(trx, {
    accountId,
    type: locked ? 'account.locked' : 'account.blocked',
    ip,
    details: locked ? { level } : { level, until: blockedUntil ?? 0 },
    at: now,
  });
  const remaining = policy.blockDurationsMs.length - level;
  await delivery.enqueue(trx, {
    channel: 'email',
    recipient: counted.email,
    subject: locked
      ? 'Your Cipherpad account is locked'
      : 'Your Cipherpad account is blocked for a while',
    body: locked
      ? 'After repeated failed sign-in attempts your Cipherpad account is locked. Recover access to unlock it.'
      : [
          `After ${policy.failuresBeforeBlock} failed sign-in attempts your Cipherpad account is blocked for ${Math.round((duration ?? 0) / 60_000)} minutes.`,
          remaining === 0
            ? 'One more block will lock the account until you recover access.'
            : `${remaining} more blocks will lock the account until you recover access.`,
          'If this was not you, someone may be trying to sign in as you.',
        ].join('\n'),
  });
  return { blockedUntil, locked };
}

/** What counting one wrong answer against a challenge (or code) and its account gave. */
export type FailureOutcome =
  | { readonly closed: true }
  | {
      readonly closed: false;
      /** Wrong answers the challenge has had, this one included. */
      readonly attempts: number;
      readonly block: Awaited<ReturnType<typeof recordFailure>>;
    };

/**
 * Refuses a wrong answer the way every challenge does, after it was counted:
 * closed, locked, blocked (with when to retry), or rejected with the attempts
 * left. Never says what was wrong.
 *
 * @throws ServiceError always: `ERR_CHALLENGE_CLOSED`, `ERR_ACCOUNT_LOCKED`,
 *   `ERR_ACCOUNT_BLOCKED` or `ERR_RESPONSE_REJECTED`.
 */
export function refuseWrongAnswer(services: Services, outcome: FailureOutcome, now: number): never {
  if (outcome.closed) throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (outcome.block?.locked) throw new ServiceError('ERR_ACCOUNT_LOCKED');
  if (outcome.block?.blockedUntil) {
    throw new ServiceError('ERR_ACCOUNT_BLOCKED', {
      retryAfter: Math.ceil((outcome.block.blockedUntil - now) / 1000),
    });
  }
  throw new ServiceError('ERR_RESPONSE_REJECTED', {
    attemptsLeft: Math.max(0, services.policy.challengeMaxAttempts - outcome.attempts),
  });
}

/** Clears the failure count and block level after a success. */
export async function recordSuccess(trx: Kysely<Database>, accountId: string): Promise<void> {
  await trx
    .updateTable('accounts')
    .set({ failed_attempts: 0, block_level: 0, blocked_until: null })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('failed_attempts', '>', 0), eb('block_level', '>', 0)]))
    .execute();
}
