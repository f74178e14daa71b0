import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import { CodeHasher } from './crypto/code-hasher.js';
import { DeviceKeys } from './crypto/device-keys.js';
import { SecretBox } from './crypto/secret-box.js';
import type { Dialect } from './db/database.js';
import type { Database } from './db/schema.js';
import { Delivery, type Transports } from './delivery/delivery.js';
import { ChallengeHooks } from './events/challenge-hooks.js';
import { type EventBus, LocalEventBus } from './events/event-bus.js';
import type { Policy } from './policy.js';
import { FailureThrottle } from './rate-limit/failure-throttle.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { SiteRequestLimiter } from './rate-limit/site-request-limiter.js';
import { type Resolver, systemResolver } from './webhooks/webhook-address.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

/** Everything a feature needs, built once by {@link createServices}. */
export interface Services {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly policy: Policy;
  readonly log: FastifyBaseLogger;
  readonly secrets: SecretBox;
  readonly deviceKeys: DeviceKeys;
  readonly codes: CodeHasher;
  readonly delivery: Delivery;
  readonly rateLimiter: RateLimiter;
  /** The per-site limit of the confirmation API, counted in this process's memory. */
  readonly siteRequests: SiteRequestLimiter;
  /** Wrong login responses per client address (see `policy.wrongAnswersPerIp`). */
  readonly wrongAnswers: FailureThrottle;
  /** Live notifications: pending requests for the app, status changes for waiting sites. */
  readonly events: EventBus;
  /** Webhook calls to relying sites, delivered at least once. */
  readonly webhooks: WebhookDispatcher;
  /** What each purpose of challenge does when one settles (registered in `start-service.ts`). */
  readonly challengeHooks: ChallengeHooks;
}

/** The composition root: builds the services from their dependencies. */
export function createServices(deps: {
  config: Config;
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  policy: Policy;
  log: FastifyBaseLogger;
  masterKey: Uint8Array;
  transports: Transports;
  events?: EventBus;
  /** Resolves webhook hosts; the system resolver unless a test gives its own. */
  resolve?: Resolver;
}): Services {
  const secrets = new SecretBox(deps.masterKey);
  return {
    config: deps.config,
    db: deps.db,
    dialect: deps.dialect,
    clock: deps.clock,
    policy: deps.policy,
    log: deps.log,
    secrets,
    deviceKeys: new DeviceKeys(secrets),
    codes: new CodeHasher(deps.masterKey),
    delivery: new Delivery({
      db: deps.db,
      transports: deps.transports,
      clock: deps.clock,
      log: deps.log,
    }),
    rateLimiter: new RateLimiter(deps.db, deps.clock),
    siteRequests: new SiteRequestLimiter(deps.config.siteRequestsPerMinute, deps.clock),
    wrongAnswers: new FailureThrottle(
      deps.policy.wrongAnswersPerIp,
      deps.policy.wrongAnswersWindowMs,
      deps.clock,
    ),
    events: deps.events ?? new LocalEventBus(),
    webhooks: new WebhookDispatcher({
      db: deps.db,
      clock: deps.clock,
      log: deps.log,
      secrets,
      retryForMs: deps.policy.webhookRetryForMs,
      network: {
        resolve: deps.resolve ?? systemResolver,
        allowInternal: deps.config.webhookAllowInternal,
      },
    }),
    challengeHooks: new ChallengeHooks(),
  };
}
