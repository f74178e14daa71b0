import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readServerCommand, SERVER_USAGE } from './command-line.js';

// The built service, as `npm start` and operators run it.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const OPERATIONS = fileURLToPath(new URL('../../../../docs/operations.md', import.meta.url));

let cwd = '';

afterEach(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  cwd = '';
});

/** Runs the built service in an empty folder with only PATH set; a live server is killed after 5 s. */
function server(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build the service with \`npx tsc -b\` first`);
  }
  cwd = mkdtempSync(join(tmpdir(), 'cipherpad-main-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      // PORT 0: a server started by mistake takes a free port and is killed by the timeout.
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', PORT: '0' },
        timeout: 5000,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe('cipherpad-server --help', () => {
  for (const flag of ['--help', '-h']) {
    it(`${flag} prints the usage and exits 0 without making a data folder`, async () => {
      const result = await server([flag]);
      expect(result).toEqual({ status: 0, stdout: SERVER_USAGE, stderr: '' });
      expect(readdirSync(cwd)).toEqual([]);
    });
  }

  it('refuses an unknown argument with exit status 2, touching nothing', async () => {
    const result = await server(['--port', '80']);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: 'cipherpad-server: unknown argument "--port" (--help lists what it takes)\n',
    });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('names every setting that docs/operations.md lists, and points there', () => {
    const table = readFileSync(OPERATIONS, 'utf8').split('## Configuration')[1] ?? '';
    const names = [...table.split('\n## ')[0]!.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect([name, SERVER_USAGE.includes(name!)]).toEqual([name, true]);
    expect(SERVER_USAGE).toContain('docs/operations.md');
  });
});

describe('readServerCommand', () => {
  it('serves without arguments and passes the site command its own', () => {
    expect(readServerCommand([])).toEqual({ kind: 'serve' });
    expect(readServerCommand(['site', 'list'])).toEqual({ kind: 'site', args: ['list'] });
    expect(readServerCommand(['--generate-master-key'])).toEqual({ kind: 'generate-master-key' });
  });

  it('takes help anywhere and refuses what follows --generate-master-key', () => {
    expect(readServerCommand(['--generate-master-key', '--help'])).toEqual({ kind: 'help' });
    expect(readServerCommand(['--generate-master-key', 'x'])).toEqual({
      kind: 'unknown',
      arg: 'x',
    });
    expect(readServerCommand(['serve'])).toEqual({ kind: 'unknown', arg: 'serve' });
  });
});
