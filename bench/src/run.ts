/**
 * `npm run bench`: the login-cycle benchmark of issue point 11, confirmed
 * transfers through the demo keeper, and the phone app's size and speed.
 *
 * Concurrent clients (64 by default) run full logins (start, OCRA response,
 * verify) over keep-alive HTTP/1.1 against the real server, started as a
 * child process (`packages/server/dist/main.js`), first on a fresh SQLite
 * file, then on a fresh PostgreSQL database; then the same load generator
 * measures a bare Fastify server answering an empty POST, the baseline. On
 * each database a new server is then killed with SIGKILL under load, and
 * every login and session it acknowledged must be in the database afterwards.
 *
 * The report gives cycles/s, p50 and p99 latency (medians over the runs),
 * the server's peak RSS, CPU use, errors, the baseline ratio and whether the
 * targets were met.
 *
 * The `transfers-sqlite` and `transfers-postgres` targets (transfers.ts)
 * measure confirmed transfers per second: the service and the demo keeper
 * (packages/keeper/dist/main.js) run as child processes on fresh databases
 * (SQLite files in one temporary folder, or two new PostgreSQL databases),
 * the keeper registered as a site (`site add --out`), one account per client
 * enrolled with a device, signed into the keeper (the first login approved
 * online with a signed device request, which records the consent) and its
 * transfers set to need Cipherpad confirmation. Each client then loops, as
 * the wallet page and the phone do: POST /api/transfers (Idempotency-Key, a
 * payment to the next account's purse) → `held` with the challenge and URI;
 * the Payment-mode response for the challenge, amount and purse of that URI;
 * POST /api/transfers/:id/confirm → the keeper verifies at the service and
 * commits the ledger → `completed`. The report gives transfers/s, p50, p99,
 * the CPU of the service, the keeper, the load generator and the rest of the
 * machine, both processes' peak RSS and the keeper's ledger audit after the
 * load (auditLedger()), and judges at least 1,000 transfers/s on SQLite.
 *
 * The `app` target (app-speed.ts) gzips the phone app's built JavaScript
 * (packages/app/dist: the first screen's part, the lazily loaded chunks, the
 * service worker), then starts the service as a child process, registers an
 * account through its API and activates the app without a PIN in Debian's
 * Chromium (headless, mobile emulation). It times, in the page, a first open in
 * a fresh context until Welcome is usable, reopens of the activated app until
 * the challenge field is usable (its service worker running, or stopped
 * first), and the response appearing after the eighth digit is typed;
 * medians over `--app-runs`. Without Chromium that part is skipped, with the
 * reason printed.
 *
 * The exit code is 1 on a failed cycle, a lost write, a broken ledger rule or
 * a failed app measurement, 0 otherwise, even when a target is missed: it is
 * a measurement.
 *
 * ```sh
 * npm run bench                                  # npm run build, then everything: about 2 minutes
 * npm run bench -- --only sqlite,baseline --runs 1 --seconds 5
 * npm run bench -- --only app --app-runs 11        # the phone app only
 * npm run bench -- --only transfers-sqlite --runs 1 --seconds 5
 * npm run bench -- --only transfers-sqlite --cpu-prof /tmp/prof   # then profile-top.js on
 *                                      # server-transfers-sqlite.cpuprofile, keeper-transfers-sqlite.cpuprofile
 * npm run --silent bench -- --json > bench.json
 * CIPHERPAD_BENCH_POSTGRES_URL=postgres://user:pw@host/db npm run bench
 * npm run bench -- --only sqlite --cpu-prof /tmp/prof   # profile the server under load, then:
 * node bench/dist/profile-top.js /tmp/prof/server-sqlite.cpuprofile
 * ```
 *
 * PostgreSQL (logins and transfers) is skipped, with the reason printed, when
 * it cannot be reached.
 */
import { type AppResult, benchApp } from './app-speed.js';
import { createPostgresDatabase, createSqliteDatabase } from './bench-database.js';
import { describeMachine } from './machine.js';
import type { TargetResult } from './measure.js';
import { parseOptions, USAGE } from './options.js';
import {
  type BenchSummary,
  formatReport,
  judgeAppGoals,
  judgeGoals,
  judgeTransferGoals,
  loginOk,
  type Skipped,
  transfersOk,
} from './report.js';
import { benchBaseline, benchLogin, type LoginTargetResult } from './targets.js';
import { benchTransfers, type TransferTargetResult } from './transfers.js';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parsed;
  const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const machine = describeMachine();
  const load =
    options.sqlite ||
    options.postgres ||
    options.baseline ||
    options.transfersSqlite ||
    options.transfersPostgres;
  progress(
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${load ? `${options.clients} clients, ` : ''}server LOG_LEVEL=${options.logLevel}`,
  );

  let sqlite: LoginTargetResult | Skipped | null = null;
  let postgres: LoginTargetResult | Skipped | null = null;
  let baseline: TargetResult | null = null;
  if (options.sqlite) sqlite = await benchLogin(createSqliteDatabase(), options, progress);
  if (options.postgres) {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
    try {
      database = await createPostgresDatabase(options.postgresUrl);
    } catch (error) {
      const reason = `cannot create a database on ${redact(options.postgresUrl)}: ${(error as Error).message}`;
      progress(`PostgreSQL skipped: ${reason}`);
      postgres = { skipped: reason };
    }
    if (database) postgres = await benchLogin(database, options, progress);
  }
  if (options.baseline) baseline = await benchBaseline(options, progress);
  let transfersSqlite: TransferTargetResult | Skipped | null = null;
  let transfersPostgres: TransferTargetResult | Skipped | null = null;
  if (options.transfersSqlite) {
    const database = createSqliteDatabase();
    transfersSqlite = await benchTransfers(
      { cipherpad: database, keeper: database },
      options,
      progress,
    );
  }
  if (options.transfersPostgres) {
    const created: Awaited<ReturnType<typeof createPostgresDatabase>>[] = [];
    try {
      created.push(await createPostgresDatabase(options.postgresUrl));
      created.push(await createPostgresDatabase(options.postgresUrl));
    } catch (error) {
      for (const database of created) await database.drop();
      created.length = 0;
      const reason = `cannot create a database on ${redact(options.postgresUrl)}: ${(error as Error).message}`;
      progress(`transfers PostgreSQL skipped: ${reason}`);
      transfersPostgres = { skipped: reason };
    }
    const [cipherpad, keeper] = created;
    if (cipherpad && keeper) {
      transfersPostgres = await benchTransfers({ cipherpad, keeper }, options, progress);
    }
  }
  // Last, on a machine the login servers have left quiet.
  let app: AppResult | null = null;
  if (options.app) app = await benchApp(options, progress);

  const transfers =
    transfersSqlite || transfersPostgres
      ? {
          sqlite: transfersSqlite,
          postgres: transfersPostgres,
          goals: judgeTransferGoals(transfersSqlite),
        }
      : null;
  const ok =
    loginOk(sqlite, postgres, baseline) &&
    transfersOk(transfers) &&
    !(app !== null && 'failed' in app.speed);
  const { json: _json, postgresUrl: _url, ...settings } = options;
  const summary: BenchSummary = {
    machine,
    settings,
    sqlite,
    postgres,
    baseline,
    goals: judgeGoals(sqlite, postgres),
    transfers,
    app: app && { ...app, goals: judgeAppGoals(app) },
    ok,
  };
  process.stdout.write(
    options.json ? `${JSON.stringify(summary, null, 2)}\n` : `\n${formatReport(summary)}\n`,
  );
  return ok ? 0 : 1;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
