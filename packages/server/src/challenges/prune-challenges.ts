import { deleteInBatches } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Deletes the challenges of `purpose` that expired before `before`, `batch`
 * rows per statement (see `retention/prune-expired.ts`).
 *
 * @returns how many were deleted.
 */
export async function pruneChallenges(
  db: Kysely<Database>,
  purpose: string,
  before: number,
  batch: number,
): Promise<number> {
  return deleteInBatches(batch, (limit) =>
    db
      .deleteFrom('challenges')
      .where(
        'id',
        'in',
        db
          .selectFrom('challenges')
          .select('id')
          .where('expires_at', '<', before)
          .where('purpose', '=', purpose)
          .limit(limit),
      )
      .executeTakeFirst(),
  );
}
