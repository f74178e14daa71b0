import { runTransaction } from '@cipherpad/storage';
import { type NewBlock, recordFailure, refuseWrongAnswer } from '../accounts/lockout.js';
import { recordEvent } from '../audit/record-event.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { announceClosed } from './challenge-events.js';

/** Thrown inside the counting transaction to undo it when the challenge took no more answers. */
class ChallengeClosed extends Error {}

/** Who gave the wrong answer, and whose challenge it is. */
export interface WrongAnswer {
  /** The account's email (null for a decoy), to tell its apps when the challenge closes. */
  readonly email: string | null;
  /** Null for a decoy: only the challenge counts. */
  readonly accountId: string | null;
  readonly ip: string;
  /**
   * Whether the answer counts toward the account's block: true for what a
   * stranger can type (responses, codes); false for a wrong number to match
   * from a signed device, which only the owner's device can send.
   */
  readonly countsOnAccount: boolean;
}

/**
 * Counts a wrong answer, then refuses. One transaction, each limit re-checked
 * at the moment it is written (docs/security.md, "Decided in one step"):
 *
 * 1. the failure on the account (`recordFailure`: one conditional UPDATE,
 *    refused while the account is blocked or locked, setting the block when
 *    the count reaches the policy's threshold). It comes first, so the
 *    account row is locked before the challenge's, in the order of every claim;
 * 2. the attempt on the challenge: `attempts + 1` only while it is pending
 *    with attempts left, `failed` at the last one (its purpose's `failed`
 *    hook runs in the same transaction). A challenge that took no more
 *    answers undoes the whole transaction: nothing is counted on the account.
 *
 * @throws ServiceError always: `ERR_CHALLENGE_CLOSED`, `ERR_ACCOUNT_LOCKED`,
 *   `ERR_ACCOUNT_BLOCKED` or `ERR_RESPONSE_REJECTED` (with `attemptsLeft`).
 */
export async function countWrongAnswer(
  services: Services,
  id: string,
  answer: WrongAnswer,
): Promise<never> {
  const { db, clock, policy, delivery } = services;
  const now = clock.now();
  let hooks: ReturnType<Services['challengeHooks']['of']> = {};
  let outcome: { attempts: number; block: NewBlock | null };
  try {
    outcome = await runTransaction(db, async (trx) => {
      let block: NewBlock | null = null;
      if (answer.accountId !== null && answer.countsOnAccount) {
        const failure = await recordFailure(services, trx, answer.accountId, answer.ip, {
          type: 'login.failed',
        });
        if (!failure.counted) throw failure.refusal;
        block = failure.block;
      }
      const counted = await trx
        .updateTable('challenges')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          status: eb
            .case()
            .when(eb('attempts', '+', 1), '>=', policy.challengeMaxAttempts)
            .then('failed' as const)
            .else(eb.ref('status'))
            .end(),
        }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('attempts', '<', policy.challengeMaxAttempts)
        .returning(['attempts', 'status', 'purpose'])
        .executeTakeFirst();
      if (!counted) throw new ChallengeClosed();
      hooks = services.challengeHooks.of(counted.purpose);
      if (counted.status === 'failed') await hooks.failed?.(trx, id, now);
      if (answer.accountId === null || !answer.countsOnAccount) {
        await recordEvent(trx, {
          accountId: answer.accountId,
          type: 'login.failed',
          ip: answer.ip,
          ...(answer.countsOnAccount ? {} : { details: { method: 'approval' } }),
          at: now,
        });
      }
      return { attempts: counted.attempts, block };
    });
  } catch (error) {
    if (error instanceof ChallengeClosed) {
      announceClosed(services, answer.email, id);
      throw new ServiceError('ERR_CHALLENGE_CLOSED');
    }
    throw error;
  }
  delivery.kick();
  hooks.settled?.();
  if (outcome.attempts >= policy.challengeMaxAttempts) announceClosed(services, answer.email, id);
  refuseWrongAnswer(services, { closed: false, ...outcome }, now);
}
