import type { FastifyInstance } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import { buildApp } from './app/build-app.js';
import { loggerOptions } from './app/logger-options.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config/config.js';
import { confirmationHooks } from './confirmation/confirmation-hooks.js';
import { startConfirmationSweeper } from './confirmation/expire-confirmations.js';
import { loadMasterKey } from './crypto/master-key.js';
import { type DatabaseLocation, openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import type { Transports } from './delivery/delivery.js';
import { createHttpSmsTransport } from './delivery/http-sms-transport.js';
import { createSmtpTransport } from './delivery/smtp-transport.js';
import { defaultPolicy, type Policy } from './policy.js';
import { startRetentionSweeper } from './retention/prune-expired.js';
import { createServices, type Services } from './services.js';
import type { Resolver } from './webhooks/webhook-address.js';

/** A running service: its HTTP app (not yet listening) and its services. */
export interface Service {
  readonly app: FastifyInstance;
  readonly services: Services;
  /** Stops delivery, closes the HTTP server and the database. */
  close(): Promise<void>;
}

/** The transports the configuration asks for; `null` keeps a channel in the outbox. */
export function transportsFor(config: Config): Transports {
  return {
    email:
      config.email.kind === 'smtp'
        ? createSmtpTransport(config.email.url, config.email.from)
        : null,
    sms:
      config.sms.kind === 'http' ? createHttpSmsTransport(config.sms.url, config.sms.token) : null,
  };
}

/**
 * Opens the database, applies migrations, builds the services and the HTTP
 * app. Everything outside the machine can be replaced for tests: the clock,
 * the policy, the transports and the database location.
 */
export async function startService(
  config: Config,
  overrides: {
    clock?: Clock;
    policy?: Policy;
    transports?: Transports;
    database?: DatabaseLocation;
    /** `false` silences the log; a stream receives it (tests read what was logged). */
    logger?: false | DestinationStream;
    /** Resolves webhook hosts (tests map names to loopback addresses). */
    resolve?: Resolver;
  } = {},
): Promise<Service> {
  const location: DatabaseLocation = overrides.database ?? config.database;
  const stdout = overrides.logger === undefined ? bufferedStdout() : null;
  const log =
    overrides.logger === false
      ? pino({ level: 'silent' })
      : pino(loggerOptions(config.logLevel), overrides.logger ?? stdout?.stream);
  const handle = openDatabase(location, (message, err) => log.warn({ err }, message));
  try {
    await migrate(handle.db, handle.dialect);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const masterKey = loadMasterKey(config.masterKey, config.dataDir);
  const services = createServices({
    config,
    db: handle.db,
    dialect: handle.dialect,
    clock: overrides.clock ?? systemClock,
    policy: withConfiguredPolicy(overrides.policy ?? defaultPolicy, config),
    log,
    masterKey,
    transports: overrides.transports ?? transportsFor(config),
    ...(overrides.resolve ? { resolve: overrides.resolve } : {}),
  });
  // A site's confirmation settles its own row and webhook with its challenge.
  services.challengeHooks.register('confirmation', confirmationHooks(services));
  const app = await buildApp(services, log);
  services.delivery.start();
  services.webhooks.start();
  const sweeper = startConfirmationSweeper(services);
  const retentionSweeper = startRetentionSweeper(services);
  return {
    app,
    services,
    async close() {
      await app.close();
      clearInterval(sweeper);
      clearInterval(retentionSweeper);
      await services.delivery.stop();
      await services.webhooks.stop();
      await handle.close();
      stdout?.close();
    },
  };
}

/** The policy with what the configuration sets of it (`CIPHERPAD_SESSION_IDLE_SECONDS`). */
function withConfiguredPolicy(policy: Policy, config: Config): Policy {
  if (config.sessionIdleMs === null) return policy;
  return Object.freeze({ ...policy, sessionIdleMs: config.sessionIdleMs });
}

/**
 * Standard output for the log, written in blocks of up to 4 KiB instead of a
 * write call per line (under load, one line per request made the write
 * calls a tenth of the server's time). A timer flushes what waits at least
 * every 250 ms, and the process's exit flushes the rest, so a line is late
 * by at most that and lost only if the process is killed outright.
 */
function bufferedStdout(): { stream: DestinationStream; close(): void } {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => stream.flush(), 250);
  timer.unref();
  const flushOnExit = () => stream.flushSync();
  process.once('exit', flushOnExit);
  return {
    stream,
    close() {
      clearInterval(timer);
      process.off('exit', flushOnExit);
      stream.flushSync();
    },
  };
}
