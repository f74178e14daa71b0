import { createHash } from 'node:crypto';
import { deleteInBatches, runTransaction } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { prepareQuery } from '../db/prepared-query.js';
import type { Database } from '../db/schema.js';
import { uniqueViolation } from '../db/unique-violation.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** 1 to 128 visible ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** What an idempotent creation gave: the answer, and whether it is a replay of an earlier one. */
export interface IdempotentResult<T> {
  readonly answer: T;
  readonly replayed: boolean;
}

/**
 * Runs `create` in a transaction, at most once per `Idempotency-Key` of a
 * site within `policy.idempotencyKeyTtlMs` (24 h): the first answer is kept
 * with the request's hash (method, path and body), in the same transaction as
 * what `create` writes. The same key with the same request answers the kept
 * answer and creates nothing; with another request it is a conflict. Two
 * concurrent first uses race on the key's primary key: one creates, the
 * other's transaction is undone and it answers the winner's answer.
 *
 * The answer is kept as JSON: it must hold no secret.
 *
 * @throws ServiceError `ERR_VALIDATION` (malformed key), `ERR_IDEMPOTENCY_CONFLICT`.
 */
export async function idempotent<T>(
  services: Services,
  siteId: string,
  key: unknown,
  request: { method: string; path: string; body: unknown },
  create: (trx: Kysely<Database>) => Promise<T>,
): Promise<IdempotentResult<T>> {
  const { db, clock, policy } = services;
  if (key === undefined) {
    return { answer: await runTransaction(db, create), replayed: false };
  }
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new ServiceError(
      'ERR_VALIDATION',
      {},
      'Idempotency-Key must be 1 to 128 visible ASCII characters.',
    );
  }
  const requestHash = createHash('sha256')
    .update(`${request.method}\n${request.path}\n${JSON.stringify(request.body ?? null)}`)
    .digest('base64url');

  const earlier = async (): Promise<IdempotentResult<T> | null> => {
    const [row] = (await keptAnswer(db, { siteId, key, now: clock.now() })).rows;
    if (!row) return null;
    if (row.request_hash !== requestHash) throw new ServiceError('ERR_IDEMPOTENCY_CONFLICT');
    return { answer: JSON.parse(row.answer) as T, replayed: true };
  };

  const kept = await earlier();
  if (kept) return kept;
  try {
    const answer = await runTransaction(db, async (trx) => {
      const now = clock.now();
      const created = await create(trx);
      const { numAffectedRows } = await keepAnswer(trx, {
        siteId,
        key,
        requestHash,
        answer: JSON.stringify(created),
        now,
        expiresAt: now + policy.idempotencyKeyTtlMs,
      });
      // The key is live: a concurrent first use committed it since `earlier()`.
      if (numAffectedRows !== 1n) throw new KeyTaken();
      return created;
    });
    return { answer, replayed: false };
  } catch (error) {
    if (error instanceof KeyTaken || uniqueViolation(error)) {
      const winner = await earlier();
      if (winner) return winner;
    }
    throw error;
  }
}

/** Thrown to undo a creation whose key another request took first. */
class KeyTaken extends Error {}

/** The answer kept for a live key. */
const keptAnswer = prepareQuery<
  { siteId: string; key: string; now: number },
  { request_hash: string; answer: string }
>((db, p) =>
  db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'answer'])
    .where('site_id', '=', p.siteId)
    .where('key', '=', p.key)
    .where('expires_at', '>', p.now),
);

/**
 * Keeps the first answer for a key. A key older than the window is used
 * again (its row overwritten); a live key is left alone, and no row changes.
 */
const keepAnswer = prepareQuery<
  {
    siteId: string;
    key: string;
    requestHash: string;
    answer: string;
    now: number;
    expiresAt: number;
  },
  never
>((db, p) =>
  db
    .insertInto('idempotency_keys')
    .values({
      site_id: p.siteId,
      key: p.key,
      request_hash: p.requestHash,
      answer: p.answer,
      created_at: p.now,
      expires_at: p.expiresAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['site_id', 'key'])
        .doUpdateSet((eb) => ({
          request_hash: eb.ref('excluded.request_hash'),
          answer: eb.ref('excluded.answer'),
          created_at: eb.ref('excluded.created_at'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where('idempotency_keys.expires_at', '<=', p.now),
    ),
);

/**
 * Deletes the keys whose window has passed, about `batch` rows a statement
 * (up to the batch's last expiry, by the expiry's index); the retention sweep
 * calls it. Returns how many.
 */
export function pruneIdempotencyKeys(
  db: Services['db'],
  now: number,
  batch: number,
): Promise<number> {
  return deleteInBatches(batch, async (limit) => {
    const last = await db
      .selectFrom('idempotency_keys')
      .select('expires_at')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .offset(limit - 1)
      .limit(1)
      .executeTakeFirst();
    return db
      .deleteFrom('idempotency_keys')
      .where('expires_at', '<=', last?.expires_at ?? now)
      .executeTakeFirst();
  });
}
