import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type DatabaseHandle,
  type DatabaseLocation,
  type Dialect,
  openDatabase,
} from '../db/database.js';
import { migrate } from '../db/migrate.js';

/** The database the keeper's tests run on: `KEEPER_TEST_DB=sqlite|postgres`. */
export function testDialect(): Dialect {
  return process.env.KEEPER_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

/** A fresh, migrated database for one test file, and how to remove it. */
export interface TestDatabase extends DatabaseHandle {
  readonly location: DatabaseLocation;
  /** Closes the database and removes it (the SQLite folder, or the PostgreSQL schema). */
  drop(): Promise<void>;
}

/**
 * Makes a new database of the dialect under test: a SQLite file in a
 * temporary folder, or a new schema of `CIPHERPAD_TEST_POSTGRES_URL`.
 */
export async function createTestDatabase(dialect = testDialect()): Promise<TestDatabase> {
  let location: DatabaseLocation;
  let remove: () => Promise<void>;
  if (dialect === 'postgres') {
    const url = process.env.CIPHERPAD_TEST_POSTGRES_URL?.trim();
    if (!url) throw new Error('CIPHERPAD_TEST_POSTGRES_URL is not set');
    const schema = `keeper_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(url, `create schema ${schema}`);
    location = { dialect: 'postgres', url, schema, poolSize: 10 };
    remove = () => adminQuery(url, `drop schema ${schema} cascade`);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'keeper-test-'));
    location = { dialect: 'sqlite', file: join(dir, 'keeper.db') };
    remove = async () => rmSync(dir, { recursive: true, force: true });
  }
  const handle = openDatabase(location);
  await migrate(handle.db, handle.dialect);
  return {
    ...handle,
    location,
    async drop() {
      await handle.close();
      await remove();
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
