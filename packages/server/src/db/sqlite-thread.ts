import { createRequire } from 'node:module';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';

/**
 * SQLite on a thread of its own, so that the event loop never runs a
 * statement, a COMMIT or the disk writes behind them.
 *
 * The database thread owns the only connection and commits in groups: the
 * writes that reach it together share one `BEGIN IMMEDIATE … COMMIT`, each
 * inside it as a statement (or a savepoint), and a write is acknowledged only
 * once its group's COMMIT has returned, so it is in the WAL before the caller
 * can answer anyone.
 *
 * Two ways in:
 * - **Jobs** (a statement outside a transaction, or a {@link BatchStep} list
 *   run atomically) go over the worker's message port, the jobs of one
 *   event-loop turn in one message, and come back the same way. They cost the
 *   event loop a few microseconds each.
 * - **Transactions** whose statements depend on each other (Kysely's
 *   `db.transaction()`) talk to the thread synchronously: the event loop posts
 *   one statement on a second port, sleeps on a shared counter until the
 *   thread has answered, and reads the answer with `receiveMessageOnPort`.
 *   While a transaction is open the thread serves only it, as SQLite's single
 *   connection must, and the transaction is a SAVEPOINT inside the open group.
 *   This costs a thread hand-off per statement: hot paths use batches instead.
 */

/** A compiled statement and its parameters. */
export interface Statement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** One statement of a batch; with `expectChanges`, the batch stops and is undone unless it changed exactly that many rows. */
export interface BatchStep extends Statement {
  readonly expectChanges?: number;
}

/** A batch step from a compiled query (only its SQL and parameters cross to the thread). */
export function step(
  query: { readonly sql: string; readonly parameters: readonly unknown[] },
  expectChanges?: number,
): BatchStep {
  return expectChanges === undefined
    ? { sql: query.sql, parameters: query.parameters }
    : { sql: query.sql, parameters: query.parameters, expectChanges };
}

/** What a statement gave: its rows (a reader), or the rows it changed. */
export interface StatementResult {
  readonly rows: unknown[];
  readonly changes?: number;
  readonly lastInsertRowid?: number | bigint;
}

/** What a batch gave: every step's result, or the index of the step whose expectation failed (nothing was kept). */
export type BatchResult =
  | { readonly results: StatementResult[] }
  | { readonly conflict: number; readonly results?: undefined };

type Job =
  | { readonly id: number; readonly statement: Statement }
  | { readonly id: number; readonly batch: readonly BatchStep[] };

type SyncRequest =
  | { readonly op: 'begin' }
  | { readonly op: 'query'; readonly statement: Statement }
  | { readonly op: 'commit'; readonly next: boolean }
  | { readonly op: 'rollback'; readonly next: boolean };

interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** Messages from the thread: answers to jobs, and the outcome of each group. */
type ThreadMessage =
  | { readonly answers: readonly Answer[] }
  | { readonly committed: number }
  | { readonly failed: number; readonly error: WireError }
  | { readonly fatal: WireError }
  | { readonly closed: true };

type Answer =
  | { readonly id: number; readonly result: StatementResult | BatchResult; readonly group?: number }
  | { readonly id: number; readonly error: WireError };

type SyncAnswer =
  | { readonly result?: StatementResult; readonly group?: number }
  | { readonly error: WireError };

/** Slots of the shared control array: requests posted, answers posted, the thread's failure flag. */
const SLOTS = { requests: 0, answers: 1, fatal: 2 } as const;

const NO_JOBS: readonly Job[] = [];

/** How long the event loop waits for one synchronous answer before giving up. */
const SYNC_TIMEOUT_MS = 60_000;

interface ThreadData {
  readonly file: string;
  readonly driver: string;
  readonly pragmas: readonly string[];
  readonly control: SharedArrayBuffer;
  readonly slots: typeof SLOTS;
  readonly syncPort: MessagePort;
}

/**
 * The database thread's program. It runs from its source text (see
 * `startThread`), so it uses nothing from outside its own body but `require`
 * and the data it is given.
 */
function threadMain(require: NodeJS.Require, data: ThreadData): void {
  const threads: typeof import('node:worker_threads') = require('node:worker_threads');
  const port = threads.parentPort as MessagePort;
  const Database: typeof import('better-sqlite3') = require(data.driver);
  type Prepared = import('better-sqlite3').Statement;
  const control = new Int32Array(data.control);
  const { requests: REQUESTS, answers: ANSWERS, fatal: FATAL } = data.slots;
  /** How long to wait for another transaction after one ends, in milliseconds. */
  const LINGER_MS = 0.2;
  /** The same when the event loop said another one waits (it comes at once; this only bounds a surprise). */
  const NEXT_WAIT_MS = 10;
  const syncPort = data.syncPort;

  const toWire = (error: unknown): WireError => {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    return {
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(error),
      ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    };
  };
  process.on('uncaughtException', (error) => {
    // The event loop may be asleep waiting for an answer: wake it with the news.
    Atomics.store(control, FATAL, 1);
    Atomics.notify(control, ANSWERS);
    port.postMessage({ fatal: toWire(error) });
    process.exit(1);
  });

  const sqlite = new Database(data.file);
  for (const pragma of data.pragmas) sqlite.pragma(pragma);

  // better-sqlite3 compiles SQL on every prepare; keep the compiled ones
  // (up to 500 distinct texts; past that the cache starts afresh).
  const cache = new Map<string, Prepared>();
  const prepare = (text: string): Prepared => {
    let statement = cache.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      if (cache.size >= 500) cache.clear();
      cache.set(text, statement);
    }
    return statement;
  };
  const savepoints = (name: string) => ({
    open: sqlite.prepare(`savepoint ${name}`),
    release: sqlite.prepare(`release ${name}`),
    rollbackTo: sqlite.prepare(`rollback to ${name}`),
  });
  const control_ = {
    begin: sqlite.prepare('begin immediate'),
    commit: sqlite.prepare('commit'),
    rollback: sqlite.prepare('rollback'),
    transaction: savepoints('cipherpad_transaction'),
    statement: savepoints('cipherpad_statement'),
    batch: savepoints('cipherpad_batch'),
  };

  /** Whether a failing statement could keep part of its writes (`OR FAIL`): it gets a savepoint. */
  const halfway = new Map<string, boolean>();
  const mayFailHalfway = (text: string): boolean => {
    let answer = halfway.get(text);
    if (answer === undefined) {
      answer = /\bfail\b/i.test(text);
      if (halfway.size >= 500) halfway.clear();
      halfway.set(text, answer);
    }
    return answer;
  };

  const execute = (statement: Prepared, parameters: readonly unknown[]): StatementResult => {
    if (statement.reader) return { rows: statement.all(parameters) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { rows: [], changes, lastInsertRowid };
  };

  let group: number | null = null;
  let groupSeq = 0;
  let commitScheduled = false;
  let answers: Answer[] = [];

  /** Ends a group SQLite rolled back on its own (SQLITE_FULL, SQLITE_IOERR …): its waiters fail. */
  const loseGroup = (error: unknown): void => {
    if (group === null) return;
    port.postMessage({ failed: group, error: toWire(error) });
    group = null;
  };
  const openGroup = (): number => {
    if (group !== null) {
      if (sqlite.inTransaction) return group;
      loseGroup(new Error('SQLite rolled back the group transaction after an error'));
    }
    control_.begin.run();
    group = ++groupSeq;
    if (!commitScheduled) {
      commitScheduled = true;
      // Everything that reaches the thread before it next turns joins.
      setImmediate(commitGroup);
    }
    return group;
  };
  const liveGroup = (): number => {
    if (group === null || !sqlite.inTransaction) {
      throw new Error('SQLite rolled back the group transaction after an earlier error');
    }
    return group;
  };
  const undo = (points: ReturnType<typeof savepoints>): void => {
    if (!sqlite.inTransaction) {
      loseGroup(new Error('SQLite rolled back the group transaction after an error'));
      return;
    }
    points.rollbackTo.run();
    points.release.run();
  };
  function commitGroup(): void {
    commitScheduled = false;
    const committing = group;
    if (committing === null) return;
    group = null;
    try {
      control_.commit.run();
    } catch (error) {
      // SQLite keeps the transaction open after some failed COMMITs (SQLITE_BUSY,
      // a deferred foreign key); end it so the next group starts clean.
      try {
        if (sqlite.inTransaction) control_.rollback.run();
      } catch {
        // The COMMIT's error is the one to report.
      }
      port.postMessage({ failed: committing, error: toWire(error) });
      return;
    }
    port.postMessage({ committed: committing });
  }

  const runStatement = (id: number, statement: Statement): Answer => {
    const prepared = prepare(statement.sql);
    // `readonly`, not `reader`: INSERT … RETURNING reads and writes.
    if (prepared.readonly) return { id, result: execute(prepared, statement.parameters) };
    const joined = openGroup();
    if (mayFailHalfway(statement.sql)) {
      control_.statement.open.run();
      let result: StatementResult;
      try {
        result = execute(prepared, statement.parameters);
      } catch (error) {
        undo(control_.statement);
        throw error;
      }
      control_.statement.release.run();
      return { id, result, group: joined };
    }
    try {
      return { id, result: execute(prepared, statement.parameters), group: joined };
    } catch (error) {
      // SQLite undid the statement (ABORT); a few errors roll back everything.
      if (!sqlite.inTransaction) loseGroup(error);
      throw error;
    }
  };
  const runBatch = (id: number, steps: readonly BatchStep[]): Answer => {
    const joined = openGroup();
    control_.batch.open.run();
    const results: StatementResult[] = [];
    try {
      for (const [index, step] of steps.entries()) {
        const result = execute(prepare(step.sql), step.parameters);
        if (step.expectChanges !== undefined && result.changes !== step.expectChanges) {
          undo(control_.batch);
          return { id, result: { conflict: index } };
        }
        results.push(result);
      }
    } catch (error) {
      undo(control_.batch);
      throw error;
    }
    control_.batch.release.run();
    return { id, result: { results }, group: joined };
  };

  /**
   * Serves the event loop's synchronous requests: each transaction from its
   * begin to its end. When one ends and the event loop said another waits
   * for the connection (`next`), it waits for that one's begin, so that
   * queued transactions share a group instead of a COMMIT each; after the
   * last, it waits a moment more for one started just then.
   */
  let served = 0;
  const serveTransactions = (): void => {
    let inTransaction = false;
    /** How long to wait for another request once no transaction is open: none yet served, don't. */
    let lingerMs = 0;
    for (;;) {
      if (Atomics.load(control, REQUESTS) === served) {
        if (inTransaction) {
          Atomics.wait(control, REQUESTS, served);
          continue;
        }
        if (lingerMs === 0 || Atomics.wait(control, REQUESTS, served, lingerMs) === 'timed-out') {
          return;
        }
        continue;
      }
      const received = threads.receiveMessageOnPort(syncPort);
      if (!received) continue;
      served += 1;
      const request = received.message as SyncRequest;
      let answer: SyncAnswer;
      try {
        switch (request.op) {
          case 'begin':
            openGroup();
            control_.transaction.open.run();
            inTransaction = true;
            answer = {};
            break;
          case 'query': {
            liveGroup();
            try {
              answer = {
                result: execute(prepare(request.statement.sql), request.statement.parameters),
              };
            } catch (error) {
              if (!sqlite.inTransaction) loseGroup(error);
              throw error;
            }
            break;
          }
          case 'commit': {
            inTransaction = false;
            lingerMs = request.next ? NEXT_WAIT_MS : LINGER_MS;
            const joined = liveGroup();
            control_.transaction.release.run();
            answer = { group: joined };
            break;
          }
          case 'rollback':
            inTransaction = false;
            lingerMs = request.next ? NEXT_WAIT_MS : LINGER_MS;
            // Nothing to undo when SQLite already rolled back the whole group.
            if (group !== null) undo(control_.transaction);
            answer = {};
            break;
        }
      } catch (error) {
        answer = { error: toWire(error) };
      }
      syncPort.postMessage(answer);
      Atomics.add(control, ANSWERS, 1);
      Atomics.notify(control, ANSWERS);
    }
  };

  port.on('message', (message: readonly Job[] | 'close') => {
    if (message === 'close') {
      serveTransactions();
      if (group !== null) commitGroup();
      sqlite.close();
      // The event loop then stops the thread; closing the port here could drop answers in flight.
      port.postMessage({ closed: true });
      return;
    }
    for (const job of message) {
      serveTransactions();
      try {
        answers.push(
          'batch' in job ? runBatch(job.id, job.batch) : runStatement(job.id, job.statement),
        );
      } catch (error) {
        answers.push({ id: job.id, error: toWire(error) });
      }
    }
    serveTransactions();
    if (answers.length > 0) {
      port.postMessage({ answers });
      answers = [];
    }
  });
}

interface Pending {
  resolve(value: never): void;
  reject(error: unknown): void;
}

/**
 * The event loop's side of the database thread: queues jobs and sends them
 * once per turn, runs transaction statements synchronously, and settles
 * writes when their group's COMMIT is reported.
 *
 * @example
 * ```ts
 * const thread = new SqliteThread('data.db', ['journal_mode = WAL']);
 * const { rows } = await thread.run({ sql: 'select 1 as one', parameters: [] });
 * await thread.close();
 * ```
 */
export class SqliteThread {
  readonly #worker: Worker;
  readonly #control = new Int32Array(new SharedArrayBuffer(3 * 4));
  readonly #syncPort: MessagePort;
  #jobs: Job[] = [];
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** Writes (and transactions) waiting for their group's COMMIT, by group. */
  readonly #waiting = new Map<number, Array<() => void>>();
  readonly #failedGroups = new Map<number, Error>();
  #lastSettledGroup = 0;
  #answersSeen = 0;
  #fatal: Error | undefined;
  readonly #exited: Promise<void>;
  #commits = 0;
  #onClosed: (() => void) | undefined;
  /** Jobs and transactions not yet settled. */
  #busy = 0;

  /**
   * Starts the thread, which opens `file` and applies `pragmas` (e.g.
   * `'journal_mode = WAL'`) before anything else.
   */
  constructor(file: string, pragmas: readonly string[]) {
    const { port1, port2 } = new MessageChannel();
    this.#syncPort = port1;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const data: ThreadData = {
      file,
      driver,
      pragmas,
      control: this.#control.buffer as SharedArrayBuffer,
      slots: SLOTS,
      syncPort: port2,
    };
    this.#worker = new Worker(
      `(${threadMain.toString()})(require, require('node:worker_threads').workerData)`,
      {
        eval: true,
        workerData: data,
        transferList: [port2],
      },
    );
    this.#worker.unref();
    this.#worker.on('message', (message: ThreadMessage) => this.#receive(message));
    this.#worker.on('error', (error) => this.#die(error));
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', () => {
        this.#die(new Error('the database thread has stopped'));
        resolve();
      });
    });
  }

  /** COMMITs reported so far (one per group). */
  get commits(): number {
    return this.#commits;
  }

  /** Runs one statement outside any transaction; a write resolves once its group has committed. */
  run(statement: Statement): Promise<StatementResult> {
    return this.#submit((id) => ({ id, statement }));
  }

  /**
   * Runs statements atomically, in one savepoint of the open group: all of
   * them are kept, or (on an error, or a step whose `expectChanges` fails)
   * none. Resolves once the group has committed.
   */
  batch(steps: readonly BatchStep[]): Promise<BatchResult> {
    return this.#submit((id) => ({ id, batch: steps }));
  }

  /** Opens a transaction (a savepoint of the open group); until it ends, the thread serves only it. */
  beginTransaction(): void {
    // Jobs issued before it go first, as they would have on one connection.
    this.#flush();
    this.#hold();
    try {
      // The thread may be asleep in its event loop: the begin wakes it.
      this.#request({ op: 'begin' }, true);
    } catch (error) {
      this.#release();
      throw error;
    }
  }

  /** Runs a statement inside the open transaction, synchronously. */
  runInTransaction(statement: Statement): StatementResult {
    return this.#request({ op: 'query', statement }).result ?? { rows: [] };
  }

  /**
   * Ends the transaction; resolves once its group has committed. `next`: another
   * transaction waits to begin, so the thread should wait for it before committing.
   */
  async commitTransaction(next = false): Promise<void> {
    try {
      const { group } = this.#request({ op: 'commit', next });
      await this.#afterGroup(group ?? 0);
    } finally {
      this.#release();
    }
  }

  /** Undoes the open transaction (`next` as for {@link commitTransaction}). */
  rollbackTransaction(next = false): void {
    try {
      this.#request({ op: 'rollback', next });
    } finally {
      this.#release();
    }
  }

  /** Commits what is open, closes the connection and stops the thread. */
  async close(): Promise<void> {
    // Queries issued just before are still on their way here through Kysely's promises.
    await new Promise((resolve) => setImmediate(resolve));
    this.#flush();
    // Held open until the thread has committed and closed its connection.
    this.#worker.ref();
    if (!this.#fatal) {
      const closed = new Promise<void>((resolve) => {
        this.#onClosed = resolve;
      });
      this.#worker.postMessage('close');
      await Promise.race([closed, this.#exited]);
    }
    this.#syncPort.close();
    await this.#worker.terminate();
    await this.#exited;
  }

  #submit<T>(job: (id: number) => Job): Promise<T> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    const id = this.#nextId++;
    this.#hold();
    this.#jobs.push(job(id));
    if (this.#jobs.length === 1) setImmediate(() => this.#flush());
    return new Promise<T>((resolve, reject) =>
      this.#pending.set(id, { resolve: resolve as (value: never) => void, reject }),
    );
  }

  /** The thread keeps the process alive only while someone waits for it. */
  #hold(): void {
    if (this.#busy++ === 0) this.#worker.ref();
  }

  #release(): void {
    if (--this.#busy === 0) this.#worker.unref();
  }

  #flush(): void {
    if (this.#jobs.length === 0) return;
    this.#worker.postMessage(this.#jobs);
    this.#jobs = [];
  }

  /**
   * Posts a transaction's request and sleeps until the thread answers. The
   * thread serves requests while it is inside a transaction; `wake` (for the
   * first request of one) also sends it an empty job list, which it handles by
   * serving the requests waiting, in case it was asleep in its event loop.
   */
  #request(request: SyncRequest, wake = false): Exclude<SyncAnswer, { error: WireError }> {
    if (this.#fatal) throw this.#fatal;
    this.#syncPort.postMessage(request);
    Atomics.add(this.#control, SLOTS.requests, 1);
    Atomics.notify(this.#control, SLOTS.requests);
    if (wake) this.#worker.postMessage(NO_JOBS);
    const expected = ++this.#answersSeen;
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    while (Atomics.load(this.#control, SLOTS.answers) < expected) {
      if (Atomics.load(this.#control, SLOTS.fatal) !== 0) {
        throw new Error('the database thread has stopped');
      }
      const seen = Atomics.load(this.#control, SLOTS.answers);
      if (seen >= expected) break;
      if (Date.now() > deadline) throw new Error('the database thread did not answer');
      Atomics.wait(this.#control, SLOTS.answers, seen, 1000);
    }
    const received = receiveMessageOnPort(this.#syncPort);
    if (!received) throw new Error('the database thread answered nothing');
    const answer = received.message as SyncAnswer;
    if ('error' in answer) throw reviveError(answer.error);
    return answer;
  }

  #afterGroup(group: number): Promise<void> {
    if (group <= this.#lastSettledGroup) {
      const failure = this.#failedGroups.get(group);
      return failure ? Promise.reject(failure) : Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiters = this.#waiting.get(group) ?? [];
      waiters.push(() => {
        const failure = this.#failedGroups.get(group);
        if (failure) reject(failure);
        else resolve();
      });
      this.#waiting.set(group, waiters);
    });
  }

  #receive(message: ThreadMessage): void {
    if ('answers' in message) {
      for (const answer of message.answers) {
        const pending = this.#pending.get(answer.id);
        if (!pending) continue;
        this.#pending.delete(answer.id);
        if ('error' in answer) {
          this.#release();
          pending.reject(reviveError(answer.error));
        } else if (answer.group === undefined) {
          this.#release();
          pending.resolve(answer.result as never);
        } else {
          const { result } = answer;
          this.#afterGroup(answer.group).then(
            () => {
              this.#release();
              pending.resolve(result as never);
            },
            (error: unknown) => {
              this.#release();
              pending.reject(error);
            },
          );
        }
      }
    } else if ('committed' in message) {
      this.#commits += 1;
      this.#settleGroup(message.committed);
    } else if ('failed' in message) {
      this.#failedGroups.set(message.failed, reviveError(message.error));
      this.#settleGroup(message.failed);
    } else if ('fatal' in message) {
      this.#die(reviveError(message.fatal));
    } else if ('closed' in message) {
      this.#onClosed?.();
    }
  }

  #settleGroup(group: number): void {
    this.#lastSettledGroup = Math.max(this.#lastSettledGroup, group);
    const waiters = this.#waiting.get(group);
    this.#waiting.delete(group);
    for (const waiter of waiters ?? []) waiter();
    // Failures are kept only for a late waiter of the same group.
    for (const failed of this.#failedGroups.keys()) {
      if (failed < group - 100) this.#failedGroups.delete(failed);
    }
  }

  #die(error: Error): void {
    if (this.#fatal) return;
    this.#fatal = error;
    for (const pending of this.#pending.values()) {
      this.#release();
      pending.reject(error);
    }
    this.#pending.clear();
    for (const [group, waiters] of this.#waiting) {
      this.#failedGroups.set(group, error);
      for (const waiter of waiters) waiter();
    }
    this.#waiting.clear();
  }
}

function reviveError(wire: WireError): Error {
  const error = new Error(wire.message) as Error & { code?: string };
  error.name = wire.name;
  if (wire.code !== undefined) error.code = wire.code;
  return error;
}
