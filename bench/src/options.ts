import { parseArgs } from 'node:util';

/** What one `npm run bench` measures, from its command-line flags. */
export interface BenchOptions {
  /** Concurrent clients, each looping on its own account and keep-alive connection. */
  readonly clients: number;
  /** Load before each measured window, not counted. */
  readonly warmupSeconds: number;
  /** Length of one measured window. */
  readonly seconds: number;
  /** Measured windows per target; the report gives the median. */
  readonly runs: number;
  /** The server's LOG_LEVEL during the measurement. */
  readonly logLevel: string;
  /** Which targets to measure. */
  readonly sqlite: boolean;
  readonly postgres: boolean;
  readonly baseline: boolean;
  readonly durability: boolean;
  /** Confirmed transfers through the keeper and the service, on SQLite and on PostgreSQL. */
  readonly transfersSqlite: boolean;
  readonly transfersPostgres: boolean;
  readonly app: boolean;
  /** Opens and typed responses measured in the phone app; the report gives the median. */
  readonly appRuns: number;
  /** The Chromium the phone app is measured in; when it is missing, that part is skipped. */
  readonly chromium: string;
  /** Where PostgreSQL is; the bench creates and drops its own database there. */
  readonly postgresUrl: string;
  /** Print the summary as JSON instead of the text report. */
  readonly json: boolean;
  /** Run the server (and keeper) children under `node --cpu-prof`, profiles written here. */
  readonly cpuProfileDir: string | null;
}

export const USAGE = `Usage: npm run bench -- [options]

  --clients N        concurrent clients (default 64)
  --seconds S        measured window per run (default 10)
  --warmup S         warm-up before each run, not measured (default 2)
  --runs N           runs per target; the median is reported (default 3)
  --log-level L      the server's LOG_LEVEL (default info, the server's own default)
  --only LIST        comma-separated subset of sqlite,postgres,baseline,durability,
                     transfers-sqlite,transfers-postgres,app
                     (durability: the kill -9 check on each measured login database;
                     transfers-sqlite, transfers-postgres: confirmed transfers through
                     the demo keeper and the service, both on that database: create,
                     Payment-mode response, verify at the service, ledger commit;
                     app: the phone app's JavaScript size, and in Chromium's mobile
                     emulation its opening time and typed-response time)
  --app-runs N       opens and typed responses measured in the phone app; the median
                     is reported (default 7)
  --postgres-url U   PostgreSQL to create the bench database on
                     (default: $CIPHERPAD_BENCH_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --cpu-prof DIR     run the login servers, and the service and the keeper of the
                     transfer targets, under node --cpu-prof, writing profiles to DIR
  --json             print a JSON summary instead of the text report
  --help             this text

The app measurement uses $CIPHERPAD_CHROMIUM or /usr/bin/chromium; without it the
app's speed is skipped (its size is still measured).`;

const TARGETS = [
  'sqlite',
  'postgres',
  'baseline',
  'durability',
  'transfers-sqlite',
  'transfers-postgres',
  'app',
] as const;

/**
 * Reads the flags; a wrong one throws an Error whose message names it.
 *
 * @example
 * ```ts
 * parseOptions(['--clients', '32', '--only', 'sqlite,baseline']);
 * ```
 */
export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      clients: { type: 'string', default: '64' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      runs: { type: 'string', default: '3' },
      'app-runs': { type: 'string', default: '7' },
      'log-level': { type: 'string', default: 'info' },
      only: { type: 'string', default: TARGETS.join(',') },
      'postgres-url': { type: 'string' },
      'cpu-prof': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const number = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`--${name} must be a number from ${min} to ${max} (got "${text}")`);
    }
    return value;
  };
  const only = new Set(values.only.split(',').map((name) => name.trim()));
  for (const name of only) {
    if (!(TARGETS as readonly string[]).includes(name)) {
      throw new Error(`--only takes ${TARGETS.join(', ')} (got "${name}")`);
    }
  }
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(values['log-level'])) {
    throw new Error(`--log-level must be one of ${levels.join(', ')}`);
  }
  return {
    clients: Math.round(number('clients', values.clients, 1, 1024)),
    seconds: number('seconds', values.seconds, 0.5, 3600),
    warmupSeconds: number('warmup', values.warmup, 0, 600),
    runs: Math.round(number('runs', values.runs, 1, 100)),
    logLevel: values['log-level'],
    sqlite: only.has('sqlite'),
    postgres: only.has('postgres'),
    baseline: only.has('baseline'),
    durability: only.has('durability'),
    transfersSqlite: only.has('transfers-sqlite'),
    transfersPostgres: only.has('transfers-postgres'),
    app: only.has('app'),
    appRuns: Math.round(number('app-runs', values['app-runs'], 1, 100)),
    chromium: env.CIPHERPAD_CHROMIUM?.trim() || '/usr/bin/chromium',
    postgresUrl:
      values['postgres-url'] ??
      (env.CIPHERPAD_BENCH_POSTGRES_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres'),
    json: values.json,
    cpuProfileDir: values['cpu-prof'] ?? null,
  };
}
