import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** One step of the schema, applied once, in order, inside a transaction. */
export interface Migration {
  /** Unique and sortable: `NNNN-what-it-does`. */
  readonly name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}
