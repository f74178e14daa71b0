import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseLocation, type Dialect, openDatabase } from '@cipherpad/server';
import pg from 'pg';

/** Writes the server acknowledged: login challenges (201) and sessions (200), or their counts. */
export interface Acknowledged<T = readonly string[]> {
  readonly challengeIds: T;
  readonly sessionIds: T;
}

/**
 * A fresh database for one measurement and the settings that point the
 * server at it. The same settings serve the in-process enrolment and the
 * server child, so both see the same data and the same master key.
 */
export interface BenchDatabase {
  readonly dialect: Dialect;
  /** Where it is, for the report (no password). */
  readonly description: string;
  /** The server's environment: data dir, database URL, master key, development mode. */
  readonly env: Readonly<Record<string, string>>;
  /** How many of these sessions and login challenges (each by id) the database holds. */
  countStored(acknowledged: Acknowledged): Promise<Acknowledged<number>>;
  /** Removes the data dir and, for PostgreSQL, the database. */
  drop(): Promise<void>;
}

function baseEnv(dataDir: string): Record<string, string> {
  return {
    CIPHERPAD_ENV: 'development',
    CIPHERPAD_DATA_DIR: dataDir,
    CIPHERPAD_MASTER_KEY: randomBytes(32).toString('base64url'),
  };
}

/** A new SQLite file in a new temporary directory. */
export function createSqliteDatabase(): BenchDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-bench-'));
  const file = join(dataDir, 'cipherpad.db');
  return {
    dialect: 'sqlite',
    description: `${file}; the server opens it in WAL mode, synchronous=NORMAL`,
    env: baseEnv(dataDir),
    // Opening it read-write runs SQLite's WAL recovery, exactly what the
    // restarted server would do and see after a crash.
    countStored: (acknowledged) => countStored({ dialect: 'sqlite', file }, acknowledged),
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A new database `cipherpad_bench_<random>` on the PostgreSQL server of
 * `adminUrl` (which must allow CREATE DATABASE).
 *
 * @throws Error when PostgreSQL cannot be reached or refuses.
 */
export async function createPostgresDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `cipherpad_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-bench-'));
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  return {
    dialect: 'postgres',
    description: `${shown}; the server's default pool of 10 connections`,
    env: { ...baseEnv(dataDir), DATABASE_URL: url.toString() },
    countStored: (acknowledged) =>
      countStored({ dialect: 'postgres', url: url.toString(), poolSize: 2 }, acknowledged),
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function countStored(
  location: DatabaseLocation,
  acknowledged: Acknowledged,
): Promise<Acknowledged<number>> {
  const handle = openDatabase(location);
  const { db } = handle;
  const count = async (
    values: readonly string[],
    query: (chunk: string[]) => Promise<unknown[]>,
  ) => {
    let found = 0;
    for (let i = 0; i < values.length; i += 500) {
      found += (await query(values.slice(i, i + 500))).length;
    }
    return found;
  };
  try {
    return {
      challengeIds: await count(acknowledged.challengeIds, (ids) =>
        db.selectFrom('challenges').select('id').where('id', 'in', ids).execute(),
      ),
      sessionIds: await count(acknowledged.sessionIds, (ids) =>
        db.selectFrom('sessions').select('id').where('id', 'in', ids).execute(),
      ),
    };
  } finally {
    await handle.close();
  }
}
