import { HttpClient } from './http-client.js';
import { type Cycle, type LoadResult, runLoad } from './load.js';
import { machineCpuSeconds, type ServerProcess } from './server-process.js';

/** One measured window, with what the two processes spent in it. */
export interface RunResult extends LoadResult {
  /** CPU the server used in the window, in % of one core (200 % = both cores of a 2-core machine). */
  readonly serverCpuPercent: number;
  /** Of which in the kernel (system calls: the sockets, the database file). */
  readonly serverSystemCpuPercent: number;
  /** CPU the bench process (the load generator) used in the window, same unit. */
  readonly loadCpuPercent: number;
  /**
   * CPU the rest of the machine used in the window (other processes, the
   * kernel's interrupts), same unit: more than a few % means the run was
   * disturbed. Plus what the hypervisor stole from this VM.
   */
  readonly otherCpuPercent: number;
  readonly stealPercent: number;
  /** The server's VmHWM after the run. */
  readonly peakRssMb: number;
  /**
   * The same for the process behind the server, when there is one (the
   * Cipherpad service behind the keeper); its CPU is not in `otherCpuPercent`.
   */
  readonly backendCpuPercent?: number;
  readonly backendSystemCpuPercent?: number;
  readonly backendPeakRssMb?: number;
}

/** All runs against one server, and their medians. */
export interface TargetResult {
  readonly runs: readonly RunResult[];
  readonly median: {
    readonly cyclesPerSecond: number;
    readonly p50: number;
    readonly p99: number;
    readonly serverCpuPercent: number;
    readonly serverSystemCpuPercent: number;
    readonly loadCpuPercent: number;
    readonly otherCpuPercent: number;
    readonly backendCpuPercent?: number;
    readonly backendSystemCpuPercent?: number;
  };
  /** The highest VmHWM seen: the server's peak RSS over its whole life. */
  readonly peakRssMb: number;
  /** The same for the process behind the server, when there is one. */
  readonly backendPeakRssMb?: number;
  readonly errorCount: number;
  readonly errors: Readonly<Record<string, number>>;
}

/**
 * Runs `runs` times a warm-up then a measured window of `clients` concurrent
 * cycles against a server that is already listening, sampling the CPU time of
 * both processes at the window's edges and the server's memory after each run.
 * `backend` is a second process the server itself calls (the Cipherpad
 * service behind the keeper), measured the same way.
 */
export async function measure(options: {
  server: ServerProcess;
  backend?: ServerProcess;
  clients: number;
  warmupMs: number;
  measureMs: number;
  runs: number;
  cycle: (http: HttpClient) => Cycle;
  onRun?: (index: number, run: RunResult) => void;
}): Promise<TargetResult> {
  const { server, backend, clients, runs } = options;
  const zero = { user: 0, system: 0 };
  const http = new HttpClient({ host: server.host, port: server.port }, clients);
  const cycle = options.cycle(http);
  const results: RunResult[] = [];
  try {
    for (let index = 0; index < runs; index++) {
      let serverCpu = zero;
      let backendCpu = zero;
      let loadCpu = 0;
      let machine = { busy: 0, steal: 0 };
      let windowStartedAt = 0;
      let windowSeconds = 0;
      const load = await runLoad({
        clients,
        warmupMs: options.warmupMs,
        measureMs: options.measureMs,
        cycle,
        onWindow: (edge) => {
          const now = performance.now();
          const cpu = process.cpuUsage();
          const loadSeconds = (cpu.user + cpu.system) / 1e6;
          if (edge === 'start') {
            windowStartedAt = now;
            serverCpu = server.cpuSeconds();
            backendCpu = backend?.cpuSeconds() ?? zero;
            loadCpu = loadSeconds;
            machine = machineCpuSeconds();
          } else {
            windowSeconds = (now - windowStartedAt) / 1000;
            const after = server.cpuSeconds();
            serverCpu = {
              user: after.user - serverCpu.user,
              system: after.system - serverCpu.system,
            };
            const behind = backend?.cpuSeconds() ?? zero;
            backendCpu = {
              user: behind.user - backendCpu.user,
              system: behind.system - backendCpu.system,
            };
            loadCpu = loadSeconds - loadCpu;
            const total = machineCpuSeconds();
            machine = { busy: total.busy - machine.busy, steal: total.steal - machine.steal };
          }
        },
      });
      server.assertRunning();
      backend?.assertRunning();
      const backendSeconds = backendCpu.user + backendCpu.system;
      const run: RunResult = {
        ...load,
        serverCpuPercent: percent(serverCpu.user + serverCpu.system, windowSeconds),
        serverSystemCpuPercent: percent(serverCpu.system, windowSeconds),
        loadCpuPercent: percent(loadCpu, windowSeconds),
        otherCpuPercent: percent(
          Math.max(0, machine.busy - serverCpu.user - serverCpu.system - backendSeconds - loadCpu),
          windowSeconds,
        ),
        stealPercent: percent(machine.steal, windowSeconds),
        peakRssMb: server.memory().peakRssMb,
        ...(backend
          ? {
              backendCpuPercent: percent(backendSeconds, windowSeconds),
              backendSystemCpuPercent: percent(backendCpu.system, windowSeconds),
              backendPeakRssMb: backend.memory().peakRssMb,
            }
          : {}),
      };
      results.push(run);
      options.onRun?.(index, run);
    }
  } finally {
    await http.close();
  }
  const errors: Record<string, number> = {};
  for (const run of results) {
    for (const [reason, count] of Object.entries(run.errors)) {
      errors[reason] = (errors[reason] ?? 0) + count;
    }
  }
  return {
    runs: results,
    median: {
      cyclesPerSecond: median(results.map((r) => r.cyclesPerSecond)),
      p50: median(results.map((r) => r.p50)),
      p99: median(results.map((r) => r.p99)),
      serverCpuPercent: median(results.map((r) => r.serverCpuPercent)),
      serverSystemCpuPercent: median(results.map((r) => r.serverSystemCpuPercent)),
      loadCpuPercent: median(results.map((r) => r.loadCpuPercent)),
      otherCpuPercent: median(results.map((r) => r.otherCpuPercent)),
      ...(backend
        ? {
            backendCpuPercent: median(results.map((r) => r.backendCpuPercent ?? Number.NaN)),
            backendSystemCpuPercent: median(
              results.map((r) => r.backendSystemCpuPercent ?? Number.NaN),
            ),
          }
        : {}),
    },
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    ...(backend
      ? { backendPeakRssMb: Math.max(...results.map((r) => r.backendPeakRssMb ?? 0)) }
      : {}),
    errorCount: results.reduce((sum, r) => sum + r.errorCount, 0),
    errors,
  };
}

function percent(cpuSeconds: number, wallSeconds: number): number {
  return wallSeconds > 0 ? (100 * cpuSeconds) / wallSeconds : Number.NaN;
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
