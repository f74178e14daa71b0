import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { Clock } from '../clock.js';
import { loadKeeperConfig } from '../config/config.js';
import { type Keeper, startKeeper } from '../start-keeper.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A keeper on a fresh database of the dialect under test, talking to `cipherpadUrl`. */
export interface TestKeeper extends Keeper {
  readonly database: TestDatabase;
  /** A browser of its own: keeps the cookies, sends the CSRF token. */
  browser(): TestBrowser;
}

/** Starts a keeper for a test file (no sweeper; silent log). */
export async function startTestKeeper(options: {
  cipherpadUrl: string;
  clientId?: string;
  clientSecret?: string;
  webhookSecret?: string;
  env?: Record<string, string>;
  clock?: Clock;
}): Promise<TestKeeper> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keeper-app-'));
  const config = loadKeeperConfig({
    KEEPER_ENV: 'development',
    KEEPER_DATA_DIR: dataDir,
    CIPHERPAD_URL: options.cipherpadUrl,
    KEEPER_LOG_LEVEL: 'silent',
    KEEPER_WEB_DIR: join(dataDir, 'no-web'),
    KEEPER_DEMO_BALANCE: '100000',
    ...(options.clientId ? { KEEPER_CLIENT_ID: options.clientId } : {}),
    ...(options.clientSecret ? { KEEPER_CLIENT_SECRET: options.clientSecret } : {}),
    ...(options.webhookSecret ? { KEEPER_WEBHOOK_SECRET: options.webhookSecret } : {}),
    ...options.env,
  });
  const database = await createTestDatabase();
  const keeper = await startKeeper(config, {
    database: database.location,
    logger: false,
    sweepEveryMs: 0,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    ...keeper,
    database,
    browser: () => new TestBrowser(keeper),
    async close() {
      await keeper.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a page does over the keeper's JSON API, with a cookie jar. */
export class TestBrowser {
  readonly #keeper: Keeper;
  readonly cookies = new Map<string, string>();
  csrfToken = '';

  constructor(keeper: Keeper) {
    this.#keeper = keeper;
  }

  async call(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const answer = await this.#keeper.app.inject({
      method,
      url,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(method === 'POST' && this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const setCookie = answer.headers['set-cookie'];
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (!name) continue;
      if (!value || /Max-Age=0/.test(line)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.trim());
    }
    const json = answer.headers['content-type']?.includes('json') ? answer.json() : null;
    if (json && typeof json.csrfToken === 'string') this.csrfToken = json.csrfToken;
    return answer;
  }
}
