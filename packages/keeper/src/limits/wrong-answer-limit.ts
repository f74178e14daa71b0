import { sql } from 'kysely';
import { prepareQuery } from '../db/database.js';
import { KeeperError } from '../errors.js';
import type { KeeperServices } from '../services.js';

/**
 * Cipherpad's refusals that judge what the person typed (and so count as a
 * guess): a wrong response or SMS code, and the account's block or lock
 * that wrong guesses caused. Any other outcome gives the allowance back.
 */
const WRONG_ANSWER: ReadonlySet<string> = new Set([
  'ERR_RESPONSE_REJECTED',
  'ERR_CODE_INVALID',
  'ERR_ACCOUNT_BLOCKED',
  'ERR_ACCOUNT_LOCKED',
]);

/** How many wrong answers an address may give, and over how long they are forgiven. */
export interface WrongAnswerPolicy {
  /** Wrong answers one client address may give in a row before it must wait. */
  readonly perAddress: number;
  /** The time over which that many are forgiven, continuously (a token bucket). */
  readonly windowMs: number;
}

/**
 * Takes one allowance for `address`, in one statement: the row's debt decays
 * by `capacity / window` per millisecond since it was last written, and one
 * is added only if the result stays within `capacity`. The upsert locks the
 * row (PostgreSQL) or runs alone (SQLite), so of a concurrent burst exactly
 * `capacity` pass, however many keepers share the database. No row comes
 * back when the address has none left.
 */
const takeAllowance = prepareQuery(
  (_db, p: { address: string; now: number; perMs: number; capacity: number }) => {
    const elapsed = sql`(case when ${p.now} > wrong_answers.at then ${p.now} - wrong_answers.at else 0 end)`;
    const decayed = sql`(case when wrong_answers.spent - ${elapsed} * cast(${p.perMs} as double precision) > 0
      then wrong_answers.spent - ${elapsed} * cast(${p.perMs} as double precision) else 0 end)`;
    return sql<{ spent: number }>`insert into wrong_answers (address, spent, at)
      values (${p.address}, 1, ${p.now})
      on conflict (address) do update set spent = ${decayed} + 1, at = ${p.now}
      where ${decayed} + 1 <= cast(${p.capacity} as double precision)
      returning spent`;
  },
);

/** Gives back the allowance a right (or unjudged) answer took. */
const giveBack = prepareQuery((db, p: { address: string }) =>
  db
    .updateTable('wrong_answers')
    .set({ spent: sql`case when spent >= 1 then spent - 1 else 0 end` })
    .where('address', '=', p.address),
);

const debtOf = prepareQuery((db, p: { address: string }) =>
  db.selectFrom('wrong_answers').select(['spent', 'at']).where('address', '=', p.address),
);

/**
 * Runs `check` (sending a typed response or SMS code to Cipherpad) within
 * the keeper's limit of wrong answers per client address, as the service
 * limits its own (OWASP ASVS 4.0 §2.2.1, NIST SP 800-63B §5.2.2): one
 * address cannot try more than `perAddress` wrong answers per window across
 * all accounts, so it cannot run account after account into Cipherpad's
 * blocks. The allowance is taken before the answer is checked, so a burst
 * sent at once cannot slip past between check and count; a right answer
 * (or any refusal that is not a verdict on the answer) gives it back.
 * Counted in the keeper's database, so several keepers on one database
 * share the count.
 *
 * @throws KeeperError `ERR_RATE_LIMITED_FAILURES` (with `retryAfter`
 *   seconds) when the address has no allowance left; otherwise whatever
 *   `check` throws.
 */
export async function withinWrongAnswerLimit<T>(
  services: KeeperServices,
  address: string,
  check: () => Promise<T>,
): Promise<T> {
  const { perAddress, windowMs } = services.config.wrongAnswers;
  const perMs = perAddress / windowMs;
  const now = services.clock.now();
  const taken = await takeAllowance(services.db, {
    address,
    now,
    perMs,
    capacity: perAddress,
  });
  if (taken.rows.length === 0) {
    const [debt] = (await debtOf(services.db, { address })).rows;
    const spent = debt ? Math.max(0, debt.spent - Math.max(0, now - debt.at) * perMs) : 0;
    throw new KeeperError('ERR_RATE_LIMITED_FAILURES', {
      details: {
        retryAfter: Math.max(1, Math.ceil((spent + 1 - perAddress) / perMs / 1000)),
      },
    });
  }
  let wrong = false;
  try {
    return await check();
  } catch (error) {
    wrong = error instanceof KeeperError && WRONG_ANSWER.has(error.code);
    throw error;
  } finally {
    if (!wrong) await giveBack(services.db, { address });
  }
}

/**
 * Deletes the counts of addresses that gave no wrong answer for a day: the
 * longest window the configuration allows, so their debt is forgiven in full.
 */
export async function pruneWrongAnswers(db: KeeperServices['db'], now: number): Promise<number> {
  const deleted = await db
    .deleteFrom('wrong_answers')
    .where('at', '<', now - 24 * 60 * 60 * 1000)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
