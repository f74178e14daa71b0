import { type Kysely, sql } from 'kysely';
import { type AuditEvent, recordEvent } from '../audit/record-event.js';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { blockEmail } from './block-email.js';

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

/** A block that a counted failure put on the account. */
export interface NewBlock {
  readonly blockedUntil: number | null;
  readonly locked: boolean;
}

/** What {@link recordFailure} did: counted the failure, or refused to while a block holds. */
export type FailureCount =
  | { readonly counted: true; readonly block: NewBlock | null }
  | { readonly counted: false; readonly refusal: ServiceError };

/**
 * Counts a failed authentication, in ONE conditional statement that re-checks
 * the account at the moment it writes (docs/security.md, "Decided in one
 * step"): it counts only while the account is active and not blocked, and the
 * failure that reaches `policy.failuresBeforeBlock` sets the block in the same
 * statement, for the next duration in `policy.blockDurationsMs`; one block
 * more than the list holds locks the account (`locked_by = 'failures'`, which
 * an online approval from one of its devices lifts). On PostgreSQL the UPDATE
 * waits for the account row's lock and re-evaluates its WHERE on the newest
 * row version, so of concurrent failures the one after the fifth finds the
 * block and is not counted: an account never records more failures than the
 * policy allows before its block takes effect. The user gets an email at each
 * block saying how many remain.
 *
 * Call it first in the transaction that counts a wrong answer: it takes the
 * account row's lock before the challenge's, in the order every claim does.
 * A counted failure is written to the activity log as `failed` says.
 */
export async function recordFailure(
  services: Services,
  trx: Kysely<Database>,
  accountId: string,
  ip: string,
  failed: Pick<AuditEvent, 'type' | 'details'>,
): Promise<FailureCount> {
  const { policy, clock, delivery } = services;
  const now = clock.now();
  const reaches = sql<boolean>`failed_attempts + 1 >= ${policy.failuresBeforeBlock}`;
  const levels = policy.blockDurationsMs.length;
  const until = sql.join(
    policy.blockDurationsMs.map(
      (duration, level) => sql`when ${level} then cast(${now + duration} as bigint)`,
    ),
    sql` `,
  );
  const counted = await trx
    .updateTable('accounts')
    .set({
      failed_attempts: sql`case when ${reaches} then 0 else failed_attempts + 1 end`,
      block_level: sql`case when ${reaches} then block_level + 1 else block_level end`,
      blocked_until: sql`case when ${reaches} then (case block_level ${until} else null end) else blocked_until end`,
      status: sql`case when ${reaches} and block_level >= ${levels} then 'locked' else status end`,
      locked_by: sql`case when ${reaches} and block_level >= ${levels} then 'failures' else locked_by end`,
    })
    .where('id', '=', accountId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<=', now)]))
    .returning(['failed_attempts', 'block_level', 'blocked_until', 'status', 'email'])
    .executeTakeFirst();
  if (!counted) return { counted: false, refusal: await blockRefusal(services, trx, accountId) };
  // The activity log shows the failure, then the block it caused.
  await recordEvent(trx, { ...failed, accountId, ip, at: now });
  // A counted failure leaves at least 1 unless it set the block (and reset the count).
  if (counted.failed_attempts > 0) return { counted: true, block: null };

  const level = counted.block_level;
  const locked = counted.status === 'locked';
  const blockedUntil = locked ? null : counted.blocked_until;
  await recordEvent(trx, {
    accountId,
    type: locked ? 'account.locked' : 'account.blocked',
    ip,
    details: locked ? { level } : { level, until: blockedUntil ?? 0 },
    at: now,
  });
  const email = blockEmail({
    durationMs: locked ? null : (policy.blockDurationsMs[level - 1] ?? 0),
    failuresBeforeBlock: policy.failuresBeforeBlock,
    blocksBeforeLock: policy.blockDurationsMs.length - level,
  });
  await delivery.enqueue(trx, { channel: 'email', recipient: counted.email, ...email });
  return { counted: true, block: { blockedUntil, locked } };
}

/** The refusal for an account whose block or lock stopped a failure from being counted. */
async function blockRefusal(
  services: Services,
  trx: Kysely<Database>,
  accountId: string,
): Promise<ServiceError> {
  const account = await trx
    .selectFrom('accounts')
    .select(['status', 'blocked_until', 'block_level'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  try {
    if (account) assertNotBlocked(services, account);
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  // Not reached while the account exists: the UPDATE refused only a blocked or locked row.
  return new ServiceError('ERR_ACCOUNT_LOCKED');
}

/** What counting one wrong answer against a challenge (or code) and its account gave. */
export type FailureOutcome =
  | { readonly closed: true }
  | {
      readonly closed: false;
      /** Wrong answers the challenge has had, this one included. */
      readonly attempts: number;
      readonly block: NewBlock | null;
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
