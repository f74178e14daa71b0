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
 * Counts one wrong answer for `address`, in one statement: the row's debt
 * decays by `capacity / window` per millisecond since it was last written,
 * and one is added only if the result stays within `capacity`. The upsert
 * locks the row (PostgreSQL) or runs alone (SQLite), so the count stays
 * within the capacity however many keepers share the database.
 */
const countWrongAnswer = prepareQuery(
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

const debtOf = prepareQuery((db, p: { address: string }) =>
  db.selectFrom('wrong_answers').select(['spent', 'at']).where('address', '=', p.address),
);

/**
 * What this process knows of an address: the answers it let through that
 * have no verdict yet, and its queue of reads and writes of the address's
 * count. The queue puts each decision strictly before or after each write,
 * so an answer is counted once, in the debt read or among those in flight.
 */
interface AddressState {
  inFlight: number;
  queued: number;
  tail: Promise<unknown>;
}

const statesByDatabase = new WeakMap<KeeperServices['db'], Map<string, AddressState>>();

/** Runs `step` after every earlier step on the address's count, in this process. */
function inTurn<T>(
  states: Map<string, AddressState>,
  address: string,
  step: (state: AddressState) => Promise<T>,
): Promise<T> {
  let state = states.get(address);
  if (!state) {
    state = { inFlight: 0, queued: 0, tail: Promise.resolve() };
    states.set(address, state);
  }
  const current = state;
  current.queued += 1;
  const done = current.tail.then(() => step(current));
  current.tail = done.then(
    () => undefined,
    () => undefined,
  );
  return done.finally(() => {
    current.queued -= 1;
    if (current.queued === 0 && current.inFlight === 0) states.delete(address);
  });
}

/**
 * Runs `check` (sending a typed response or SMS code to Cipherpad) within
 * the keeper's limit of wrong answers per client address, as the service
 * limits its own (OWASP ASVS 4.0 §2.2.1, NIST SP 800-63B §5.2.2): one
 * address cannot try more than `perAddress` wrong answers per window across
 * all accounts, so it cannot run account after account into Cipherpad's
 * blocks.
 *
 * An answer holds an allowance while Cipherpad checks it: it goes ahead only
 * if the address's recorded debt plus its answers already in flight leave
 * one, so a burst sent at once cannot slip past between check and count.
 * Only a wrong answer is written (one conditional upsert in the keeper's
 * database, shared by every keeper on it); a right one, or a refusal that is
 * no verdict on the answer, lets its allowance go, so a person confirming
 * costs one read.
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
  let states = statesByDatabase.get(services.db);
  if (!states) {
    states = new Map();
    statesByDatabase.set(services.db, states);
  }
  const byAddress = states;
  const refusal = await inTurn(byAddress, address, async (state) => {
    const now = services.clock.now();
    const [debt] = (await debtOf(services.db, { address })).rows;
    const spent = debt ? Math.max(0, debt.spent - Math.max(0, now - debt.at) * perMs) : 0;
    const needed = spent + state.inFlight + 1 - perAddress;
    if (needed > 0) {
      return new KeeperError('ERR_RATE_LIMITED_FAILURES', {
        details: { retryAfter: Math.max(1, Math.ceil(needed / perMs / 1000)) },
      });
    }
    state.inFlight += 1;
    return null;
  });
  if (refusal) throw refusal;
  let wrong = false;
  try {
    return await check();
  } catch (error) {
    wrong = error instanceof KeeperError && WRONG_ANSWER.has(error.code);
    throw error;
  } finally {
    await inTurn(byAddress, address, async (state) => {
      if (wrong) {
        await countWrongAnswer(services.db, {
          address,
          now: services.clock.now(),
          perMs,
          capacity: perAddress,
        });
      }
      state.inFlight -= 1;
    });
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
