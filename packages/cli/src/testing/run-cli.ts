import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../cli-io.js';
import { run } from '../run.js';

/** What one in-process run of `cipherpad` gave. */
export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A run in progress: its output so far, and stdin to type into. */
export interface CliSession {
  readonly stdin: PassThrough;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr matches `pattern` (a prompt was shown). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly done: Promise<CliResult>;
}

export interface CliOptions {
  /** Whether a person is at the keyboard; false unless set. */
  readonly isTTY?: boolean;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

const made: string[] = [];

/**
 * A home directory of its own, so that no test ever reads or writes the real
 * `~/.cipherpad`. Removed by `cleanup`.
 */
export const testHome = mkdtempSync(join(tmpdir(), 'cipherpad-cli-home-'));
made.push(testHome);

/** Starts `cipherpad argv` in-process with its own streams and environment. */
export function startCli(argv: readonly string[], options: CliOptions = {}): CliSession {
  let out = '';
  let err = '';
  const stdin = new PassThrough();
  const io: CliIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin,
    isTTY: options.isTTY === true,
    // Never the environment of the test process: CIPHERPAD_* there must not leak in.
    env: { HOME: testHome, ...options.env },
    cwd: options.cwd ?? testHome,
  };
  const done = run(argv, io).then((status) => ({ status, stdout: out, stderr: err }));
  return {
    stdin,
    stdout: () => out,
    stderr: () => err,
    async waitForStderr(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(err)) {
        if (Date.now() > deadline) {
          throw new Error(`stderr never matched ${pattern}; it was:\n${err}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    done,
  };
}

/** Runs `cipherpad argv` in-process to the end, with nothing on stdin. */
export async function cli(argv: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const session = startCli(argv, options);
  session.stdin.end();
  return session.done;
}

/** A fresh directory for state files and images; removed by `cleanup`. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cipherpad-cli-test-'));
  made.push(dir);
  return dir;
}

/** Removes the directories made by {@link tempDir} and {@link testHome}: call it in `afterAll`. */
export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
