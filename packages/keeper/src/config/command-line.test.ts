import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { KEEPER_USAGE } from './command-line.js';

// The built keeper, as `npm start` runs it.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const KEEPER_DOC = fileURLToPath(new URL('../../../../docs/keeper.md', import.meta.url));

let cwd = '';

afterEach(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  cwd = '';
});

/** Runs the built keeper in an empty folder with only PATH set; a live server is killed after 5 s. */
function keeper(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build the keeper with \`npx tsc -b\` first`);
  }
  cwd = mkdtempSync(join(tmpdir(), 'keeper-main-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      // Port 0: a keeper started by mistake takes a free port and is killed by the timeout.
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', KEEPER_PORT: '0' },
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

describe('cipherpad-keeper --help', () => {
  for (const flag of ['--help', '-h']) {
    it(`${flag} prints the usage and exits 0 without making a data folder`, async () => {
      const result = await keeper([flag]);
      expect(result).toEqual({ status: 0, stdout: KEEPER_USAGE, stderr: '' });
      expect(readdirSync(cwd)).toEqual([]);
    });
  }

  it('refuses an unknown argument with exit status 2, touching nothing', async () => {
    const result = await keeper(['start']);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: 'cipherpad-keeper: unknown argument "start" (--help lists what it takes)\n',
    });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('names every setting that docs/keeper.md lists, and points there', () => {
    const table = readFileSync(KEEPER_DOC, 'utf8').split('## Running it')[1]?.split('\n## ')[0];
    const names = [...(table ?? '').matchAll(/`((?:KEEPER|CIPHERPAD)_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) expect([name, KEEPER_USAGE.includes(name!)]).toEqual([name, true]);
    expect(KEEPER_USAGE).toContain('docs/keeper.md');
  });
});
