import { readFileSync } from 'node:fs';
import { CipherpadError } from '@cipherpad/core';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import type { Command } from './command.js';
import { formatFlags, NO_INPUT_FLAG, SERVER_FLAG, STATE_FLAG } from './command-args.js';
import { activateCommand } from './commands/activate.js';
import { loginCommand } from './commands/login.js';
import { ocraCommand } from './commands/ocra.js';
import { outboxCommand } from './commands/outbox.js';
import { registerCommand } from './commands/register.js';
import { respondCommand } from './commands/respond.js';
import { scanCommand } from './commands/scan.js';
import { statusCommand } from './commands/status.js';
import { Prompter } from './prompter.js';
import { UsageError } from './usage-error.js';

/** Every command, in the order `cipherpad help` lists them. */
const COMMANDS: readonly Command[] = [
  registerCommand,
  activateCommand,
  respondCommand,
  scanCommand,
  statusCommand,
  loginCommand,
  outboxCommand,
  ocraCommand,
];

const USAGE = `Usage: cipherpad <command> [flags]

A terminal authenticator for Cipherpad: register an account, activate this computer as a
device, and answer challenges and QR codes offline.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)}${command.summary}`).join('\n')}
  help      Show how to use a command: cipherpad help <command>

Common flags (ocra takes only --no-input and --help):
${formatFlags([SERVER_FLAG, STATE_FLAG, NO_INPUT_FLAG, ['--help', 'show how to use the command']])}

In a terminal, a command asks for the inputs it was not given. Without a terminal, or with
--no-input, it never asks: a missing input is a usage error that names its flag (register
keeps the registration waiting for its codes instead).

cipherpad --version prints the version. CIPHERPAD_DEBUG=1 shows the stack of an error.
Exit status: 0 done, 1 refused or failed, 2 wrong usage.`;

/**
 * Runs `cipherpad` with its arguments (without `node` and the script) and returns the exit
 * status: 0 on success, 2 for a usage mistake, 1 for a refusal or any other failure. Errors
 * are reported on one line on `io.stderr` (a usage mistake with the `cipherpad help` to read),
 * with the stack only when `CIPHERPAD_DEBUG=1`.
 *
 * @example
 * ```ts
 * const status = await run(['respond', '12345678', '--state', file], io);
 * ```
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const prompter = new Prompter(io);
  const command = COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (name === undefined) {
      io.stderr.write(`${USAGE}\n`);
      return 2;
    }
    if (name === '--version' || name === '-V') {
      io.stdout.write(`cipherpad ${version()}\n`);
      return 0;
    }
    if (name === 'help' || name === '--help' || name === '-h') {
      const topic = name === 'help' ? rest[0] : undefined;
      if (topic === undefined) {
        io.stdout.write(`${USAGE}\n`);
        return 0;
      }
      const about = COMMANDS.find((candidate) => candidate.name === topic);
      if (about === undefined) throw new UsageError(`help: unknown command "${topic}"`);
      io.stdout.write(`${about.usage}\n`);
      return 0;
    }
    if (command === undefined) {
      throw new UsageError(`unknown command "${name}"`);
    }
    if (asksForHelp(rest)) {
      io.stdout.write(`${command.usage}\n`);
      return 0;
    }
    await command.run(rest, { io, prompter });
    return 0;
  } catch (error) {
    return report(error, io, command);
  } finally {
    prompter.close();
  }
}

function report(error: unknown, io: CliIo, command: Command | undefined): number {
  if (io.env.CIPHERPAD_DEBUG === '1') {
    io.stderr.write(`${describeForDebug(error)}\n`);
  }
  if (error instanceof UsageError) {
    // One line, the hint included, as for every other failure.
    const help = `cipherpad help${command ? ` ${command.name}` : ''}`;
    io.stderr.write(`cipherpad: ${oneLine(error.message)} (see ${help})\n`);
    return 2;
  }
  if (error instanceof CliError || error instanceof CipherpadError) {
    io.stderr.write(`cipherpad: ${oneLine(error.message)} (${error.code})\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`cipherpad: ${oneLine(message)}\n`);
  return 1;
}

// `--help` anywhere before a `--` asks for the command's usage.
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function describeForDebug(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('Caused by:');
  }
  return parts.join('\n');
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function version(): string {
  // dist/run.js and src/run.ts both sit one level below package.json.
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String(manifest.version);
}
