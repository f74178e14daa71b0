/** Where a command writes its output. `process.stdout` is one; tests pass a collector. */
export interface OutputStream {
  write(text: string): unknown;
}

/**
 * Everything a command touches outside its arguments, so that tests run commands in-process
 * with their own streams, environment and working directory.
 *
 * @example
 * ```ts
 * const io: CliIo = {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   stdin: process.stdin,
 *   isTTY: process.stdin.isTTY === true,
 *   env: process.env,
 *   cwd: process.cwd(),
 * };
 * ```
 */
export interface CliIo {
  readonly stdout: OutputStream;
  /** Messages for the person, prompts and errors: stdout stays clean for scripts. */
  readonly stderr: OutputStream;
  readonly stdin: NodeJS.ReadableStream;
  /** Whether a person is at the keyboard: only then are missing inputs asked for. */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths (`--state`, `--qr`, a PNG to scan) are resolved against. */
  readonly cwd: string;
}
