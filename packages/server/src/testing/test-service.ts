import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import type { Clock } from '../clock.js';
import { loadConfig } from '../config/config.js';
import type { DatabaseLocation, Dialect } from '../db/database.js';
import type { Transports } from '../delivery/delivery.js';
import { defaultPolicy, type Policy } from '../policy.js';
import { type Service, startService } from '../start-service.js';
import type { Resolver } from '../webhooks/webhook-address.js';

/** A clock that tests move by hand. */
export class FakeClock implements Clock {
  #now: number;
  constructor(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** A service on its own fresh database, for one test file. */
export interface TestService extends Service {
  readonly clock: FakeClock;
  readonly dialect: Dialect;
  /** The newest kept message to `to` whose body matches `pattern`; its first group. */
  codeSentTo(to: string, pattern: RegExp): Promise<string>;
}

/** The database the server tests run on: `CIPHERPAD_TEST_DB=sqlite|postgres`. */
export function testDialect(): Dialect {
  return process.env.CIPHERPAD_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

/** Where PostgreSQL tests connect; a database the tests may make schemas in. */
export function testPostgresUrl(): string | undefined {
  return process.env.CIPHERPAD_TEST_POSTGRES_URL?.trim() || undefined;
}

/**
 * Starts the service on a new database of the dialect under test (a temporary
 * SQLite file, or a new PostgreSQL schema), with a fake clock and outbox
 * delivery unless `transports` is given. `close()` removes the database.
 */
export async function startTestService(
  options: {
    policy?: Partial<Policy>;
    transports?: Transports;
    clock?: FakeClock;
    env?: Record<string, string>;
    dialect?: Dialect;
    /** Receives the service's log lines; without it the log is silent. */
    logStream?: DestinationStream;
    /** Resolves webhook hosts in place of the system resolver. */
    resolve?: Resolver;
  } = {},
): Promise<TestService> {
  const dialect = options.dialect ?? testDialect();
  const dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-test-'));
  const config = loadConfig({
    CIPHERPAD_ENV: 'development',
    CIPHERPAD_DATA_DIR: dataDir,
    CIPHERPAD_MASTER_KEY: randomBytes(32).toString('base64url'),
    CIPHERPAD_PUBLIC_URL: 'http://cipherpad.test',
    LOG_LEVEL: 'silent',
    // No built site or app: what the workspace has built must not change a test.
    CIPHERPAD_SITE_DIR: join(dataDir, 'no-site'),
    CIPHERPAD_APP_DIR: join(dataDir, 'no-app'),
    ...options.env,
  });
  let location: DatabaseLocation;
  let dropDatabase: () => Promise<void>;
  if (dialect === 'postgres') {
    const url = testPostgresUrl();
    if (!url) throw new Error('CIPHERPAD_TEST_POSTGRES_URL is not set');
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    location = { dialect: 'postgres', url, schema, poolSize: 10 };
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    };
  } else {
    location = { dialect: 'sqlite', file: join(dataDir, 'cipherpad.db') };
    dropDatabase = async () => {};
  }
  const clock = options.clock ?? new FakeClock();
  const service = await startService(config, {
    clock,
    policy: { ...defaultPolicy, ...options.policy },
    transports: options.transports ?? { email: null, sms: null },
    database: location,
    logger: options.logStream ?? false,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  return {
    ...service,
    clock,
    dialect,
    async codeSentTo(to, pattern) {
      const rows = await service.services.db
        .selectFrom('outbox')
        .select(['body'])
        .where('recipient', '=', to)
        .orderBy('id', 'desc')
        .execute();
      for (const row of rows) {
        const match = pattern.exec(row.body);
        if (match?.[1]) return match[1];
      }
      throw new Error(`no message to ${to} matches ${pattern}`);
    },
    async close() {
      await service.close();
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
