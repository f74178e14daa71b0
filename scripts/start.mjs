// `npm start`: the Cipherpad service and the demo keeper, in one terminal.
// 1. starts the service (packages/server/dist/main.js) and waits for its health check;
// 2. registers the keeper as a site once (`site add --if-missing`), with its
//    webhook URL, writing its credentials to <data>/keeper-site.json;
// 3. starts the keeper (packages/keeper/dist/main.js), which reads that file.
// Ctrl-C (or SIGTERM) stops both; if either stops by itself, the other is stopped too.
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = join(root, 'packages/server/dist/main.js');
const keeperMain = join(root, 'packages/keeper/dist/main.js');
const env = process.env;
const host = env.HOST?.trim() || '127.0.0.1';
const port = env.PORT?.trim() || '8080';
const serviceUrl = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
const dataDir = resolve(
  root,
  env.KEEPER_DATA_DIR?.trim() || env.CIPHERPAD_DATA_DIR?.trim() || 'data',
);
const siteFile = env.KEEPER_SITE_FILE?.trim() || join(dataDir, 'keeper-site.json');
const keeperHost = env.KEEPER_HOST?.trim() || '127.0.0.1';
const keeperUrl = `http://${keeperHost === '0.0.0.0' || keeperHost === '::' ? '127.0.0.1' : keeperHost}:${env.KEEPER_PORT?.trim() || '8081'}`;
// The demo keeper receives its webhooks on loopback, an inside address the
// service refuses unless told otherwise: in development only, and only when
// the operator has not decided it.
const serviceEnv =
  env.CIPHERPAD_ENV?.trim() !== 'production' && env.WEBHOOK_ALLOW_INTERNAL === undefined
    ? { WEBHOOK_ALLOW_INTERNAL: 'true' }
    : {};

const children = new Set();
let stopping = false;

function run(name, args, extraEnv = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: 'inherit',
  });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      process.stderr.write(
        `start: the ${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest\n`,
      );
      stop(typeof code === 'number' && code !== 0 ? code : 1);
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  if (children.size === 0) process.exit(code);
  for (const child of children) child.kill('SIGTERM');
  // A child that does not stop within 10 s is killed.
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code);
  }, 10_000).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitForService() {
  for (let i = 0; i < 200 && !stopping; i += 1) {
    try {
      const answer = await fetch(`${serviceUrl}/health`, { signal: AbortSignal.timeout(1000) });
      if (answer.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 150));
  }
  return false;
}

run('service', [server], serviceEnv);
if (!(await waitForService())) {
  process.stderr.write(`start: the service did not answer at ${serviceUrl}/health\n`);
  stop(1);
} else if (!stopping) {
  const added = spawnSync(
    process.execPath,
    [
      server,
      'site',
      'add',
      '--name',
      'Keeper Demo',
      '--webhook-url',
      `${keeperUrl}/webhooks/cipherpad`,
      '--if-missing',
      '--out',
      siteFile,
    ],
    {
      cwd: root,
      env: { ...env, ...serviceEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    },
  );
  if (added.status !== 0) {
    process.stderr.write(
      `start: could not register the keeper with the service (${(added.stderr || '').trim() || `exit code ${added.status}`}); ` +
        'the keeper starts without Cipherpad login (see docs/keeper.md)\n',
    );
  }
  run('keeper', [keeperMain], {
    CIPHERPAD_URL: env.CIPHERPAD_URL?.trim() || serviceUrl,
    KEEPER_SITE_FILE: siteFile,
    KEEPER_DATA_DIR: dataDir,
  });
}
