import type { FastifyBaseLogger } from 'fastify';

/**
 * Runs an outbox's due work, one run at a time: `batch` handles up to
 * `batchSize` due items and says how many it took; a run goes on while
 * batches come back full, and once more if it was asked for meanwhile, so a
 * kick during a run is never lost. A timer also runs it (and `housekeeping`)
 * every `intervalMs`, for work that became due by time or was left by
 * another instance. Shared by the email/SMS outbox and the webhook outbox.
 */
export class BatchRunner {
  readonly #batch: () => Promise<number>;
  readonly #batchSize: number;
  readonly #housekeeping: () => Promise<void>;
  readonly #log: FastifyBaseLogger;
  readonly #what: string;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: {
    /** For the log line when a run fails, e.g. "outbox delivery". */
    what: string;
    batch: () => Promise<number>;
    batchSize: number;
    housekeeping: () => Promise<void>;
    log: FastifyBaseLogger;
  }) {
    this.#what = options.what;
    this.#batch = options.batch;
    this.#batchSize = options.batchSize;
    this.#housekeeping = options.housekeeping;
    this.#log = options.log;
  }

  /** Runs every due batch; concurrent calls share one run. Never rejects. */
  run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          while ((await this.#batch()) === this.#batchSize) {}
        } while (this.#again);
      } catch (error) {
        this.#log.error({ err: error }, `${this.#what} failed`);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  /** Runs the work and the housekeeping every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => {
      void this.run();
      this.#housekeeping().catch((error: unknown) =>
        this.#log.warn({ err: error }, `${this.#what}: housekeeping failed`),
      );
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
