import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How the checkpointer is told to stop, and learns it has. */
export interface WalCheckpointer {
  /** Stops checkpointing; resolves once the worker's connection is closed. */
  stop(): Promise<void>;
}

/**
 * Runs in the worker thread (as a script: no build step, so the TypeScript
 * sources and the built server run it alike). A PASSIVE checkpoint copies the
 * committed WAL frames into the database file without taking any lock a
 * writer needs. While there was work it goes on at once, otherwise it looks
 * again after `idleMs`.
 *
 * SQLite starts the WAL from its beginning again only when a write
 * transaction begins on a WAL that is checkpointed to its last frame. Under
 * steady load the writer commits again before a checkpoint has caught up, so
 * that never happens and the file grows without end (hundreds of MB a minute
 * under the login bench). So once the WAL holds `restartFrames` frames the
 * worker asks the writer to pause ('pause'); the writer commits its open
 * group, stops opening new ones and answers 'paused'; a last checkpoint then
 * reaches the end, and on 'checkpointed' the writer goes on: its next
 * transaction starts the WAL afresh (and `journal_size_limit` cuts the file).
 * Should that last checkpoint not reach the end (another process reading an
 * older snapshot), the worker waits `retryMs` before asking again.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// Checkpoints are background work: on Linux a thread has its own nice value,
// and this one yields the CPU to the event loop's thread when both want it.
try { require('node:os').setPriority(workerData.niceness); } catch {}
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
let stopped = false;
let timer;
let nextPauseAt = 0;
function schedule(result) {
  const busy = result.log > 0 && result.checkpointed < result.log;
  timer = setTimeout(run, busy ? 10 : workerData.idleMs);
}
function run() {
  if (stopped) return;
  // An error ends the worker; the main thread sees it as the worker's 'error'.
  const [result] = checkpoint.all();
  if (workerData.pauses && result.log >= workerData.restartFrames && Date.now() >= nextPauseAt) {
    parentPort.postMessage('pause');
    return;
  }
  schedule(result);
}
parentPort.on('message', (message) => {
  if (message === 'paused') {
    let result;
    try {
      [result] = checkpoint.all();
    } finally {
      parentPort.postMessage('checkpointed');
    }
    if (result.checkpointed < result.log) nextPauseAt = Date.now() + workerData.retryMs;
    schedule(result);
    return;
  }
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
run();
`;

/** What the checkpointer needs of the writer, to start the WAL afresh now and then. */
export interface WalCheckpointerOptions {
  /** How long to wait between checkpoints when the last found nothing to do. */
  readonly idleMs?: number;
  /**
   * Commits the writer's open group and holds off new writes until the
   * returned function is called. Without it the WAL may grow without end
   * under steady load.
   */
  readonly pauseWrites?: () => Promise<() => void>;
  /** How many frames the WAL may hold before the writer is asked to pause (default 65,536: 256 MiB of 4 KiB pages). */
  readonly restartFrames?: number;
  /** How long to wait before asking again after a pause that did not let the WAL start afresh. */
  readonly retryMs?: number;
}

/**
 * Takes WAL checkpoints of a SQLite file off the event loop, in a worker
 * thread with its own connection. SQLite's automatic checkpoint runs inside
 * the COMMIT that crosses `wal_autocheckpoint` pages, on the committing
 * thread, and with `synchronous=NORMAL` it waits for two fsyncs there: under
 * load that stalls every request for milliseconds at a time. The caller turns
 * the automatic checkpoint off on its own connection. On Linux, where each
 * thread has its own nice value, the worker runs at nice 10: on a busy
 * machine its checkpoints wait for the event loop's thread, not the reverse.
 *
 * With `pauseWrites`, the writer pauses for a last checkpoint whenever the
 * WAL has grown past `restartFrames`, so that it starts afresh (see the
 * worker's source): a pause of some 50 ms (the last checkpoint and its two
 * fsyncs) once per 256 MiB written, every 10 to 12 s under the login bench.
 *
 * Errors of the worker are reported to `onError`; the caller then turns the
 * automatic checkpoint back on, so the WAL never grows without bound.
 */
export function startWalCheckpointer(
  file: string,
  onError: (error: Error) => void,
  options: WalCheckpointerOptions = {},
): WalCheckpointer {
  const { idleMs = 100, pauseWrites, restartFrames = 65_536, retryMs = 1_000 } = options;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      driver,
      idleMs,
      niceness: 10,
      pauses: pauseWrites !== undefined,
      restartFrames,
      retryMs,
    },
  });
  // A checkpointer must never keep the process alive on its own.
  worker.unref();
  /** Lets the writer go on; set while it is paused. */
  let resume: (() => void) | undefined;
  /** Once stopping, no pause starts and none is left held. */
  let stopping = false;
  const release = () => {
    resume?.();
    resume = undefined;
  };
  const fail = (error: Error) => onError(new Error(`WAL checkpoint failed: ${error.message}`));
  worker.on('message', (message: unknown) => {
    if (message === 'pause' && pauseWrites && !stopping) {
      pauseWrites().then(
        (resumeWrites) => {
          // Stopped meanwhile: the worker will not answer.
          if (stopping) return resumeWrites();
          resume = resumeWrites;
          worker.postMessage('paused');
        },
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
      );
    } else if (message === 'checkpointed') {
      release();
    }
  });
  worker.on('error', fail);
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      // A worker gone while the writer waits for it must not hold the writer up.
      stopping = true;
      release();
      resolve();
    }),
  );
  return {
    async stop() {
      stopping = true;
      // Held open until the worker has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
