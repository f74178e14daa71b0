import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/service.js';

const ROOT = resolve(import.meta.dirname, '../..');
const START = join(ROOT, 'scripts/start.mjs');

/** Whether something answers 200 at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function waitUntilAnswering(url: string, child: ChildProcess): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 200) {
    if (child.exitCode !== null) throw new Error(`start.mjs exited (${child.exitCode})`);
    if (await answers(url)) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`nothing answered at ${url}`);
}

/**
 * What `npm start` runs after building (the build is `npm test`'s own): the
 * service and the demo keeper on embedded defaults, in a data folder of
 * their own.
 */
describe('npm start', () => {
  let dataDir = '';
  let child: ChildProcess | null = null;

  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the service and the keeper on SQLite, owner-only, and SIGTERM stops both', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-start-'));
    const port = await freePort();
    const keeperPort = await freePort();
    const serviceHealth = `http://127.0.0.1:${port}/health`;
    const keeperHealth = `http://127.0.0.1:${keeperPort}/health`;
    const started = spawn(process.execPath, [START], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        KEEPER_PORT: String(keeperPort),
        CIPHERPAD_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        KEEPER_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    child = started;
    await waitUntilAnswering(serviceHealth, started);
    await waitUntilAnswering(keeperHealth, started);

    const mode = (name: string) => statSync(join(dataDir, name)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    for (const file of ['cipherpad.db', 'keeper.db', 'master.key', 'keeper-site.json']) {
      expect([file, mode(file)]).toEqual([file, 0o600]);
    }
    // The keeper gets its webhooks on loopback, which start.mjs allows in development.
    const site = JSON.parse(readFileSync(join(dataDir, 'keeper-site.json'), 'utf8'));
    expect(site.webhookUrl).toBe(`http://127.0.0.1:${keeperPort}/webhooks/cipherpad`);

    started.kill('SIGTERM');
    const [code] = await once(started, 'exit');
    expect(code).toBe(0);
    // start.mjs exits once both servers have: neither port answers any more.
    expect(await answers(serviceHealth)).toBe(false);
    expect(await answers(keeperHealth)).toBe(false);
  });

  it('hands the signals npm passes on to start.mjs, with no shell left between them', () => {
    // npm runs a script under `sh -c`, which does not pass a SIGTERM on to
    // its child: without `exec`, stopping npm (as `docker stop` or a process
    // manager does) would leave both servers running.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.scripts.start).toMatch(/&& exec node scripts\/start\.mjs$/);
  });
});
