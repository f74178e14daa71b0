import type { Kysely } from 'kysely';
import type { ChallengeStatus, Database, DeviceStatus } from '../db/schema.js';

/** A challenge as the feature that asked for it reads it back. */
export interface FoundChallenge {
  readonly challenge: string;
  readonly status: ChallengeStatus;
  readonly expires_at: number;
  readonly wait_token_hash: string | null;
  /** The status of the device that approved it online, if one did. */
  readonly approver: DeviceStatus | null;
}

/** Reads the challenge `id` of `purpose`, or undefined. */
export async function findChallenge(
  db: Kysely<Database>,
  id: string,
  purpose: string,
): Promise<FoundChallenge | undefined> {
  return db
    .selectFrom('challenges as c')
    .leftJoin('devices as d', 'd.id', 'c.approved_by')
    .select([
      'c.challenge',
      'c.status',
      'c.expires_at',
      'c.wait_token_hash',
      'd.status as approver',
    ])
    .where('c.id', '=', id)
    .where('c.purpose', '=', purpose)
    .executeTakeFirst();
}
