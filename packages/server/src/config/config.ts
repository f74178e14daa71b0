import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How email and SMS leave the service. */
export type EmailTransport = { kind: 'outbox' } | { kind: 'smtp'; url: string };
export type SmsTransport = { kind: 'outbox' } | { kind: 'http'; url: string; token?: string };

/** The service's settings, read once at start, validated and frozen. */
export interface Config {
  /** `development` serves the outbox API and accepts a generated master key. */
  readonly env: 'development' | 'production';
  readonly host: string;
  readonly port: number;
  /** The address people and apps use to reach the service (links in emails, QR URIs). */
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly database:
    | { readonly dialect: 'sqlite'; readonly file: string }
    | { readonly dialect: 'postgres'; readonly url: string; readonly poolSize: number };
  /** The 32-byte master key, or null to use (and on first start make) `<dataDir>/master.key`. */
  readonly masterKey: string | null;
  readonly email: EmailTransport & { readonly from: string };
  readonly sms: SmsTransport;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Take the client address from `X-Forwarded-For` (only behind a proxy you run). */
  readonly trustProxy: boolean;
  /** The built security site, served at `/`; a missing folder serves nothing. */
  readonly siteDir: string;
  /** The built phone app, served at `/app/`; a missing folder serves nothing. */
  readonly appDir: string;
  /** SMS confirmations (flow 14) one phone may get in a rolling 24 h, from all sites together. */
  readonly smsConfirmationsPerPhonePerDay: number;
  /**
   * Requests one relying site may make per minute to the confirmation API,
   * counted in memory by each instance of the service.
   */
  readonly siteRequestsPerMinute: number;
  /**
   * Webhooks may reach loopback, private, link-local and other inside
   * addresses (`WEBHOOK_ALLOW_INTERNAL`): only for a relying site on the
   * same machine or network, as `npm start`'s demo keeper in development.
   */
  readonly webhookAllowInternal: boolean;
  /**
   * `CIPHERPAD_SESSION_IDLE_SECONDS` in milliseconds: a session ends after
   * this long without a request; null keeps the policy's (5 minutes).
   */
  readonly sessionIdleMs: number | null;
}

// The workspace's built site and app, next to this package: packages/server/{src,dist}/config/.
const packagesDir = fileURLToPath(new URL('../../../', import.meta.url));

/** A setting is missing or wrong; the message names every such setting. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads the configuration from environment variables (documented in
 * `docs/operations.md`). Every problem is collected, then reported at once.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env);
 * ```
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
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
  const url = (name: string, protocols: readonly string[]): string | null => {
    const value = env[name]?.trim();
    if (!value) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return value;
  };

  const runEnv = oneOf('CIPHERPAD_ENV', ['development', 'production'], 'development');
  const host = text('HOST', '127.0.0.1');
  const port = integer('PORT', 8080, 0, 65535);
  const publicUrl = (
    url('CIPHERPAD_PUBLIC_URL', ['http:', 'https:']) ??
    `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  ).replace(/\/+$/, '');
  const dataDir = resolve(text('CIPHERPAD_DATA_DIR', 'data'));

  let database: Config['database'] = { dialect: 'sqlite', file: resolve(dataDir, 'cipherpad.db') };
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl) {
    if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
      url('DATABASE_URL', ['postgres:', 'postgresql:']);
      database = {
        dialect: 'postgres',
        url: databaseUrl,
        poolSize: integer('DATABASE_POOL_SIZE', 10, 1, 200),
      };
    } else if (databaseUrl.startsWith('sqlite:')) {
      const file = databaseUrl.slice('sqlite:'.length);
      if (!file)
        problems.push('DATABASE_URL sqlite: needs a file path, as in sqlite:data/cipherpad.db');
      database = { dialect: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
    } else {
      problems.push('DATABASE_URL must start with postgres://, postgresql:// or sqlite:');
    }
  }

  const masterKey = env.CIPHERPAD_MASTER_KEY?.trim() || null;
  if (masterKey !== null && !/^[A-Za-z0-9_-]{43}$/.test(masterKey)) {
    problems.push('CIPHERPAD_MASTER_KEY must be 32 bytes as base64url (43 characters)');
  }
  if (masterKey === null && runEnv === 'production') {
    problems.push(
      'CIPHERPAD_MASTER_KEY is required in production (make one with: cipherpad-server --generate-master-key)',
    );
  }

  const emailKind = oneOf('EMAIL_TRANSPORT', ['outbox', 'smtp'], 'outbox');
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  if (emailKind === 'smtp' && !smtpUrl)
    problems.push('SMTP_URL is required when EMAIL_TRANSPORT=smtp');
  const emailFrom = text('EMAIL_FROM', 'Cipherpad <no-reply@cipherpad.localhost>');

  const smsKind = oneOf('SMS_TRANSPORT', ['outbox', 'http'], 'outbox');
  const smsUrl = url('SMS_HTTP_URL', ['http:', 'https:']);
  if (smsKind === 'http' && !smsUrl)
    problems.push('SMS_HTTP_URL is required when SMS_TRANSPORT=http');
  const smsToken = env.SMS_HTTP_TOKEN?.trim();

  const logLevel = oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const trustProxy = oneOf('CIPHERPAD_TRUST_PROXY', ['true', 'false'], 'false') === 'true';
  const siteDir = resolve(text('CIPHERPAD_SITE_DIR', resolve(packagesDir, 'site', 'dist')));
  const appDir = resolve(text('CIPHERPAD_APP_DIR', resolve(packagesDir, 'app', 'dist')));

  const smsConfirmationsPerPhonePerDay = integer('SMS_CONFIRMATIONS_PER_PHONE_PER_DAY', 5, 0, 1000);
  const siteRequestsPerMinute = integer('SITE_REQUESTS_PER_MINUTE', 60_000, 1, 100_000_000);
  const webhookAllowInternal =
    oneOf('WEBHOOK_ALLOW_INTERNAL', ['true', 'false'], 'false') === 'true';

  // PSD2 RTS Art. 4(3)(d) allows at most 5 minutes; longer is for a deployment outside its scope.
  const sessionIdleMs = env.CIPHERPAD_SESSION_IDLE_SECONDS?.trim()
    ? integer('CIPHERPAD_SESSION_IDLE_SECONDS', 300, 10, 43_200) * 1000
    : null;

  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    env: runEnv,
    host,
    port,
    publicUrl,
    dataDir,
    database: Object.freeze(database),
    masterKey,
    email: Object.freeze(
      emailKind === 'smtp' && smtpUrl
        ? { kind: 'smtp' as const, url: smtpUrl, from: emailFrom }
        : { kind: 'outbox' as const, from: emailFrom },
    ),
    sms: Object.freeze(
      smsKind === 'http' && smsUrl
        ? { kind: 'http' as const, url: smsUrl, ...(smsToken ? { token: smsToken } : {}) }
        : { kind: 'outbox' as const },
    ),
    logLevel,
    trustProxy,
    siteDir,
    appDir,
    smsConfirmationsPerPhonePerDay,
    siteRequestsPerMinute,
    webhookAllowInternal,
    sessionIdleMs,
  });
}
