import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Cipherpad } from './cipherpad/cipherpad-client.js';
import type { Clock } from './clock.js';
import type { KeeperConfig } from './config/config.js';
import type { Dialect } from './db/database.js';
import type { KeeperDatabase } from './db/schema.js';

/** Everything the keeper's routes need, built once by the composition root (`startKeeper`). */
export interface KeeperServices {
  readonly config: KeeperConfig;
  readonly db: Kysely<KeeperDatabase>;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly cipherpad: Cipherpad;
  readonly log: FastifyBaseLogger;
}
