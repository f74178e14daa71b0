import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/schema.js';
import { BatchRunner } from '../delivery/batch-runner.js';
import { postWebhook, type WebhookNetwork } from './post-webhook.js';
import { signWebhook, webhookSecretContext } from './sign-webhook.js';

const BATCH = 20;
const STALE_CLAIM_MS = 60_000;
const TIMEOUT_MS = 10_000;
/** The longest wait between two attempts. */
const MAX_WAIT_MS = 60 * 60_000;
/** Delivered calls are kept this long (for the operator), then dropped. */
const KEEP_FOR_MS = 24 * 60 * 60_000;

/**
 * Delivers webhook calls (docs/confirmation-api.md) at least once: each call
 * was written in the transaction that changed the confirmation, so it exists
 * exactly when the change does. The dispatcher claims due calls with a
 * conditional UPDATE (safe with several instances), POSTs the same body with
 * a fresh signature to the address its URL resolves to, once that address
 * is checked not to be inside (unless the operator allows it; see
 * `postWebhook`), and retries anything but a 2xx with growing waits
 * (2, 4, 8 … seconds, at most an hour apart) until `retryForMs` after the
 * change, then gives up.
 */
export class WebhookDispatcher {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #log: FastifyBaseLogger;
  readonly #secrets: SecretBox;
  readonly #retryForMs: number;
  readonly #runner: BatchRunner;
  readonly #network: WebhookNetwork;

  constructor(deps: {
    db: Kysely<Database>;
    clock: Clock;
    log: FastifyBaseLogger;
    secrets: SecretBox;
    retryForMs: number;
    network: WebhookNetwork;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#runner = new BatchRunner({
      what: 'webhook delivery',
      batch: () => this.#deliverBatch(),
      batchSize: BATCH,
      housekeeping: () => this.#purge(),
      log: deps.log,
    });
    this.#secrets = deps.secrets;
    this.#retryForMs = deps.retryForMs;
    this.#network = deps.network;
  }

  /** Starts delivering due calls now (after a commit), without waiting for them. */
  kick(): void {
    void this.deliverDue();
  }

  /** Delivers every due call; concurrent calls share one run. */
  deliverDue(): Promise<void> {
    return this.#runner.run();
  }

  /** Polls for due calls every `intervalMs`, and drops old delivered ones. */
  start(intervalMs = 1000): void {
    this.#runner.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.#runner.stop();
  }

  async #deliverBatch(): Promise<number> {
    const now = this.#clock.now();
    // A claim left by a crashed instance becomes due again after a minute.
    await this.#db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending' })
      .where('status', '=', 'sending')
      .where('next_attempt_at', '<', now - STALE_CLAIM_MS)
      .execute();
    const due = await this.#db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    await Promise.all(due.map(({ id }) => this.#deliverOne(id, now)));
    return due.length;
  }

  async #deliverOne(id: string, now: number): Promise<void> {
    const claimed = await this.#db
      .updateTable('webhook_deliveries')
      .set({ status: 'sending', next_attempt_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returning(['site_id', 'type', 'body', 'attempts', 'created_at'])
      .executeTakeFirst();
    if (!claimed) return; // another instance has it
    const site = await this.#db
      .selectFrom('sites')
      .select(['webhook_url', 'webhook_secret_enc', 'status'])
      .where('id', '=', claimed.site_id)
      .executeTakeFirst();
    let outcome: string;
    try {
      if (!site?.webhook_url || !site.webhook_secret_enc || site.status !== 'active') {
        throw new Error('the site has no webhook any more');
      }
      const secret = new TextDecoder().decode(
        this.#secrets.open(site.webhook_secret_enc, webhookSecretContext(claimed.site_id)),
      );
      const status = await postWebhook(
        site.webhook_url,
        {
          headers: {
            'content-type': 'application/json',
            'cipherpad-signature': signWebhook(
              secret,
              claimed.body,
              Math.floor(this.#clock.now() / 1000),
            ),
            'user-agent': 'Cipherpad-Webhook/1',
          },
          body: claimed.body,
          timeoutMs: TIMEOUT_MS,
        },
        this.#network,
      );
      if (status >= 200 && status < 300) {
        await this.#db
          .updateTable('webhook_deliveries')
          .set({
            status: 'delivered',
            attempts: claimed.attempts + 1,
            delivered_at: this.#clock.now(),
          })
          .where('id', '=', id)
          .execute();
        this.#log.info({ webhookId: id, type: claimed.type }, 'webhook delivered');
        return;
      }
      outcome = `HTTP ${status}`;
    } catch (error) {
      outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).message;
    }
    const attempts = claimed.attempts + 1;
    const next = this.#clock.now() + Math.min(2 ** attempts * 1000, MAX_WAIT_MS);
    const failed = next > claimed.created_at + this.#retryForMs;
    await this.#db
      .updateTable('webhook_deliveries')
      .set({ status: failed ? 'failed' : 'pending', attempts, next_attempt_at: next })
      .where('id', '=', id)
      .execute();
    this.#log.warn(
      { webhookId: id, type: claimed.type, attempts, reason: outcome },
      failed ? 'webhook delivery abandoned' : 'webhook delivery failed, will retry',
    );
  }

  async #purge(): Promise<void> {
    await this.#db
      .deleteFrom('webhook_deliveries')
      .where('status', 'in', ['delivered', 'failed'])
      .where('created_at', '<', this.#clock.now() - KEEP_FOR_MS)
      .execute();
  }
}
