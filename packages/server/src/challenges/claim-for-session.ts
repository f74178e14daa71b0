import { runTransaction } from '@cipherpad/storage';
import { sql } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import { prepareQuery } from '../db/prepared-query.js';
import type { AccountStatus, ChallengeMode, ChallengeStatus } from '../db/schema.js';
import type { Services } from '../services.js';
import { accountAdmits, claimRefusal } from './claim-challenge.js';

/** The challenge, its account's block state and its account's active devices: one row per device. */
export const loadForResponse = prepareQuery<
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
      'd.id as device_id',
      'd.ocra_key_enc',
    ])
    .where('c.id', '=', p.id)
    .where('c.purpose', '=', 'login'),
);

/**
 * Claims a pending challenge (of concurrent claims exactly one changes a
 * row) while, at that moment, its account is active and not blocked. SQLite
 * runs one transaction at a time, so nothing changes the account between
 * this check and the claim.
 */
const claimChallenge = prepareQuery<{ id: string; accountId: string; now: number }, never>(
  (db, p) =>
    db
      .updateTable('challenges')
      .set({ status: 'used', completed_at: p.now })
      .where('id', '=', p.id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', p.now)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('accounts as a')
            .select('a.id')
            .where('a.id', '=', p.accountId)
            .where((inner) => accountAdmits(inner, 'typed', p.now)),
        ),
      ),
);

const insertSession = prepareQuery<
  {
    id: string;
    secretHash: string;
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
    secret_hash: p.secretHash,
    account_id: p.accountId,
    device_id: p.deviceId,
    ip: p.ip,
    created_at: p.now,
    expires_at: p.expiresAt,
  }),
);

/** A success clears the failures; writes nothing for an account without any. */
const clearFailures = prepareQuery<{ accountId: string }, never>((db, p) =>
  db
    .updateTable('accounts')
    .set({ failed_attempts: 0, block_level: 0, blocked_until: null })
    .where('id', '=', p.accountId)
    .where((eb) => eb.or([eb('failed_attempts', '>', 0), eb('block_level', '>', 0)])),
);

/** A right response's claim of its challenge, and the session it opens. */
type SessionClaim = {
  readonly id: string;
  readonly now: number;
  readonly sessionId: string;
  readonly secretHash: string;
  readonly accountId: string;
  readonly deviceId: string;
  readonly ip: string;
  readonly expiresAt: number;
};

/**
 * On PostgreSQL, what the SQLite path does in a transaction, as one statement
 * (one round trip instead of five: BEGIN, three writes, COMMIT). `account`
 * locks the account row (`FOR NO KEY UPDATE`, the lock the UPDATE counting a
 * failure takes) only while it is active and not blocked: a concurrent
 * failure is waited for and its block then seen (PostgreSQL re-evaluates the
 * condition on the newest row version), so a right response is accepted only
 * if no block holds at the moment of its claim. The row `FOR NO KEY UPDATE`
 * returns is the newest version, so whether failures are to be cleared is
 * read from it, not from the statement's older snapshot. Its data-modifying CTEs run
 * once, atomically: the session, the cleared failure count and the activity
 * entry are written only if the claim changed the challenge, and of
 * concurrent claims the ones that wait for the row lock find it used.
 * `claimed` is 1 or 0.
 */
const claimAndOpenSessionPostgres = prepareQuery<
  SessionClaim & { details: string },
  { claimed: number }
>(
  (_db, p) => sql<{ claimed: number }>`
    with account as (
      select id, failed_attempts > 0 or block_level > 0 as had_failures from accounts
      where id = ${p.accountId} and status = 'active'
        and (blocked_until is null or blocked_until <= ${p.now})
      for no key update
    ), claimed as (
      update challenges set status = 'used', completed_at = ${p.now}
      where id = ${p.id} and status = 'pending' and expires_at > ${p.now}
        and exists (select 1 from account)
      returning id
    ), opened as (
      insert into sessions (id, secret_hash, account_id, device_id, ip, created_at, expires_at)
      select ${p.sessionId}, ${p.secretHash}, ${p.accountId}, ${p.deviceId}, ${p.ip},
        cast(${p.now} as bigint), cast(${p.expiresAt} as bigint)
      from claimed
    ), cleared as (
      update accounts set failed_attempts = 0, block_level = 0, blocked_until = null
      where id = (select id from account where had_failures)
        and exists (select 1 from claimed)
    ), logged as (
      insert into audit_events (account_id, type, ip, device_id, details, created_at)
      select ${p.accountId}, 'login.succeeded', ${p.ip}, ${p.deviceId}, ${p.details},
        cast(${p.now} as bigint)
      from claimed
    )
    select cast(count(*) as integer) as claimed from claimed`,
);

/**
 * Claims a login challenge for a right typed response and, only if this
 * claim won, opens the session, clears the account's failure count and logs
 * the success, atomically. The claim re-checks, as it writes, that the
 * challenge is pending and unexpired and the account active and not blocked
 * (`claimChallenge` states the rule; here it is one prepared statement on
 * SQLite and one round trip on PostgreSQL, the login's hot path).
 *
 * @throws ServiceError `ERR_CHALLENGE_CLOSED` when the challenge was used,
 *   failed or expired meanwhile (another verify won), `ERR_ACCOUNT_BLOCKED`
 *   or `ERR_ACCOUNT_LOCKED` when a block took effect before the claim.
 */
export async function claimForSession(
  services: Services,
  claim: SessionClaim & { mode: ChallengeMode },
): Promise<void> {
  const { db } = services;
  if (services.dialect === 'postgres') {
    const details = JSON.stringify({ mode: claim.mode });
    const { rows } = await claimAndOpenSessionPostgres(db, { ...claim, details });
    if (rows[0]?.claimed !== 1) {
      throw await claimRefusal(services, db, { ...claim, from: 'pending', gate: 'typed' });
    }
    return;
  }
  await runTransaction(db, async (trx) => {
    const claimed = await claimChallenge(trx, claim);
    if (claimed.numAffectedRows === 0n) {
      throw await claimRefusal(services, trx, { ...claim, from: 'pending', gate: 'typed' });
    }
    await insertSession(trx, { ...claim, id: claim.sessionId });
    // Read in the claim's transaction, not from the challenge's earlier read:
    // failures counted while the response was being checked are cleared too.
    await clearFailures(trx, { accountId: claim.accountId });
    await recordEvent(trx, {
      accountId: claim.accountId,
      type: 'login.succeeded',
      ip: claim.ip,
      deviceId: claim.deviceId,
      details: { mode: claim.mode },
      at: claim.now,
    });
  });
}
