import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ComputeResponseOptions, computeResponse } from '@cipherpad/core';
import { auditLedger, openDatabase } from '@cipherpad/keeper';
import { deviceAuthorization } from '@cipherpad/server/testing';
import type { BenchDatabase } from './bench-database.js';
import { type BenchAccount, enrollAccounts } from './enroll.js';
import type { HttpClient } from './http-client.js';
import type { Cycle } from './load.js';
import { refusal } from './login-cycle.js';
import { measure, type RunResult, type TargetResult } from './measure.js';
import type { BenchOptions } from './options.js';
import { freePort, inheritedEnv, ServerProcess } from './server-process.js';

const SERVER_MAIN = fileURLToPath(new URL('../../packages/server/dist/main.js', import.meta.url));
const KEEPER_MAIN = fileURLToPath(new URL('../../packages/keeper/dist/main.js', import.meta.url));

/** What one transfer pays: the smallest amount, so the demo money lasts any run. */
const AMOUNT = '0.01';

/**
 * The service's per-site limit during the transfer bench: the bench keeper is
 * one site carrying every client's load, two requests per transfer, so the
 * default (60,000 a minute) would cap it at 500 transfers/s once its bucket
 * ran dry. The limit is configuration; the bench measures capacity.
 */
export const BENCH_SITE_REQUESTS_PER_MINUTE = 6_000_000;

/**
 * The keeper's wrong answers allowed per client address, for the bench.
 * Every client confirms from 127.0.0.1, and an answer holds one of its
 * address's allowances while the keeper asks Cipherpad: with the default
 * (20), more than 20 confirmations in flight at once from that one address
 * would be refused. The read of the address's count still runs for every
 * confirmation, so its cost is measured.
 */
export const BENCH_KEEPER_WRONG_ANSWERS = 100_000;

/** The confirmed-transfer benchmark on one database (the service's and the keeper's). */
export interface TransferTargetResult extends TargetResult {
  readonly dialect: BenchDatabase['dialect'];
  /** The service's database and the keeper's. */
  readonly database: string;
  readonly keeperDatabase: string;
  readonly accounts: number;
  /** The keeper's ledger after the load: auditLedger()'s findings and the counts. */
  readonly ledger: LedgerCheck;
}

/** The keeper's ledger checked after the measurement. */
export interface LedgerCheck {
  /** Transfers the keeper answered `completed` to the load generator, warm-ups included. */
  readonly acknowledged: number;
  /** Completed transfers between the bench's purses in the keeper's database. */
  readonly completed: number;
  /** Held transfers left (a cycle cut by the end of a run leaves none: each awaits its confirm). */
  readonly held: number;
  /** What auditLedger() found wrong: empty when every rule holds. */
  readonly problems: readonly string[];
  /** No problem, and every acknowledged transfer stored as completed. */
  readonly passed: boolean;
}

/** A signed-in payer as the keeper's page holds it. */
interface Payer {
  readonly account: BenchAccount;
  /** `cookie: keeper_session=…` and `x-csrf-token: …`, as prepared header lines. */
  readonly headers: string;
  /** The payer's Z purse, which the others pay. */
  readonly purse: string;
}

type Progress = (line: string) => void;

/**
 * Starts the Cipherpad service and the keeper as child processes on fresh
 * databases (`cipherpad` for the service, `keeper` for the keeper, both
 * dropped at the end whatever happens), registers the keeper as a site,
 * enrols one account per client with a device, signs each into the keeper
 * (its first login approved online in the "app", which records the consent
 * to the site), turns Cipherpad confirmation of transfers on for each, and
 * measures confirmed transfers: create (held), Payment-mode response,
 * confirm (verified at Cipherpad, committed in the keeper's ledger). Then
 * checks the ledger.
 */
export async function benchTransfers(
  databases: { cipherpad: BenchDatabase; keeper: BenchDatabase },
  options: BenchOptions,
  progress: Progress,
): Promise<TransferTargetResult> {
  const { cipherpad: database, keeper: keeperDatabase } = databases;
  const name = `transfers ${database.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`;
  const dataDir = database.env.CIPHERPAD_DATA_DIR;
  if (!dataDir) throw new Error('the bench database has no data dir');
  const keeperDataDir = keeperDatabase.env.CIPHERPAD_DATA_DIR ?? dataDir;
  const keeperLocation =
    keeperDatabase.dialect === 'postgres' && keeperDatabase.env.DATABASE_URL
      ? {
          dialect: 'postgres' as const,
          url: keeperDatabase.env.DATABASE_URL,
          poolSize: 2,
        }
      : { dialect: 'sqlite' as const, file: join(keeperDataDir, 'keeper.db') };
  const cpuProf = (process: string) =>
    options.cpuProfileDir
      ? [
          '--cpu-prof',
          '--cpu-prof-dir',
          options.cpuProfileDir,
          '--cpu-prof-name',
          `${process}-transfers-${database.dialect}.cpuprofile`,
        ]
      : [];
  let service: ServerProcess | null = null;
  let keeper: ServerProcess | null = null;
  try {
    // Two accounts at least: each pays another one's purse.
    const count = Math.max(2, options.clients);
    progress(`${name}: enrolling ${count} accounts in-process…`);
    const accounts = await enrollAccounts(database.env, count);

    const siteFile = join(dataDir, 'keeper-site.json');
    const added = spawnSync(
      process.execPath,
      [SERVER_MAIN, 'site', 'add', '--name', 'Keeper Bench', '--if-missing', '--out', siteFile],
      {
        env: { ...inheritedEnv(), ...database.env, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      },
    );
    if (added.status !== 0) {
      throw new Error(`site add failed (${added.status}): ${added.stderr.trim()}`);
    }

    service = await ServerProcess.start({
      script: SERVER_MAIN,
      env: {
        ...database.env,
        LOG_LEVEL: options.logLevel,
        SITE_REQUESTS_PER_MINUTE: String(BENCH_SITE_REQUESTS_PER_MINUTE),
      },
      nodeArgs: cpuProf('server'),
    });
    const serviceUrl = `http://${service.host}:${service.port}`;
    const keeperPort = await freePort();
    keeper = await ServerProcess.start({
      script: KEEPER_MAIN,
      port: keeperPort,
      env: {
        KEEPER_ENV: 'development',
        KEEPER_HOST: '127.0.0.1',
        KEEPER_PORT: String(keeperPort),
        KEEPER_DATA_DIR: keeperDataDir,
        KEEPER_SITE_FILE: siteFile,
        KEEPER_LOG_LEVEL: options.logLevel,
        CIPHERPAD_URL: serviceUrl,
        KEEPER_WRONG_ANSWERS_PER_ADDRESS: String(BENCH_KEEPER_WRONG_ANSWERS),
        ...(keeperLocation.dialect === 'postgres'
          ? { KEEPER_DATABASE_URL: keeperLocation.url }
          : {}),
      },
      nodeArgs: cpuProf('keeper'),
    });
    const keeperUrl = `http://${keeper.host}:${keeperPort}`;

    progress(`${name}: signing ${count} accounts into the keeper, confirmation on…`);
    const signedIn: { account: BenchAccount; headers: string }[] = [];
    for (let first = 0; first < count; first += 16) {
      const batch = accounts
        .slice(first, first + 16)
        .map((account) => signIn(keeperUrl, serviceUrl, account));
      signedIn.push(...(await Promise.all(batch)));
    }
    const payers: Payer[] = await Promise.all(
      signedIn.map(async ({ account, headers }) => ({
        account,
        headers,
        purse: await zPurse(keeperUrl, headers),
      })),
    );

    const tally = { completed: 0 };
    progress(
      `${name}: service pid ${service.pid} on port ${service.port}, keeper pid ${keeper.pid} on port ${keeperPort}, measuring…`,
    );
    const result = await measure({
      server: keeper,
      backend: service,
      clients: options.clients,
      warmupMs: options.warmupSeconds * 1000,
      measureMs: options.seconds * 1000,
      runs: options.runs,
      cycle: (http) => transferCycle(http, payers, tally),
      onRun: (index, run) => progress(`${name}: run ${index + 1}: ${describeTransferRun(run)}`),
    });
    await keeper.stop();
    await service.stop();

    const ledger = await checkLedger(keeperLocation, tally.completed);
    progress(
      `${name}: ledger: ${ledger.completed} completed transfers stored, ${ledger.acknowledged} acknowledged, ${ledger.problems.length === 0 ? 'every rule holds' : `${ledger.problems.length} problems`}`,
    );
    return {
      ...result,
      dialect: database.dialect,
      database: database.description,
      keeperDatabase:
        keeperLocation.dialect === 'sqlite' ? keeperLocation.file : keeperDatabase.description,
      accounts: accounts.length,
      ledger,
    };
  } finally {
    await keeper?.stop();
    await service?.stop();
    await database.drop();
    if (keeperDatabase !== database) await keeperDatabase.drop();
  }
}

/**
 * One confirmed transfer, as the keeper's wallet page and the payer's phone
 * do it, client `n` paying the next account's Z purse: POST /api/transfers
 * (a fresh Idempotency-Key) → 201 `held` with the confirmation's challenge
 * and URI; the Payment-mode response for the challenge, amount and purse
 * read from that URI (what the phone scans); POST /api/transfers/:id/confirm
 * → 200 `completed`. Anything else throws.
 */
export function transferCycle(
  http: HttpClient,
  payers: readonly Payer[],
  tally: { completed: number },
): Cycle {
  const prefix = randomBytes(6).toString('base64url');
  let sequence = 0;
  return async (client) => {
    const payer = payers[client];
    const payee = payers[(client + 1) % payers.length];
    if (!payer || !payee) throw new Error(`no account for client ${client}`);
    sequence += 1;
    const created = await http.post(
      '/api/transfers',
      { currency: 'Z', to: payee.purse, amount: AMOUNT },
      `${payer.headers}idempotency-key: bench-${prefix}-${sequence}\r\n`,
    );
    if (created.status !== 201) throw refusal('POST /api/transfers', created);
    const transfer = JSON.parse(created.body) as {
      id: string;
      status: string;
      confirmation?: { uri?: string };
    };
    const uri = transfer.confirmation?.uri;
    if (transfer.status !== 'held' || !uri) {
      throw new Error(`POST /api/transfers: 201 ${transfer.status} without a confirmation URI`);
    }
    const query = new URLSearchParams(uri.slice(uri.indexOf('?') + 1));
    const response = await computeResponse(
      payer.account.ocraKey,
      {
        mode: 'payment',
        challenge: query.get('c') ?? '',
        amount: query.get('a') ?? '',
        purse: query.get('p') ?? '',
      },
      RESPONSE_OPTIONS,
    );
    const confirmed = await http.post(
      `/api/transfers/${transfer.id}/confirm`,
      { response },
      payer.headers,
    );
    if (confirmed.status !== 200) throw refusal('POST /api/transfers/:id/confirm', confirmed);
    const status = (JSON.parse(confirmed.body) as { status?: unknown }).status;
    if (status !== 'completed') {
      throw new Error(`POST /api/transfers/:id/confirm: 200 ${String(status)}`);
    }
    tally.completed += 1;
  };
}

/**
 * core's `computeResponse` with the question's SHA-256 from `node:crypto`
 * (one synchronous call), as the service computes it, instead of Web
 * Crypto's `subtle.digest`, which goes through the thread pool and costs the
 * load generator about 50 µs of CPU per transfer.
 */
const RESPONSE_OPTIONS: ComputeResponseOptions = {
  sha256: (data) => createHash('sha256').update(data).digest(),
};

/**
 * Signs `account` into the keeper as its login page does: POST /api/login,
 * then, this being the person's first use of the keeper, the online
 * approval in the app (a signed device request with the number to match,
 * which also records the consent to the site), then the page's status poll
 * opens the session. Then turns Cipherpad confirmation of transfers on (the
 * change confirmed with an Authorization-mode response).
 */
async function signIn(
  keeperUrl: string,
  serviceUrl: string,
  account: BenchAccount,
): Promise<{ account: BenchAccount; headers: string }> {
  const login = await call(keeperUrl, 'POST', '/api/login', { email: account.email }, {}, 201);
  const loginCookie = cookie(login.response, 'keeper_login');
  const { id, uri, matchNumber } = login.json as { id: string; uri: string; matchNumber: string };
  const requestId = new URLSearchParams(uri.slice(uri.indexOf('?') + 1)).get('i') ?? '';
  const path = `/v1/device/requests/${encodeURIComponent(requestId)}/approve`;
  const body = JSON.stringify({ number: String(matchNumber) });
  const authorization = await deviceAuthorization(
    { deviceId: account.deviceId, signingKey: account.signingKey },
    'POST',
    path,
    Date.now(),
    body,
  );
  const approved = await fetch(`${serviceUrl}${path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body,
  });
  if (approved.status !== 200) {
    throw new Error(`setup: POST ${path} answered ${approved.status} ${await approved.text()}`);
  }
  const status = await call(
    keeperUrl,
    'GET',
    `/api/login/${id}/status?wait=5`,
    undefined,
    { cookie: `keeper_login=${loginCookie}` },
    200,
  );
  const { signedIn, csrfToken } = status.json as { signedIn?: boolean; csrfToken?: string };
  if (!signedIn || !csrfToken) throw new Error(`setup: ${account.email} was not signed in`);
  const session = { cookie: `keeper_session=${cookie(status.response, 'keeper_session')}` };
  const signed = { ...session, 'x-csrf-token': csrfToken };

  const change = await call(
    keeperUrl,
    'POST',
    '/api/settings/changes',
    { method: 'cipherpad' },
    signed,
    201,
  );
  const { id: changeId, challenge } = change.json as { id: string; challenge: string };
  const response = await computeResponse(account.ocraKey, { mode: 'authorization', challenge });
  const applied = await call(
    keeperUrl,
    'POST',
    `/api/settings/changes/${changeId}/verify`,
    { response },
    signed,
    200,
  );
  const settings = (applied.json as { settings?: { method?: string } }).settings;
  if (settings?.method !== 'cipherpad') {
    throw new Error(`setup: confirmation not turned on for ${account.email}`);
  }
  return {
    account,
    headers: `cookie: ${session.cookie}\r\nx-csrf-token: ${csrfToken}\r\n`,
  };
}

/** The Z purse of the signed-in account (the demo money is there from its first login). */
async function zPurse(keeperUrl: string, headers: string): Promise<string> {
  const cookieLine = /^cookie: (.*)$/m.exec(headers)?.[1]?.trim() ?? '';
  const wallet = await call(
    keeperUrl,
    'GET',
    '/api/wallet',
    undefined,
    { cookie: cookieLine },
    200,
  );
  const purses = (wallet.json as { purses: { purse: string; currency: string }[] }).purses;
  const purse = purses.find((p) => p.currency === 'Z')?.purse;
  if (!purse) throw new Error('setup: no Z purse');
  return purse;
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  json: unknown,
  headers: Record<string, string>,
  expected: number,
): Promise<{ response: Response; json: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`setup: ${method} ${path.split('?')[0]} answered ${response.status} ${text}`);
  }
  return { response, json: JSON.parse(text) };
}

/** A cookie's value from the answer's Set-Cookie headers. */
function cookie(response: Response, name: string): string {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    if (pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  throw new Error(`setup: no ${name} cookie`);
}

/** Opens the keeper's database after its process has stopped and runs auditLedger(). */
async function checkLedger(
  location: Parameters<typeof openDatabase>[0],
  acknowledged: number,
): Promise<LedgerCheck> {
  const handle = openDatabase(location);
  try {
    const problems = await auditLedger(handle.db);
    const count = async (status: 'completed' | 'held') => {
      const row = await handle.db
        .selectFrom('transfers')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('status', '=', status)
        .where('kind', '=', 'transfer')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const completed = await count('completed');
    const held = await count('held');
    return {
      acknowledged,
      completed,
      held,
      problems,
      passed: problems.length === 0 && completed >= acknowledged,
    };
  } finally {
    await handle.close();
  }
}

/** One run in a progress line. */
export function describeTransferRun(run: RunResult): string {
  return [
    `${run.cyclesPerSecond.toFixed(0)} transfers/s`,
    `p50 ${run.p50.toFixed(2)} ms`,
    `p99 ${run.p99.toFixed(2)} ms`,
    `service CPU ${(run.backendCpuPercent ?? 0).toFixed(0)}% (sys ${(run.backendSystemCpuPercent ?? 0).toFixed(0)}%)`,
    `keeper CPU ${run.serverCpuPercent.toFixed(0)}% (sys ${run.serverSystemCpuPercent.toFixed(0)}%)`,
    `load CPU ${run.loadCpuPercent.toFixed(0)}%`,
    `other CPU ${run.otherCpuPercent.toFixed(0)}%, steal ${run.stealPercent.toFixed(0)}%`,
    `peak RSS service ${(run.backendPeakRssMb ?? 0).toFixed(0)} MB, keeper ${run.peakRssMb.toFixed(0)} MB`,
    `errors ${run.errorCount}`,
  ].join(', ');
}
