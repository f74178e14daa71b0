import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WrongAnswerPolicy } from '../limits/wrong-answer-limit.js';

/** How the keeper authenticates to Cipherpad's confirmation API. */
export interface SiteCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Signs the webhooks Cipherpad sends; without it webhooks are refused. */
  readonly webhookSecret: string | null;
}

/** The keeper's settings, read once at start, validated and frozen. */
export interface KeeperConfig {
  /** `development` gives every new wallet demo money from the issuer. */
  readonly env: 'development' | 'production';
  readonly host: string;
  readonly port: number;
  /** The address people use to reach the keeper (decides whether cookies are `Secure`). */
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly database:
    | { readonly dialect: 'sqlite'; readonly file: string }
    | { readonly dialect: 'postgres'; readonly url: string; readonly poolSize: number };
  /** Base URL of the Cipherpad service, without a trailing slash. */
  readonly cipherpadUrl: string;
  /** The site's credentials; null when neither the file nor the variables give them. */
  readonly credentials: SiteCredentials | null;
  /** Where the credentials were looked for (named in the "not configured" message). */
  readonly credentialsFile: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly trustProxy: boolean;
  /** The built web pages, served at `/`. */
  readonly webDir: string;
  /** Demo money a new wallet receives per purse in development, in minor units. */
  readonly demoBalance: number;
  /** Wrong typed responses and SMS codes one client address may give (limits/wrong-answer-limit.ts). */
  readonly wrongAnswers: WrongAnswerPolicy;
  /**
   * A session ends after this long without a request of its person
   * (`KEEPER_SESSION_IDLE_SECONDS`, 5 minutes by default: PSD2 RTS Art. 4(3)(d)).
   */
  readonly sessionIdleMs: number;
}

/** A setting is missing or wrong; the message names every such setting. */
export class KeeperConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'KeeperConfigError';
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const CLIENT_ID = /^cps_[A-Za-z0-9_-]{22}$/;
const SECRET = /^[A-Za-z0-9_-]{20,128}$/;

// packages/keeper/{src,dist}/config/ → packages/keeper/
const packageDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Reads the keeper's configuration from environment variables (documented in
 * `docs/keeper.md`). Every problem is collected, then reported at once.
 *
 * @example
 * ```ts
 * const config = loadKeeperConfig(process.env);
 * ```
 */
export function loadKeeperConfig(env: Readonly<Record<string, string | undefined>>): KeeperConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? fallback : value.trim();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name, fallback);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const value = text(name, String(fallback));
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  };
  const httpUrl = (name: string, fallback: string): string => {
    const value = text(name, fallback);
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        problems.push(`${name} must be an http: or https: URL`);
      } else if (parsed.username || parsed.password || parsed.search || parsed.hash) {
        problems.push(`${name} must have no credentials, query or fragment`);
      }
    } catch {
      problems.push(`${name} is not a valid URL (got "${value}")`);
    }
    return value.replace(/\/+$/, '');
  };

  const runEnv = oneOf('KEEPER_ENV', ['development', 'production'], 'development');
  const host = text('KEEPER_HOST', '127.0.0.1');
  const port = integer('KEEPER_PORT', 8081, 0, 65535);
  const publicUrl = httpUrl(
    'KEEPER_PUBLIC_URL',
    `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
  );
  const dataDir = resolve(text('KEEPER_DATA_DIR', 'data'));

  let database: KeeperConfig['database'] = {
    dialect: 'sqlite',
    file: resolve(dataDir, 'keeper.db'),
  };
  const databaseUrl = env.KEEPER_DATABASE_URL?.trim();
  if (databaseUrl) {
    if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
      try {
        new URL(databaseUrl);
      } catch {
        problems.push('KEEPER_DATABASE_URL is not a valid URL');
      }
      database = {
        dialect: 'postgres',
        url: databaseUrl,
        poolSize: integer('KEEPER_DATABASE_POOL_SIZE', 10, 1, 200),
      };
    } else if (databaseUrl.startsWith('sqlite:')) {
      const file = databaseUrl.slice('sqlite:'.length);
      if (!file)
        problems.push('KEEPER_DATABASE_URL sqlite: needs a file path, as in sqlite:data/keeper.db');
      database = { dialect: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
    } else {
      problems.push('KEEPER_DATABASE_URL must start with postgres://, postgresql:// or sqlite:');
    }
  }

  const cipherpadUrl = httpUrl('CIPHERPAD_URL', 'http://127.0.0.1:8080');
  const credentialsFile = resolve(text('KEEPER_SITE_FILE', resolve(dataDir, 'keeper-site.json')));
  const credentials = readCredentials(env, credentialsFile, problems);
  if (credentials === null && runEnv === 'production') {
    problems.push(
      `KEEPER_CLIENT_ID and KEEPER_CLIENT_SECRET (or the file ${credentialsFile}) are required in production`,
    );
  }

  const logLevel = oneOf('KEEPER_LOG_LEVEL', LOG_LEVELS, 'info');
  const trustProxy = oneOf('KEEPER_TRUST_PROXY', ['true', 'false'], 'false') === 'true';
  const webDir = resolve(text('KEEPER_WEB_DIR', resolve(packageDir, 'dist', 'web')));
  const demoBalance = integer('KEEPER_DEMO_BALANCE', 100_000, 0, 1_000_000_000);
  // As the service: 20 wrong answers per address, forgiven over 10 minutes.
  const wrongAnswers = {
    perAddress: integer('KEEPER_WRONG_ANSWERS_PER_ADDRESS', 20, 1, 100_000),
    windowMs: integer('KEEPER_WRONG_ANSWERS_WINDOW_SECONDS', 600, 1, 86_400) * 1000,
  };
  const sessionIdleMs = integer('KEEPER_SESSION_IDLE_SECONDS', 300, 10, 43_200) * 1000;

  if (problems.length > 0) throw new KeeperConfigError(problems);
  return Object.freeze({
    env: runEnv,
    host,
    port,
    publicUrl,
    dataDir,
    database: Object.freeze(database),
    cipherpadUrl,
    credentials: credentials && Object.freeze(credentials),
    credentialsFile,
    logLevel,
    trustProxy,
    webDir,
    demoBalance,
    wrongAnswers: Object.freeze(wrongAnswers),
    sessionIdleMs,
  });
}

/**
 * The site's credentials: `KEEPER_CLIENT_ID` + `KEEPER_CLIENT_SECRET` (and
 * optionally `KEEPER_WEBHOOK_SECRET`) when set, else the JSON file written by
 * the service's `site add --out`. A missing file is not an error (the keeper
 * then says it is not configured); a malformed one is.
 */
function readCredentials(
  env: Readonly<Record<string, string | undefined>>,
  file: string,
  problems: string[],
): SiteCredentials | null {
  const id = env.KEEPER_CLIENT_ID?.trim();
  const secret = env.KEEPER_CLIENT_SECRET?.trim();
  let found: { clientId?: unknown; clientSecret?: unknown; webhookSecret?: unknown } | null = null;
  let source = '';
  if (id || secret) {
    if (!id || !secret) {
      problems.push('KEEPER_CLIENT_ID and KEEPER_CLIENT_SECRET must be set together');
      return null;
    }
    found = {
      clientId: id,
      clientSecret: secret,
      webhookSecret: env.KEEPER_WEBHOOK_SECRET?.trim(),
    };
    source = 'KEEPER_CLIENT_ID/KEEPER_CLIENT_SECRET';
  } else if (existsSync(file)) {
    source = file;
    try {
      found = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      problems.push(`${file} is not a JSON file of the site's credentials`);
      return null;
    }
  }
  if (found === null) return null;
  const clientId = typeof found.clientId === 'string' ? found.clientId : '';
  const clientSecret = typeof found.clientSecret === 'string' ? found.clientSecret : '';
  const webhookSecret =
    typeof found.webhookSecret === 'string' && found.webhookSecret !== ''
      ? found.webhookSecret
      : null;
  if (!CLIENT_ID.test(clientId))
    problems.push(`${source}: the client id must be cps_ and 22 base64url characters`);
  if (!SECRET.test(clientSecret))
    problems.push(`${source}: the client secret must be base64url characters`);
  if (webhookSecret !== null && webhookSecret.length > 256)
    problems.push(`${source}: the webhook secret is too long`);
  return { clientId, clientSecret, webhookSecret };
}
