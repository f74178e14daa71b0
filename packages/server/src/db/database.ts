import { openPostgres, openSqlite, type PostgresLocation } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The SQL dialects Cipherpad stores its data in. */
export type Dialect = 'sqlite' | 'postgres';

/** Where the data lives: a SQLite file, or a PostgreSQL server (optionally one schema of it). */
export type DatabaseLocation =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | ({ readonly dialect: 'postgres' } & PostgresLocation);

/** An open database: the typed query layer, its dialect, and how to close it. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Opens the database: a SQLite file as `openSqlite` describes (WAL, every
 * acknowledged write committed, writes committed in groups, checkpoints off
 * the event loop), or a PostgreSQL pool as `openPostgres` describes.
 * `onWarning` hears of what the database recovered from by itself.
 */
export function openDatabase(
  location: DatabaseLocation,
  onWarning: (message: string, error: Error) => void = () => {},
): DatabaseHandle {
  if (location.dialect === 'sqlite') {
    const { db, close } = openSqlite<Database>(location.file, onWarning);
    return { db, dialect: 'sqlite', close };
  }

  const { db, close } = openPostgres<Database>(location, onWarning);
  return { db, dialect: 'postgres', close };
}
