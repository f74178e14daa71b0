import type { Kysely } from 'kysely';
import { prepareQuery } from '../db/prepared-query.js';
import type {
  AccountStatus,
  ChallengeMode,
  ChallengeStatus,
  Database,
  DeviceStatus,
  LockCause,
} from '../db/schema.js';

/** A challenge as the feature that asked for it reads it back, with its account and approver. */
export interface FoundChallenge {
  readonly account_id: string | null;
  readonly purpose: string;
  readonly mode: ChallengeMode;
  readonly challenge: string;
  readonly status: ChallengeStatus;
  readonly expires_at: number;
  readonly wait_token_hash: string | null;
  /** The device that approved it online, if one did, and that device's status now. */
  readonly approved_by: string | null;
  readonly approver: DeviceStatus | null;
  readonly email: string | null;
  readonly account_status: AccountStatus | null;
  readonly locked_by: LockCause | null;
}

/** Reads the challenge `id` if its purpose is `purposes` (or one of them), or undefined. */
export async function findChallenge(
  db: Kysely<Database>,
  id: string,
  purposes: string | readonly string[],
): Promise<FoundChallenge | undefined> {
  return db
    .selectFrom('challenges as c')
    .leftJoin('accounts as a', 'a.id', 'c.account_id')
    .leftJoin('devices as d', 'd.id', 'c.approved_by')
    .select([
      'c.account_id',
      'c.purpose',
      'c.mode',
      'c.challenge',
      'c.status',
      'c.expires_at',
      'c.wait_token_hash',
      'c.approved_by',
      'd.status as approver',
      'a.email',
      'a.status as account_status',
      'a.locked_by',
    ])
    .where('c.id', '=', id)
    .where('c.purpose', 'in', typeof purposes === 'string' ? [purposes] : purposes)
    .executeTakeFirst();
}

/** What a challenge asked for: its mode and, for a payment, the amount, purse and currency. */
export interface ChallengeTerms {
  readonly mode: ChallengeMode;
  readonly amount: string | null;
  readonly purse: string | null;
  readonly currency: string | null;
  readonly expires_at: number;
}

const termsOf = prepareQuery<{ id: string }, ChallengeTerms>((db, p) =>
  db
    .selectFrom('challenges')
    .select(['mode', 'amount', 'purse', 'currency', 'expires_at'])
    .where('id', '=', p.id),
);

/** The terms of the challenge `id`, or undefined. */
export async function findTerms(
  db: Kysely<Database>,
  id: string,
): Promise<ChallengeTerms | undefined> {
  return (await termsOf(db, { id })).rows[0];
}
