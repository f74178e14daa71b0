import { fileURLToPath } from 'node:url';
import type { BenchDatabase } from './bench-database.js';
import { checkDurability, type DurabilityResult } from './durability.js';
import { enrollAccounts } from './enroll.js';
import { emptyPostCycle, loginCycle } from './login-cycle.js';
import { measure, type RunResult, type TargetResult } from './measure.js';
import type { BenchOptions } from './options.js';
import { ServerProcess } from './server-process.js';

const SERVER_MAIN = fileURLToPath(new URL('../../packages/server/dist/main.js', import.meta.url));
const BASELINE_MAIN = fileURLToPath(new URL('./baseline-server.js', import.meta.url));

/** Progress lines, to stderr so that `--json` keeps stdout clean. */
export type Progress = (line: string) => void;

/** The login benchmark on one database, and the kill -9 check on it. */
export interface LoginTargetResult extends TargetResult {
  readonly dialect: BenchDatabase['dialect'];
  readonly database: string;
  readonly accounts: number;
  readonly durability: DurabilityResult | null;
}

/**
 * Enrols one account per client on the fresh `database`, starts the server
 * as a child process on it, measures login cycles, stops it; then, when
 * asked, starts it again and checks durability across a kill -9. The
 * database is dropped at the end whatever happens.
 */
export async function benchLogin(
  database: BenchDatabase,
  options: BenchOptions,
  progress: Progress,
): Promise<LoginTargetResult> {
  const name = database.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  try {
    progress(`${name}: enrolling ${options.clients} accounts in-process…`);
    const accounts = await enrollAccounts(database.env, options.clients);
    const env = { ...database.env, LOG_LEVEL: options.logLevel };
    const nodeArgs = options.cpuProfileDir
      ? [
          '--cpu-prof',
          '--cpu-prof-dir',
          options.cpuProfileDir,
          '--cpu-prof-name',
          `server-${database.dialect}.cpuprofile`,
        ]
      : [];
    const server = await ServerProcess.start({ script: SERVER_MAIN, env, nodeArgs });
    let result: TargetResult;
    try {
      progress(`${name}: server pid ${server.pid} on port ${server.port}, measuring…`);
      result = await measure({
        server,
        clients: options.clients,
        warmupMs: options.warmupSeconds * 1000,
        measureMs: options.seconds * 1000,
        runs: options.runs,
        cycle: (http) => loginCycle(http, accounts),
        onRun: (index, run) => progress(`${name}: run ${index + 1}: ${describeRun(run)}`),
      });
    } finally {
      await server.stop();
    }

    let durability: DurabilityResult | null = null;
    if (options.durability) {
      const again = await ServerProcess.start({ script: SERVER_MAIN, env });
      try {
        progress(`${name}: durability: loading a new server (pid ${again.pid}), kill -9 in 3 s…`);
        durability = await checkDurability({
          server: again,
          database,
          accounts,
          clients: options.clients,
          killAfterMs: 3000,
        });
        progress(
          `${name}: durability: ${durability.acknowledged} acknowledged writes, ${durability.found} found after kill -9`,
        );
      } finally {
        await again.stop();
      }
    }
    return {
      ...result,
      dialect: database.dialect,
      database: database.description,
      accounts: accounts.length,
      durability,
    };
  } finally {
    await database.drop();
  }
}

/** The bare-HTTP baseline: the same load generator against an empty Fastify POST handler. */
export async function benchBaseline(
  options: BenchOptions,
  progress: Progress,
): Promise<TargetResult> {
  const server = await ServerProcess.start({ script: BASELINE_MAIN, env: {} });
  try {
    progress(`baseline: server pid ${server.pid} on port ${server.port}, measuring…`);
    return await measure({
      server,
      clients: options.clients,
      warmupMs: options.warmupSeconds * 1000,
      measureMs: options.seconds * 1000,
      runs: options.runs,
      cycle: emptyPostCycle,
      onRun: (index, run) => progress(`baseline: run ${index + 1}: ${describeRun(run)}`),
    });
  } finally {
    await server.stop();
  }
}

function describeRun(run: RunResult): string {
  return [
    `${run.cyclesPerSecond.toFixed(0)} cycles/s`,
    `p50 ${run.p50.toFixed(2)} ms`,
    `p99 ${run.p99.toFixed(2)} ms`,
    `server CPU ${run.serverCpuPercent.toFixed(0)}% (sys ${run.serverSystemCpuPercent.toFixed(0)}%)`,
    `load CPU ${run.loadCpuPercent.toFixed(0)}%`,
    `other CPU ${run.otherCpuPercent.toFixed(0)}%, steal ${run.stealPercent.toFixed(0)}%`,
    `peak RSS ${run.peakRssMb.toFixed(0)} MB`,
    `errors ${run.errorCount}`,
  ].join(', ');
}
