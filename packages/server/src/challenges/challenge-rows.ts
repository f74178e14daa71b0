import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * The challenges as a feature may read them joined to its own rows, aliased
 * `c`: `db.selectFrom('confirmations as f').innerJoin(challengeRows(db), 'c.id', 'f.id')`.
 * Only this module names the table; a feature that reads a challenge with
 * its own row does it through this relation, and changes one only through
 * the module's functions. Both SQLite and PostgreSQL flatten the subquery
 * into a plain join, so reading through it costs nothing.
 */
export function challengeRows(db: Kysely<Database>) {
  return db
    .selectFrom('challenges')
    .select([
      'id',
      'account_id',
      'purpose',
      'mode',
      'challenge',
      'amount',
      'purse',
      'currency',
      'status',
      'created_at',
      'expires_at',
      'match_number',
      'ip',
      'site',
    ])
    .as('c');
}
