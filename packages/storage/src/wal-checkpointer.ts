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
 * writer needs; when it has caught up, the next writer starts the WAL from
 * its beginning again. While there was work it goes on at once, otherwise it
 * looks again after `idleMs`.
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
function run() {
  if (stopped) return;
  // An error ends the worker; the main thread sees it as the worker's 'error'.
  const [result] = checkpoint.all();
  const busy = result.log > 0 && result.checkpointed < result.log;
  timer = setTimeout(run, busy ? 10 : workerData.idleMs);
}
parentPort.on('message', () => {
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
run();
`;

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
 * Errors of the worker are reported to `onError`; the caller then turns the
 * automatic checkpoint back on, so the WAL never grows without bound.
 */
export function startWalCheckpointer(
  file: string,
  onError: (error: Error) => void,
  idleMs = 100,
): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, idleMs, niceness: 10 },
  });
  // A checkpointer must never keep the process alive on its own.
  worker.unref();
  const fail = (error: Error) => onError(new Error(`WAL checkpoint failed: ${error.message}`));
  worker.on('error', fail);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Held open until the worker has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
