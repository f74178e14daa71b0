import type { FastifyInstance } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import { buildApp } from './app/build-app.js';
import { type Cipherpad, createCipherpadClient } from './cipherpad/cipherpad-client.js';
import { type Clock, systemClock } from './clock.js';
import type { KeeperConfig } from './config/config.js';
import { type DatabaseLocation, openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { pruneExpired } from './db/prune-expired.js';
import { pruneWrongAnswers } from './limits/wrong-answer-limit.js';
import type { KeeperServices } from './services.js';
import { sweepHeldTransfers } from './transfers/sweep-held.js';

/** A running keeper: its HTTP app (not yet listening) and its services. */
export interface Keeper {
  readonly app: FastifyInstance;
  readonly services: KeeperServices;
  close(): Promise<void>;
}

/**
 * The composition root: opens the database, applies migrations, builds the
 * services and the HTTP app, and starts the sweeper of held transfers (which
 * also deletes expired sessions, logins and setting changes).
 * Tests replace the clock, the database location, the Cipherpad client and
 * the log.
 */
export async function startKeeper(
  config: KeeperConfig,
  overrides: {
    clock?: Clock;
    database?: DatabaseLocation;
    cipherpad?: Cipherpad;
    logger?: false | DestinationStream;
    /** Milliseconds between sweeps of held transfers; 0 turns the sweeper off. */
    sweepEveryMs?: number;
  } = {},
): Promise<Keeper> {
  // Standard output unless a test gives its own stream.
  const stdout = overrides.logger === undefined ? bufferedStdout() : null;
  const log =
    overrides.logger === false
      ? pino({ level: 'silent' })
      : pino(
          {
            level: config.logLevel,
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
              ],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
                id: req.id,
                method: req.method,
                path: req.url.split('?')[0],
                ip: req.ip,
              }),
            },
          },
          overrides.logger || stdout?.stream,
        );
  const handle = openDatabase(overrides.database ?? config.database, (message, err) =>
    log.warn({ err }, message),
  );
  try {
    await migrate(handle.db, handle.dialect);
  } catch (error) {
    await handle.close();
    stdout?.close();
    throw error;
  }
  const cipherpad =
    overrides.cipherpad ??
    createCipherpadClient({
      baseUrl: config.cipherpadUrl,
      credentials: config.credentials,
      onTrouble: (message, details) => log.warn(details, message),
    });
  // The keeper closes the client it made, not one a test gave it.
  const ownsClient = overrides.cipherpad === undefined;
  const services: KeeperServices = {
    config,
    db: handle.db,
    dialect: handle.dialect,
    clock: overrides.clock ?? systemClock,
    cipherpad,
    log,
  };
  const app = await buildApp(services, log);
  const every = overrides.sweepEveryMs ?? 15_000;
  let sweeping = false;
  const timer =
    every > 0
      ? setInterval(() => {
          if (sweeping) return;
          sweeping = true;
          sweepHeldTransfers(services)
            .catch((error) => log.warn({ err: error }, 'sweep of held transfers failed'))
            .then(() => pruneExpired(services.db, services.clock.now()))
            .then(() => pruneWrongAnswers(services.db, services.clock.now()))
            .catch((error) => log.warn({ err: error }, 'retention sweep failed'))
            .finally(() => {
              sweeping = false;
            });
        }, every)
      : null;
  timer?.unref();
  return {
    app,
    services,
    async close() {
      if (timer) clearInterval(timer);
      await app.close();
      if (ownsClient) await cipherpad.close?.();
      await handle.close();
      stdout?.close();
    },
  };
}

/**
 * Standard output for the log, written in blocks of up to 4 KiB rather than
 * one write call per line (under load, a call per request). What waits is
 * flushed at least every 250 ms and when the process exits, so a line is
 * late by at most that, and lost only if the process is killed outright.
 */
function bufferedStdout(): { stream: DestinationStream; close(): void } {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => stream.flush(), 250);
  timer.unref();
  const flushAtExit = () => stream.flushSync();
  process.once('exit', flushAtExit);
  return {
    stream,
    close() {
      clearInterval(timer);
      process.off('exit', flushAtExit);
      stream.flushSync();
    },
  };
}
