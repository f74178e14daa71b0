import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { BatchRunner } from './batch-runner.js';
import type { OutgoingMessage, Transport } from './transport.js';

/** Transports per channel; `null` keeps the channel's messages in the outbox. */
export interface Transports {
  readonly email: Transport | null;
  readonly sms: Transport | null;
}

const BATCH = 20;
const MAX_ATTEMPTS = 8;
const KEEP_FOR_MS = 24 * 60 * 60 * 1000;
const STALE_CLAIM_MS = 60_000;

/**
 * Email and SMS delivery through the transactional outbox. A feature calls
 * {@link Delivery.enqueue} inside the transaction that changes its state, so a
 * message exists exactly when the change does, and {@link Delivery.kick} after
 * the commit. The dispatcher sends due messages, retries failures with growing
 * waits, and deletes what was sent: no code stays at rest once delivered.
 */
export class Delivery {
  readonly #db: Kysely<Database>;
  readonly #transports: Transports;
  readonly #clock: Clock;
  readonly #log: FastifyBaseLogger;
  readonly #runner: BatchRunner;

  constructor(deps: {
    db: Kysely<Database>;
    transports: Transports;
    clock: Clock;
    log: FastifyBaseLogger;
  }) {
    this.#db = deps.db;
    this.#transports = deps.transports;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#runner = new BatchRunner({
      what: 'outbox delivery',
      batch: () => this.#deliverBatch(),
      batchSize: BATCH,
      housekeeping: () => this.#purgeKept(),
      log: deps.log,
    });
  }

  /** Adds a message to the outbox, in the caller's transaction. */
  async enqueue(trx: Kysely<Database>, message: OutgoingMessage): Promise<void> {
    const now = this.#clock.now();
    await trx
      .insertInto('outbox')
      .values({
        ...message,
        status: this.#transports[message.channel] ? 'pending' : 'kept',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })
      .execute();
  }

  /** Starts sending due messages now (after a commit), without waiting for them. */
  kick(): void {
    if (!this.#transports.email && !this.#transports.sms) return;
    void this.deliverDue();
  }

  /** Sends every due message; concurrent calls share one run. */
  deliverDue(): Promise<void> {
    return this.#runner.run();
  }

  /** Polls for due messages and purges old kept ones, every `intervalMs`. */
  start(intervalMs = 1000): void {
    this.#runner.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.#runner.stop();
    await this.#transports.email?.close?.();
    await this.#transports.sms?.close?.();
  }

  async #deliverBatch(): Promise<number> {
    const now = this.#clock.now();
    // A claim left by a crashed instance becomes due again after a minute.
    await this.#db
      .updateTable('outbox')
      .set({ status: 'pending' })
      .where('status', '=', 'sending')
      .where('next_attempt_at', '<', now - STALE_CLAIM_MS)
      .execute();
    const due = await this.#db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const { id } of due) {
      const claimed = await this.#db
        .updateTable('outbox')
        .set({ status: 'sending', next_attempt_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returning(['id', 'channel', 'recipient', 'subject', 'body', 'attempts'])
        .executeTakeFirst();
      if (!claimed) continue; // another instance has it
      const transport = this.#transports[claimed.channel];
      try {
        if (!transport) throw new Error(`no transport for ${claimed.channel}`);
        await transport.send(claimed);
        await this.#db.deleteFrom('outbox').where('id', '=', id).execute();
        this.#log.info({ outboxId: id, channel: claimed.channel }, 'message delivered');
      } catch (error) {
        const attempts = claimed.attempts + 1;
        const failed = attempts >= MAX_ATTEMPTS;
        await this.#db
          .updateTable('outbox')
          .set({
            status: failed ? 'failed' : 'pending',
            attempts,
            next_attempt_at: this.#clock.now() + 2 ** attempts * 1000,
          })
          .where('id', '=', id)
          .execute();
        this.#log.warn(
          { outboxId: id, channel: claimed.channel, attempts, reason: (error as Error).message },
          failed ? 'message delivery abandoned' : 'message delivery failed, will retry',
        );
      }
    }
    return due.length;
  }

  async #purgeKept(): Promise<void> {
    await this.#db
      .deleteFrom('outbox')
      .where('status', 'in', ['kept', 'failed'])
      .where('created_at', '<', this.#clock.now() - KEEP_FOR_MS)
      .execute();
  }
}
