import type { Machine } from './machine.js';
import type { TargetResult } from './measure.js';
import type { BenchOptions } from './options.js';
import type { LoginTargetResult } from './targets.js';

/** A target that was not measured, and why. */
export interface Skipped {
  readonly skipped: string;
}

/** One goal of issue point 11 and how the measurement compares. */
export interface Goal {
  readonly name: string;
  /** The measured value, as the report shows it; null when not measured. */
  readonly measured: string | null;
  readonly met: boolean;
}

/** Everything one `npm run bench` measured; `--json` prints it as is. */
export interface BenchSummary {
  readonly machine: Machine;
  readonly settings: Omit<BenchOptions, 'json' | 'postgresUrl'>;
  readonly sqlite: LoginTargetResult | Skipped | null;
  readonly postgres: LoginTargetResult | Skipped | null;
  readonly baseline: TargetResult | null;
  readonly goals: readonly Goal[];
  /** No failed cycle and no lost write: what the exit code says. */
  readonly ok: boolean;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const rate = (value: number) => Math.round(value).toLocaleString('en-US');

/** The goals of issue point 11, judged on SQLite (throughput, p99) and on every server (RSS). */
export function judgeGoals(
  sqlite: LoginTargetResult | Skipped | null,
  postgres: LoginTargetResult | Skipped | null,
): Goal[] {
  const measured = (t: LoginTargetResult | Skipped | null) => (t && !('skipped' in t) ? t : null);
  const lite = measured(sqlite);
  const servers = [lite, measured(postgres)].filter((t) => t !== null);
  const peakRss = servers.length > 0 ? Math.max(...servers.map((t) => t.peakRssMb)) : null;
  const checks = servers.flatMap((t) => (t.durability ? [t.durability] : []));
  const acknowledged = checks.reduce((sum, d) => sum + d.acknowledged, 0);
  const found = checks.reduce((sum, d) => sum + d.found, 0);
  return [
    {
      name: 'SQLite: at least 3,000 login cycles/s',
      measured: lite ? rate(lite.median.cyclesPerSecond) : null,
      met: (lite?.median.cyclesPerSecond ?? 0) >= 3000,
    },
    {
      name: 'SQLite: p99 under 25 ms',
      measured: lite ? ms(lite.median.p99) : null,
      met: lite !== null && lite.median.p99 < 25,
    },
    {
      name: 'server peak RSS under 200 MB',
      measured: peakRss === null ? null : `${peakRss.toFixed(0)} MB`,
      met: peakRss !== null && peakRss < 200,
    },
    {
      name: 'every acknowledged write survives kill -9',
      measured: checks.length > 0 ? `${found} of ${acknowledged} found` : null,
      met: checks.length > 0 && checks.every((d) => d.passed),
    },
  ];
}

/** The plain-text report. */
export function formatReport(summary: BenchSummary): string {
  const { machine, settings } = summary;
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  out('Cipherpad login-cycle benchmark');
  out('===============================');
  out(
    `Machine   ${machine.cpu}, ${machine.cores} cores (os.cpus()), ${machine.memoryGb.toFixed(1)} GB, ${machine.os}`,
  );
  out(`Software  Node ${machine.node}, Fastify ${machine.fastify}`);
  out(
    `Load      ${settings.clients} concurrent clients in the bench process (sharing the machine with the server),`,
  );
  out('          each on its own account and its own keep-alive HTTP/1.1 connection (undici');
  out(
    '          Pool, no pipelining), each looping on a closed cycle (next cycle after the last).',
  );
  out('          Login cycle = POST /v1/logins, OCRA response to the challenge (HMAC-SHA-256');
  out('          by node:crypto), POST /v1/logins/:id/verify; latency from the start of the first');
  out('          request to the end of the second answer.');
  out(
    `Method    per target, ${settings.runs} runs of ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured; cycles/s, p50 and`,
  );
  out('          p99 are the medians over the runs; peak RSS is the server process’s VmHWM');
  out('          (/proc/<pid>/status), the highest over its life; CPU is % of one core, from');
  out("          /proc ('other' = the rest of the machine: other processes, kernel threads,");
  out('          and for PostgreSQL its own server processes).');
  out(
    `Server    node packages/server/dist/main.js as a child process, LOG_LEVEL=${settings.logLevel}${settings.logLevel === 'info' ? ' (its default)' : ''}`,
  );
  out('          (its JSON log goes to /dev/null: formatted and written, not stored); accounts');
  out('          enrolled beforehand through the API of an in-process instance on the same data.');

  for (const target of [summary.sqlite, summary.postgres]) {
    if (target === null) continue;
    out();
    if ('skipped' in target) {
      out(`PostgreSQL: skipped (${target.skipped})`);
      continue;
    }
    out(`${target.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (${target.database})`);
    formatTarget(target, out, target.dialect === 'postgres');
    if (target.durability) {
      const d = target.durability;
      out(
        `  kill -9      ${d.acknowledged} acknowledged, ${d.found} found after kill -9: ${d.passed ? 'PASS' : 'FAIL'}`,
      );
      out(
        `               (sessions ${d.sessions.found}/${d.sessions.acknowledged}, login challenges ${d.challenges.found}/${d.challenges.acknowledged})`,
      );
      out(
        `               (${d.cutByKill} cycles in flight cut by the kill, ${d.errorsBeforeKill} errors before it)`,
      );
    }
  }

  if (summary.baseline) {
    out();
    out(
      `Baseline: bare Fastify ${machine.fastify}, POST / → 204, no body, no log, 2 POSTs per cycle`,
    );
    formatTarget(summary.baseline, out);
    if (summary.baseline.median.loadCpuPercent >= 90) {
      out(
        `  note         the load generator was saturated (${summary.baseline.median.loadCpuPercent.toFixed(0)}% CPU): this is the ceiling of this`,
      );
      out('               load generator on this machine, not of Fastify');
    }
    for (const target of [summary.sqlite, summary.postgres]) {
      if (target && !('skipped' in target)) {
        const ratio = target.median.cyclesPerSecond / summary.baseline.median.cyclesPerSecond;
        out(
          `  ${target.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} login / baseline: ${ratio.toFixed(2)} (${(100 * ratio).toFixed(0)}% of bare-HTTP cycles/s)`,
        );
      }
    }
  }

  out();
  out(
    settings.clients === 64
      ? 'Targets (issue point 11, at 64 clients as it asks)'
      : `Targets (issue point 11 asks for 64 clients; this run used ${settings.clients})`,
  );
  for (const goal of summary.goals) {
    const verdict = goal.measured === null ? '  -   ' : goal.met ? 'met   ' : 'MISSED';
    out(`  ${verdict}  ${goal.name.padEnd(46)} ${goal.measured ?? 'not measured'}`);
  }
  out('  (With 64 closed-loop clients the mean latency is 64 / throughput: 21 ms at 3,000');
  out('  cycles/s, so p99 < 25 ms needs both the rate and a tight spread.)');
  out();
  out(
    summary.ok
      ? 'Result: no failed cycle, no lost write.'
      : 'Result: FAILED (errors or lost writes above).',
  );
  out('Options: npm run bench -- --help');
  return lines.join('\n');
}

/** Above this, something besides the bench and the server competed for the CPU. */
const DISTURBED_PERCENT = 15;

function formatTarget(
  target: TargetResult,
  out: (line: string) => void,
  othersAreDatabase = false,
): void {
  const runs = target.runs.map((run) => rate(run.cyclesPerSecond)).join(', ');
  out(`  cycles/s     ${rate(target.median.cyclesPerSecond)} (runs: ${runs})`);
  out(`  latency      p50 ${ms(target.median.p50)}, p99 ${ms(target.median.p99)}`);
  out(
    `  p99 by run   ${target.runs.map((run) => ms(run.p99)).join(', ')}; max ${ms(Math.max(...target.runs.map((r) => r.max)))}`,
  );
  out(`  peak RSS     ${target.peakRssMb.toFixed(0)} MB (server process)`);
  out(
    `  CPU          server ${target.median.serverCpuPercent.toFixed(0)}% (of which kernel ${target.median.serverSystemCpuPercent.toFixed(0)}%), load generator ${target.median.loadCpuPercent.toFixed(0)}%, other ${target.median.otherCpuPercent.toFixed(0)}%`,
  );
  out(
    `  server CPU   ${((target.median.serverCpuPercent * 10_000) / target.median.cyclesPerSecond).toFixed(0)} µs per cycle`,
  );
  const reasons = Object.entries(target.errors)
    .map(([reason, count]) => `${count} × ${reason}`)
    .join('; ');
  out(`  errors       ${target.errorCount}${reasons ? ` (${reasons})` : ''}`);
  const disturbed = target.runs.filter((run) => run.otherCpuPercent > DISTURBED_PERCENT);
  if (!othersAreDatabase && disturbed.length > 0) {
    const worst = Math.max(...disturbed.map((run) => run.otherCpuPercent));
    out(
      `  WARNING      other processes used up to ${worst.toFixed(0)}% CPU in ${disturbed.length} of ${target.runs.length} runs: these figures are lower than on a quiet machine`,
    );
  }
}
