import type { PreparedQuery } from '@cipherpad/storage';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { assertNotBlocked } from '../accounts/lockout.js';
import { prepareQuery } from '../db/prepared-query.js';
import type { ChallengeMode, Database } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/**
 * Which account states let a claim through:
 * - `typed`: a typed response or code, which anyone may guess: the account
 *   must be active and not blocked;
 * - `approval`: an online approval signed by one of the account's activated
 *   devices, which a stranger cannot forge: a block does not stop it, nor a
 *   lock that typed failures caused (`locked_by = 'failures'`); any other
 *   lock does.
 */
export type AccountGate = 'typed' | 'approval';

/** A claim of a challenge: it leaves `from` for `to` only if, at that moment, the gate lets it. */
export interface Claim {
  readonly id: string;
  readonly accountId: string;
  readonly now: number;
  readonly from: 'pending' | 'approved';
  readonly to: 'used' | 'approved';
  /** The device that approved it online. */
  readonly approvedBy?: string;
  readonly gate: AccountGate;
}

/** What a claimed challenge asked for. */
export interface ClaimedTerms {
  readonly purpose: string;
  readonly mode: ChallengeMode;
  readonly amount: string | null;
  readonly purse: string | null;
  readonly currency: string | null;
  readonly expires_at: number;
}

/** The account states a claim through `gate` accepts, as a condition on `accounts as a`. */
export function accountAdmits(
  eb: ExpressionBuilder<Database & { a: Database['accounts'] }, 'a'>,
  gate: AccountGate,
  now: number,
) {
  return gate === 'typed'
    ? eb.and([
        eb('a.status', '=', 'active'),
        eb.or([eb('a.blocked_until', 'is', null), eb('a.blocked_until', '<=', now)]),
      ])
    : eb.or([
        eb('a.status', '=', 'active'),
        eb.and([eb('a.status', '=', 'locked'), eb('a.locked_by', '=', 'failures')]),
      ]);
}

/** Locks the account row against concurrent failures and claims (PostgreSQL). */
const lockAccount = prepareQuery<{ accountId: string }, { id: string }>((db, p) =>
  db.selectFrom('accounts').select('id').where('id', '=', p.accountId).forNoKeyUpdate(),
);

type ClaimParams = {
  id: string;
  accountId: string;
  from: Claim['from'];
  to: Claim['to'];
  now: number;
  approvedBy: string | null;
};

/** The claim's UPDATE, built and compiled once for each shape a claim can take. */
const claimQueries = new Map<string, PreparedQuery<Database, ClaimParams, ClaimedTerms>>();

function claimQuery(claim: Claim): PreparedQuery<Database, ClaimParams, ClaimedTerms> {
  const shape = `${claim.gate}:${claim.to}:${claim.approvedBy ? 'by' : ''}`;
  let query = claimQueries.get(shape);
  if (!query) {
    query = prepareQuery<ClaimParams, ClaimedTerms>((db, p) =>
      db
        .updateTable('challenges')
        .set({
          status: p.to,
          ...(claim.to === 'used' ? { completed_at: p.now } : {}),
          ...(claim.approvedBy ? { approved_by: p.approvedBy } : {}),
        })
        .where('id', '=', p.id)
        .where('account_id', '=', p.accountId)
        .where('status', '=', p.from)
        .where('expires_at', '>', p.now)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('accounts as a')
              .select('a.id')
              .where('a.id', '=', p.accountId)
              .where((inner) => accountAdmits(inner, claim.gate, p.now)),
          ),
        )
        .returning(['purpose', 'mode', 'amount', 'purse', 'currency', 'expires_at']),
    );
    claimQueries.set(shape, query);
  }
  return query;
}

/**
 * Claims a challenge, in the caller's transaction, in one conditional UPDATE
 * that re-checks everything at the moment it writes: the challenge is still
 * `from` and unexpired, and its account admits the claim (see
 * {@link AccountGate}). Of concurrent claims exactly one changes the row. On
 * PostgreSQL the account row is locked first (`FOR NO KEY UPDATE`, the lock
 * an UPDATE of its failure count takes), so the claim and any failure being
 * counted on the account are decided one after the other, never both on the
 * same old state.
 *
 * @throws ServiceError `ERR_CHALLENGE_CLOSED`, `ERR_CHALLENGE_EXPIRED`,
 *   `ERR_ACCOUNT_BLOCKED`, `ERR_ACCOUNT_LOCKED` when the claim is refused.
 */
export async function claimChallenge(
  services: Services,
  trx: Kysely<Database>,
  claim: Claim,
): Promise<ClaimedTerms> {
  if (services.dialect === 'postgres') await lockAccount(trx, { accountId: claim.accountId });
  const { rows } = await claimQuery(claim)(trx, {
    id: claim.id,
    accountId: claim.accountId,
    from: claim.from,
    to: claim.to,
    now: claim.now,
    approvedBy: claim.approvedBy ?? null,
  });
  const [claimed] = rows;
  if (!claimed) throw await claimRefusal(services, trx, claim);
  return claimed;
}

/**
 * Why a claim changed no row, read after it: the challenge was settled or
 * expired meanwhile, or the account was blocked or locked.
 */
export async function claimRefusal(
  services: Services,
  db: Kysely<Database>,
  claim: Pick<Claim, 'id' | 'accountId' | 'from' | 'gate'>,
): Promise<ServiceError> {
  const row = await db
    .selectFrom('challenges as c')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .select([
      'c.status',
      'c.expires_at',
      'a.status as account_status',
      'a.blocked_until',
      'a.block_level',
      'a.locked_by',
    ])
    .where('c.id', '=', claim.id)
    .where('c.account_id', '=', claim.accountId)
    .executeTakeFirst();
  if (!row || row.status !== claim.from) return new ServiceError('ERR_CHALLENGE_CLOSED');
  if (services.clock.now() >= row.expires_at) return new ServiceError('ERR_CHALLENGE_EXPIRED');
  if (claim.gate === 'approval') {
    return new ServiceError(
      row.account_status === 'locked' && row.locked_by !== 'failures'
        ? 'ERR_ACCOUNT_LOCKED'
        : 'ERR_CHALLENGE_CLOSED',
    );
  }
  try {
    assertNotBlocked(services, {
      status: row.account_status,
      blocked_until: row.blocked_until,
      block_level: row.block_level,
    });
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  return new ServiceError('ERR_CHALLENGE_CLOSED');
}
