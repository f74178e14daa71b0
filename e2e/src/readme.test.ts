import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningService } from './support/service.js';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The first ```sh block after a heading of the README, as a person would copy it. */
function shellBlockAfter(heading: string): string {
  const at = README.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README has no "${heading}"`);
  const start = README.indexOf('```sh\n', at);
  const end = README.indexOf('\n```', start + 6);
  if (start < 0 || end < 0) throw new Error(`no sh block after "${heading}"`);
  return README.slice(start + 6, end + 1);
}

/**
 * Runs `script` with bash, as pasted into a terminal in a folder of the
 * repository (where `npx cipherpad` finds the workspace's CLI), stopping at
 * the first failing command or unset variable.
 */
async function paste(script: string, cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${script}`], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd },
      encoding: 'utf8',
      timeout: 90_000,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`the pasted script failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

// Asynchronous child processes throughout: the service runs in this process.
describe('the README, pasted', () => {
  let service: RunningService;
  let folder: string;

  beforeAll(async () => {
    service = await RunningService.start();
    mkdirSync(join(ROOT, '.scratch'), { recursive: true });
    folder = mkdtempSync(join(ROOT, '.scratch', 'readme-'));
  });

  afterAll(async () => {
    await service?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('walks through register, activate and log in with the CLI', async () => {
    const walk = shellBlockAfter('## Walk-through: register, activate and log in with the CLI');
    // The walk-through talks to `npm start`'s port; this service has its own.
    expect(walk.split(DEFAULT_URL)).toHaveLength(2);
    const { stdout, stderr } = await paste(walk.replace(DEFAULT_URL, service.url), folder);

    expect(stdout).toContain('Activated device');
    expect(stdout).toMatch(/challenge: \d{8}\n/);
    // Three logins verified: typed, from the QR image, and in Payment mode.
    expect(stdout.match(/^Signed in as alice@example\.com /gm) ?? []).toHaveLength(3);
    // Scanning the payment QR image shows what is asked, then prints the response.
    expect(stdout).toMatch(/^\d{8}$/m);
    expect(stderr).toContain('Z123456789012');
    expect(stderr).toMatch(/10[.,]50?\b/);
  });

  it('computes the RFC 6287 example it shows', async () => {
    const block = shellBlockAfter(
      '`--no-input`). `cipherpad ocra` is a plain RFC 6287 calculator:',
    );
    const [command, expected] = block.split('\n# ');
    const { stdout } = await paste(command ?? '', folder);
    expect(stdout.trim()).toBe(expected?.trim());
    expect(stdout.trim()).toBe('237653');
  });
});
