import type { CliIo } from './cli-io.js';
import type { Prompter } from './prompter.js';

/** What a command runs with besides its arguments. */
export interface CommandContext {
  readonly io: CliIo;
  /**
   * Asks a person for missing inputs; use it only when `io.isTTY` (see `inputOrAsk`), in the
   * context given by `applyNoInput` so that `--no-input` is obeyed.
   */
  readonly prompter: Prompter;
}

/**
 * One `cipherpad` command. It writes its results to `io.stdout` and talks to the person on
 * `io.stderr`; it throws a `UsageError` for a mistake in how it was called and a `CliError`
 * for any other failure.
 */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** What `cipherpad help <name>` prints. */
  readonly usage: string;
  run(argv: readonly string[], context: CommandContext): Promise<void>;
}
