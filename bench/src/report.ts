import type { AppFile, SizeTotal } from './app-size.js';
import type { AppResult, OpenResult, Spread } from './app-speed.js';
import type { Machine } from './machine.js';
import type { TargetResult } from './measure.js';
import type { BenchOptions } from './options.js';
import type { LoginTargetResult } from './targets.js';
import {
  BENCH_KEEPER_WRONG_ANSWERS,
  BENCH_SITE_REQUESTS_PER_MINUTE,
  type TransferTargetResult,
} from './transfers.js';

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
  /** Confirmed transfers through the keeper, per database, and their goal; null when not asked. */
  readonly transfers: TransferSummary | null;
  /** The phone app: its size, its speed in Chromium and its own goals; null when not asked. */
  readonly app: (AppResult & { readonly goals: readonly Goal[] }) | null;
  /**
   * No failed cycle, no lost write, no broken ledger rule, no failed app
   * measurement: what the exit code says.
   */
  readonly ok: boolean;
}

/** The transfer targets' part of the summary. */
export interface TransferSummary {
  readonly sqlite: TransferTargetResult | Skipped | null;
  readonly postgres: TransferTargetResult | Skipped | null;
  readonly goals: readonly Goal[];
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const rate = (value: number) => Math.round(value).toLocaleString('en-US');
const bytes = (value: number) => `${value.toLocaleString('en-US')} B`;
const kb = (value: number) => `${(value / 1024).toFixed(1)} KB`;
/** The app's budget, as packages/app/build.mjs checks it. */
const APP_GZIP_BUDGET = 150 * 1024;
const APP_READY_MS = 1000;
const APP_TYPED_MS = 50;

/** No failed cycle and no lost write in what the login targets measured. */
export function loginOk(
  sqlite: LoginTargetResult | Skipped | null,
  postgres: LoginTargetResult | Skipped | null,
  baseline: TargetResult | null,
): boolean {
  const logins = [sqlite, postgres].filter(
    (t): t is LoginTargetResult => t !== null && !('skipped' in t),
  );
  return (
    logins.every((t) => t.errorCount === 0 && (t.durability?.passed ?? true)) &&
    logins.every((t) => (t.durability?.errorsBeforeKill ?? 0) === 0) &&
    (baseline?.errorCount ?? 0) === 0
  );
}

/** No failed transfer cycle, and the keeper's ledger sound with every acknowledged transfer in it. */
export function transfersOk(transfers: TransferSummary | null): boolean {
  if (!transfers) return true;
  return [transfers.sqlite, transfers.postgres]
    .filter((t): t is TransferTargetResult => t !== null && !('skipped' in t))
    .every((t) => t.errorCount === 0 && t.ledger.passed);
}

/** The transfer goal: at least 1,000 confirmed transfers/s on SQLite, load generator included. */
export function judgeTransferGoals(sqlite: TransferTargetResult | Skipped | null): Goal[] {
  const lite = sqlite && !('skipped' in sqlite) ? sqlite : null;
  return [
    {
      name: 'SQLite: at least 1,000 confirmed transfers/s',
      measured: lite ? rate(lite.median.cyclesPerSecond) : null,
      met: (lite?.median.cyclesPerSecond ?? 0) >= 1000,
    },
  ];
}

/**
 * The phone app's goals: all its JavaScript at most 150 KB gzipped; ready to
 * answer within 1 s of opening (judged on a reopen of the activated app whose
 * service worker had been stopped, the slower of the two reopens); a typed
 * response in under 50 ms (from the eighth key's keydown to the response).
 */
export function judgeAppGoals(app: AppResult): Goal[] {
  const speed = 'browser' in app.speed ? app.speed : null;
  const ready = speed?.reopenWorkerStopped.drawn.median ?? null;
  const typed = speed?.typed.keyToResponse.median ?? null;
  return [
    {
      name: 'app: JavaScript at most 150 KB gzipped',
      measured: kb(app.size.total.gzipBytes),
      met: app.size.total.gzipBytes <= APP_GZIP_BUDGET,
    },
    {
      name: 'app: ready to answer within 1 s of opening',
      measured: ready === null ? null : ms(ready),
      met: ready !== null && ready <= APP_READY_MS,
    },
    {
      name: 'app: typed response in under 50 ms',
      measured: typed === null ? null : ms(typed),
      met: typed !== null && typed < APP_TYPED_MS,
    },
  ];
}

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
  const login = summary.sqlite !== null || summary.postgres !== null || summary.baseline !== null;
  const parts = [
    login ? 'login cycles' : null,
    summary.transfers ? 'confirmed transfers' : null,
    summary.app ? 'the phone app' : null,
  ].filter((part) => part !== null);
  const title =
    parts.length === 1 && login
      ? 'Cipherpad login-cycle benchmark'
      : parts.length === 1 && summary.app
        ? 'Cipherpad phone app benchmark'
        : `Cipherpad benchmark: ${parts.join(parts.length > 2 ? ', ' : ' and ').replace(/, ([^,]*)$/, ' and $1')}`;
  out(title);
  out('='.repeat(title.length));
  out(
    `Machine   ${machine.cpu}, ${machine.cores} cores (os.cpus()), ${machine.memoryGb.toFixed(1)} GB, ${machine.os}`,
  );
  out(`Software  Node ${machine.node}, Fastify ${machine.fastify}`);
  if (login) formatLogin(summary, out);
  if (summary.transfers) formatTransfers(summary.transfers, settings, out);
  if (summary.app) formatApp(summary.app, settings.appRuns, out);
  out();
  const appFailed = summary.app !== null && 'failed' in summary.app.speed;
  if (summary.ok) {
    out(
      login
        ? 'Result: no failed cycle, no lost write.'
        : summary.transfers
          ? 'Result: no failed transfer, the ledger sound.'
          : 'Result: no error.',
    );
  } else {
    const failures = [
      loginOk(summary.sqlite, summary.postgres, summary.baseline) ? null : 'errors or lost writes',
      transfersOk(summary.transfers) ? null : 'failed transfers or a broken ledger rule',
      appFailed ? 'the phone app’s measurement failed' : null,
    ].filter((failure) => failure !== null);
    out(`Result: FAILED (${failures.join('; ')}: see above).`);
  }
  out('Options: npm run bench -- --help');
  return lines.join('\n');
}

/** The login targets' part of the report. */
function formatLogin(summary: BenchSummary, out: (line?: string) => void): void {
  const { machine, settings } = summary;
  out(
    `Load      ${settings.clients} concurrent clients in the bench process (sharing the machine with the server),`,
  );
  out('          each on its own account and its own keep-alive HTTP/1.1 connection (the');
  out('          bench’s lean client, no pipelining), each looping on a closed cycle (next cycle');
  out('          after the last).');
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
}

/** The transfer targets' part of the report. */
function formatTransfers(
  transfers: TransferSummary,
  settings: BenchSummary['settings'],
  out: (line?: string) => void,
): void {
  const paragraph = (label: string, text: readonly string[]) => labelled(out, label, text);
  out();
  out('Confirmed transfers (the demo keeper relying on the service)');
  paragraph('Processes', [
    'node packages/server/dist/main.js (the service) and node packages/keeper/dist/main.js',
    `(the keeper), child processes, LOG_LEVEL and KEEPER_LOG_LEVEL=${settings.logLevel}, logs to /dev/null;`,
    'the keeper registered as a site with `site add --out`, reaching the service over',
    'its confirmation API on 127.0.0.1; the service runs with',
    `SITE_REQUESTS_PER_MINUTE=${BENCH_SITE_REQUESTS_PER_MINUTE}, because this one site carries every`,
    'client’s load (the default, 60,000 a minute, would stop it at 500 transfers/s), and',
    `the keeper with KEEPER_WRONG_ANSWERS_PER_ADDRESS=${BENCH_KEEPER_WRONG_ANSWERS}, because every client`,
    'confirms from 127.0.0.1 (each answer still takes and gives back its allowance)',
  ]);
  paragraph('Load', [
    `${settings.clients} concurrent clients in the bench process (sharing the machine with both), each`,
    'its own account (enrolled with a device, signed into the keeper, its transfers set',
    'to need Cipherpad confirmation) on its own keep-alive HTTP/1.1 connection to the',
    'keeper, in a closed loop, paying 0.01 Z to the next account’s purse.',
    'Transfer = POST /api/transfers (Idempotency-Key) → held, with the challenge and URI',
    '(the keeper creates a payment confirmation at the service); the Payment-mode OCRA',
    'response for the URI’s challenge, amount and purse (the question’s SHA-256 and the',
    'HMAC-SHA-256 by node:crypto);',
    'POST /api/transfers/:id/confirm → completed (the keeper verifies at the service and',
    'commits the ledger). Latency from the first request to the second answer.',
  ]);
  paragraph('Method', [
    `per target, ${settings.runs} runs of ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured; medians over the runs;`,
    'CPU in % of one core from /proc, per transfer in µs; peak RSS is each process’s',
    'VmHWM, the highest over its life',
  ]);
  for (const target of [transfers.sqlite, transfers.postgres]) {
    if (target === null) continue;
    out();
    if ('skipped' in target) {
      out(`PostgreSQL: skipped (${target.skipped})`);
      continue;
    }
    out(target.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL');
    out(`  service      ${target.database}`);
    out(`  keeper       ${target.keeperDatabase}`);
    formatTransferTarget(target, out, target.dialect === 'postgres');
  }
  out();
  out(
    settings.clients === 64
      ? 'Targets (confirmed transfers, at 64 clients)'
      : `Targets (confirmed transfers, asked at 64 clients; this run used ${settings.clients})`,
  );
  for (const goal of transfers.goals) {
    const verdict = goal.measured === null ? '  -   ' : goal.met ? 'met   ' : 'MISSED';
    out(`  ${verdict}  ${goal.name.padEnd(46)} ${goal.measured ?? 'not measured'}`);
  }
}

function formatTransferTarget(
  target: TransferTargetResult,
  out: (line: string) => void,
  othersAreDatabase: boolean,
): void {
  const { median } = target;
  const runs = target.runs.map((run) => rate(run.cyclesPerSecond)).join(', ');
  const perTransfer = (percent: number) =>
    `${((percent * 10_000) / median.cyclesPerSecond).toFixed(0)} µs`;
  const service = median.backendCpuPercent ?? Number.NaN;
  out(`  transfers/s  ${rate(median.cyclesPerSecond)} (runs: ${runs})`);
  out(`  latency      p50 ${ms(median.p50)}, p99 ${ms(median.p99)}`);
  out(
    `  p99 by run   ${target.runs.map((run) => ms(run.p99)).join(', ')}; max ${ms(Math.max(...target.runs.map((r) => r.max)))}`,
  );
  out(
    `  peak RSS     service ${(target.backendPeakRssMb ?? Number.NaN).toFixed(0)} MB, keeper ${target.peakRssMb.toFixed(0)} MB`,
  );
  out(
    `  CPU          service ${service.toFixed(0)}% (of which kernel ${(median.backendSystemCpuPercent ?? Number.NaN).toFixed(0)}%), keeper ${median.serverCpuPercent.toFixed(0)}% (kernel ${median.serverSystemCpuPercent.toFixed(0)}%),`,
  );
  out(
    `               load generator ${median.loadCpuPercent.toFixed(0)}%, other ${median.otherCpuPercent.toFixed(0)}%`,
  );
  out(
    `  per transfer service ${perTransfer(service)}, keeper ${perTransfer(median.serverCpuPercent)}, load generator ${perTransfer(median.loadCpuPercent)} of CPU`,
  );
  const reasons = Object.entries(target.errors)
    .map(([reason, count]) => `${count} × ${reason}`)
    .join('; ');
  out(`  errors       ${target.errorCount}${reasons ? ` (${reasons})` : ''}`);
  const { ledger } = target;
  out(
    `  ledger       ${ledger.passed ? 'PASS' : 'FAIL'}: auditLedger() ${ledger.problems.length === 0 ? 'finds every rule holding' : `finds ${ledger.problems.length} problems (${ledger.problems.slice(0, 3).join('; ')})`};`,
  );
  out(
    `               ${ledger.completed} completed transfers stored, ${ledger.acknowledged} acknowledged (warm-ups included), ${ledger.held} held`,
  );
  const disturbed = target.runs.filter((run) => run.otherCpuPercent > DISTURBED_PERCENT);
  if (!othersAreDatabase && disturbed.length > 0) {
    const worst = Math.max(...disturbed.map((run) => run.otherCpuPercent));
    out(
      `  WARNING      other processes used up to ${worst.toFixed(0)}% CPU in ${disturbed.length} of ${target.runs.length} runs: these figures are lower than on a quiet machine`,
    );
  }
}

/** A labelled paragraph: the label, then its lines under one another. */
function labelled(out: (line?: string) => void, label: string, text: readonly string[]): void {
  for (const [index, line] of text.entries()) {
    out(`  ${(index === 0 ? label : '').padEnd(13)}${line}`);
  }
}

const spreadText = (s: Spread, digits = 1) =>
  `median ${s.median.toFixed(digits)} ms (min ${s.min.toFixed(digits)}, max ${s.max.toFixed(digits)} ms)`;

/** The phone app's part of the report. */
function formatApp(
  app: NonNullable<BenchSummary['app']>,
  runs: number,
  out: (line?: string) => void,
): void {
  const { size, speed } = app;
  const paragraph = (label: string, text: readonly string[]) => labelled(out, label, text);
  out();
  out(
    'browser' in speed
      ? `Phone app (packages/app/dist, in Chromium ${speed.browser} headless, ${speed.executable})`
      : 'Phone app (packages/app/dist)',
  );
  paragraph('Size', [
    'every .js file under dist/, each gzipped alone at zlib level 9 (as it is served);',
    '1 KB = 1,024 B, as packages/app/build.mjs counts its budget',
  ]);
  const part = (label: string, total: SizeTotal, names: string) =>
    out(
      `    ${label.padEnd(15)}${bytes(total.bytes).padStart(10)} raw, ${bytes(total.gzipBytes).padStart(8)} gzip (${kb(total.gzipBytes)})${names ? `: ${names}` : ''}`,
    );
  const names = (which: AppFile['part']) =>
    size.files
      .filter((f) => f.part === which)
      .map((f) => f.file)
      .join(', ');
  part('all', size.total, `${size.total.files} files`);
  part('first screen', size.firstScreen, names('first-screen'));
  part('lazy', size.lazy, names('lazy'));
  part('service worker', size.serviceWorker, names('service-worker'));
  paragraph('', [
    '(first screen: what index.html loads, its module script and modulepreloads with',
    'their static imports; lazy: chunks loaded by import() when needed, such as the',
    'QR scanner; service worker: sw.js, registered once the app runs)',
  ]);

  if ('skipped' in speed) {
    paragraph('Speed', [`skipped: ${speed.skipped}`]);
  } else if ('failed' in speed) {
    paragraph('Speed', [`FAILED: ${speed.failed}`]);
  } else {
    const { phone, typed } = speed;
    paragraph('Browser', [
      `mobile emulation: ${phone.viewport.width}×${phone.viewport.height} CSS px, device scale factor ${phone.deviceScaleFactor}, touch,`,
      `an Android Chrome user agent, ${phone.locale}; no CPU or network throttling: this`,
      "machine's CPU, and the service on 127.0.0.1 (loopback, no network delay)",
    ]);
    paragraph('Service', [
      'node packages/server/dist/main.js as a child process, development mode, SQLite',
      'in a temporary data dir; one account registered through the API (codes read',
      'from the development outbox); the app activated through its screens, no PIN',
    ]);
    paragraph('Method', [
      `${runs} runs of each; times taken in the page with performance.now(), in ms since`,
      'performance.timeOrigin (the start of the navigation). An init script, run before',
      "the app's own, watches the document with a MutationObserver and notes when the",
      "awaited control is in it, rendered (checkVisibility) and enabled: 'ready'; then",
      'the end of the next frame (a message posted from requestAnimationFrame):',
      "'drawn', the figure judged. 'From page.goto' is the bench's own view, from",
      'Date.now() before page.goto to the drawn frame: a check on the navigation start.',
    ]);
    formatOpen(
      'First open',
      [
        'in a fresh context each time (no cache, no service worker, nothing stored),',
        "until Welcome's Activate button is drawn",
      ],
      speed.firstOpen,
      out,
    );
    formatOpen(
      'Reopen',
      [
        'a new tab on the activated app, its service worker still running from the',
        'previous open, until the challenge field is drawn',
      ],
      speed.reopen,
      out,
    );
    formatOpen(
      'Idle reopen',
      [
        'the same after stopping the service worker (DevTools protocol,',
        'ServiceWorker.stopAllWorkers), as when the app was left a while: the figure',
        'judged. The two kinds alternate, a Reopen first: the first reopen after',
        'activation, often the slowest, counts as a Reopen',
      ],
      speed.reopenWorkerStopped,
      out,
    );
    paragraph('Typed', [
      'clear (auth-clear); start a login through the API (8 random digits); type the',
      'first 7 with real key events (page.keyboard); install the observers; press the',
      "8th. From the 8th key's keydown (its event.timeStamp) to the response's",
      'data-value being set (MutationObserver on auth-response): the figure judged',
    ]);
    out(`    key → response     ${spreadText(typed.keyToResponse, 2)}`);
    out(`    keydown handler    ${spreadText(typed.keydownToResponse, 2)}`);
    out(`    input event        ${spreadText(typed.inputToResponse, 2)}`);
    out(`    key → drawn        ${spreadText(typed.keyToDrawn, 2)}`);
    out(
      `    checked            ${typed.accepted} of ${typed.runs.length} responses accepted by the service (POST /v1/logins/:id/verify)`,
    );
    paragraph('CPU', [
      `other processes ${speed.otherCpuPercent.toFixed(0)}% of one core meanwhile (all but the bench, the service and`,
      `Chromium, from /proc), hypervisor steal ${speed.stealPercent.toFixed(0)}%`,
    ]);
    if (speed.otherCpuPercent > DISTURBED_PERCENT) {
      paragraph('WARNING', [
        `other processes used ${speed.otherCpuPercent.toFixed(0)}% CPU during the measurement: these times are longer`,
        'than on a quiet machine',
      ]);
    }
  }
  out();
  out('Targets (the phone app)');
  for (const goal of app.goals) {
    const verdict = goal.measured === null ? '  -   ' : goal.met ? 'met   ' : 'MISSED';
    out(`  ${verdict}  ${goal.name.padEnd(46)} ${goal.measured ?? 'not measured'}`);
  }
}

function formatOpen(
  label: string,
  what: readonly string[],
  result: OpenResult,
  out: (line?: string) => void,
): void {
  labelled(out, label, what);
  out(`    drawn              ${spreadText(result.drawn)}`);
  out(`    ready              ${spreadText(result.ready)}`);
  out(
    `    on the way         HTML received ${result.html.median.toFixed(1)} ms, DOMContentLoaded ${result.domContentLoaded.median.toFixed(1)} ms (medians)`,
  );
  out(`    from page.goto     ${spreadText(result.fromGoto)}`);
  out(`    service worker     served ${result.controlled} of ${result.runs.length} opens`);
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
