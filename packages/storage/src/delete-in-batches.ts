import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Runs a DELETE of at most `size` rows again and again until one deletes
 * fewer, yielding to other work between runs, so that clearing many rows
 * never holds the event loop (or SQLite's write lock) for long. `deleteBatch`
 * gets the limit to use, typically as `where key in (select key … limit ?)`,
 * which both SQLite and PostgreSQL accept.
 *
 * @returns how many rows were deleted in all.
 *
 * @example
 * ```ts
 * const deleted = await deleteInBatches(500, (limit) =>
 *   db.deleteFrom('sessions')
 *     .where('id', 'in', db.selectFrom('sessions').select('id').where('expires_at', '<', before).limit(limit))
 *     .executeTakeFirst(),
 * );
 * ```
 */
export async function deleteInBatches(
  size: number,
  deleteBatch: (limit: number) => Promise<{ readonly numDeletedRows: bigint }>,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { numDeletedRows } = await deleteBatch(size);
    deleted += Number(numDeletedRows);
    if (numDeletedRows < BigInt(size)) return deleted;
    await nextTurn();
  }
}
