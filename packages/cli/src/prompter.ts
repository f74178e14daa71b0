import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/**
 * Asks a person for what a command is missing, on stderr, reading stdin through one readline
 * interface for the whole run (several interfaces on one stream would lose typed-ahead lines).
 * Hidden answers (PINs) are not echoed.
 */
export class Prompter {
  readonly #io: CliIo;
  #readline: Interface | undefined;
  #muted = false;

  constructor(io: CliIo) {
    this.#io = io;
  }

  /**
   * Asks one question and returns the answer, trimmed unless hidden.
   *
   * @throws {@link CliError} `ERR_CANCELLED` when the person presses Ctrl-C or stdin ends.
   */
  async ask(question: string, options: { hidden?: boolean } = {}): Promise<string> {
    const readline = this.#open();
    const hidden = options.hidden === true;
    const controller = new AbortController();
    const cancel = () => controller.abort();
    readline.once('SIGINT', cancel);
    readline.once('close', cancel);
    try {
      if (hidden) {
        this.#io.stderr.write(question);
        this.#muted = true;
      }
      const answer = await readline.question(hidden ? '' : question, { signal: controller.signal });
      return hidden ? answer : answer.trim();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new CliError('ERR_CANCELLED', 'cancelled', { cause: error });
      }
      throw error;
    } finally {
      readline.off('SIGINT', cancel);
      readline.off('close', cancel);
      if (hidden) {
        this.#muted = false;
        // The Enter that ended the answer was not echoed either.
        this.#io.stderr.write('\n');
      }
    }
  }

  /** Releases stdin; the prompter may not be used afterwards. */
  close(): void {
    this.#readline?.close();
    this.#readline = undefined;
  }

  #open(): Interface {
    if (this.#readline === undefined) {
      const output = new Writable({
        write: (chunk: Buffer | string, _encoding, done) => {
          if (!this.#muted) this.#io.stderr.write(chunk.toString());
          done();
        },
      });
      // In terminal mode readline echoes what is typed through `output`, which is muted for a
      // hidden answer; without a terminal nothing is echoed at all.
      const terminal = (this.#io.stdin as { isTTY?: boolean }).isTTY === true;
      this.#readline = createInterface({ input: this.#io.stdin, output, terminal, historySize: 0 });
    }
    return this.#readline;
  }
}

/** How to obtain one input a command needs. */
export interface InputSpec {
  /** The command, for the message: `register`. */
  readonly command: string;
  /** The flag that gives the input, as the person would type it: `--email`. */
  readonly flag: string;
  /** The question asked in a terminal: `Email`. */
  readonly question: string;
  readonly hidden?: boolean;
}

/**
 * Returns `value` when the flag was given; otherwise asks in a terminal (again while the answer
 * is empty), and without a terminal fails with a {@link UsageError} naming the flag, so that a
 * script never hangs on a prompt.
 *
 * @example
 * ```ts
 * const email = await inputOrAsk(io, prompter, values.email, {
 *   command: 'activate', flag: '--email', question: 'Email',
 * });
 * ```
 */
export async function inputOrAsk(
  io: CliIo,
  prompter: Prompter,
  value: string | undefined,
  spec: InputSpec,
): Promise<string> {
  if (value !== undefined) return value;
  if (!io.isTTY) {
    throw new UsageError(`${spec.command}: missing ${spec.flag}`);
  }
  for (;;) {
    const answer = await prompter.ask(`${spec.question}: `, { hidden: spec.hidden === true });
    if (answer !== '') return answer;
  }
}
