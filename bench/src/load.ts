import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder } from './latency.js';

/** One unit of work of one client; throws when the server answered wrongly. */
export type Cycle = (client: number) => Promise<void>;

/** What a load run measured inside its window. */
export interface LoadResult {
  /** Cycles that ended inside the measured window. */
  readonly cycles: number;
  readonly seconds: number;
  readonly cyclesPerSecond: number;
  /** Milliseconds, over the cycles of the window. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Failed cycles over the whole run (warm-up included), by reason. */
  readonly errors: Readonly<Record<string, number>>;
  readonly errorCount: number;
}

/**
 * Runs `clients` concurrent loops of `cycle` (each awaits its cycle before
 * starting the next, a closed-loop load), for `warmupMs` unmeasured and then
 * `measureMs` measured. A cycle counts when it ends inside the window; its
 * latency is from its start to its end. `onWindow` is told when the window
 * opens and closes (to sample the server's CPU time then); `signal` stops the
 * loops early.
 */
export async function runLoad(options: {
  clients: number;
  warmupMs: number;
  measureMs: number;
  cycle: Cycle;
  onWindow?: (edge: 'start' | 'end') => void;
  signal?: AbortSignal;
}): Promise<LoadResult> {
  const { clients, warmupMs, measureMs, cycle, onWindow, signal } = options;
  const latencies = new LatencyRecorder();
  const errors: Record<string, number> = {};
  let errorCount = 0;
  const begin = performance.now();
  const windowStart = begin + warmupMs;
  const windowEnd = windowStart + measureMs;
  const timers = onWindow
    ? [
        setTimeout(() => onWindow('start'), warmupMs),
        setTimeout(() => onWindow('end'), warmupMs + measureMs),
      ]
    : [];

  const loop = async (client: number) => {
    while (!signal?.aborted && performance.now() < windowEnd) {
      const started = performance.now();
      try {
        await cycle(client);
      } catch (error) {
        const reason = describeError(error);
        errors[reason] = (errors[reason] ?? 0) + 1;
        errorCount += 1;
        // A refused connection fails at once; do not spin on it.
        await sleep(10);
        continue;
      }
      const ended = performance.now();
      if (ended >= windowStart && ended < windowEnd) latencies.record(ended - started);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
  for (const timer of timers) clearTimeout(timer);

  const seconds = measureMs / 1000;
  const [p50 = Number.NaN, p99 = Number.NaN, max = Number.NaN] = latencies.percentiles(50, 99, 100);
  return {
    cycles: latencies.count,
    seconds,
    cyclesPerSecond: latencies.count / seconds,
    p50,
    p99,
    max,
    errors,
    errorCount,
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
