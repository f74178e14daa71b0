import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** The `options` of `node:util` parseArgs. */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * `--no-input`, which every command takes: never prompt, behave as without a terminal
 * (see `applyNoInput`).
 */
export const NO_INPUT_OPTION = {
  'no-input': { type: 'boolean' },
} as const satisfies OptionsConfig;

/** The flags every command that uses the state file or the server takes. */
export const COMMON_OPTIONS = {
  server: { type: 'string' },
  state: { type: 'string' },
  ...NO_INPUT_OPTION,
} as const satisfies OptionsConfig;

/** What {@link parseCommandArgs} gives: typed flag values and the other arguments. */
export type ParsedArgs<Options extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: Options; allowPositionals: true; strict: true }>
>;

/**
 * Parses a command's arguments strictly (unknown flags and missing values are usage errors),
 * allowing at most `maxPositionals` arguments that are not flags. A flag that takes a value
 * takes the next argument even when it starts with `-` (login ids are base64url and may),
 * unless that argument is one of the command's own flags.
 *
 * @throws {@link UsageError} with a one-line message that starts with the command's name.
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs('respond', argv, {
 *   ...COMMON_OPTIONS, pin: { type: 'string' },
 * }, Number.POSITIVE_INFINITY);
 * ```
 */
export function parseCommandArgs<const Options extends OptionsConfig>(
  command: string,
  argv: readonly string[],
  options: Options,
  maxPositionals = 0,
): ParsedArgs<Options> {
  let parsed: ParsedArgs<Options>;
  try {
    const args = attachValues(command, argv, options);
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${command}: ${firstSentence(error)}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals];
    throw new UsageError(`${command}: unexpected argument "${extra}"`);
  }
  return parsed;
}

// node:util refuses `--id -x1` as ambiguous; it is written `--id=-x1` for it here.
function attachValues(command: string, argv: readonly string[], options: OptionsConfig): string[] {
  const isFlag = (arg: string) =>
    arg === '--' ||
    arg === '-h' ||
    (arg.startsWith('--') && Object.hasOwn(options, arg.slice(2).split('=')[0]!)) ||
    arg === '--help';
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      args.push(...argv.slice(index));
      break;
    }
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && Object.hasOwn(options, name) && options[name]!.type === 'string') {
      const next = argv[index + 1];
      if (next === undefined || isFlag(next)) {
        throw new UsageError(`${command}: ${arg} needs a value`);
      }
      if (next.startsWith('-')) {
        args.push(`${arg}=${next}`);
        index++;
        continue;
      }
    }
    args.push(arg);
  }
  return args;
}

// node:util's messages go on with advice about "--"; the first sentence says what is wrong.
function firstSentence(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.replace(/\s*\n\s*/g, ' ').trim();
  const end = line.indexOf('. ');
  return end === -1 ? line.replace(/\.$/, '') : line.slice(0, end);
}

/** A flag and what it does, for a command's usage. */
export type FlagHelp = readonly [flag: string, description: string];

/** `--server`, the same in every command's usage. */
export const SERVER_FLAG: FlagHelp = [
  '--server URL',
  'the Cipherpad service (else CIPHERPAD_SERVER, the state file, http://127.0.0.1:8080)',
];

/** `--state`, the same in every command's usage. */
export const STATE_FLAG: FlagHelp = [
  '--state FILE',
  'the state file (else CIPHERPAD_STATE, else ~/.cipherpad/state.json)',
];

/** `--no-input`, the same in every command's usage. */
export const NO_INPUT_FLAG: FlagHelp = [
  '--no-input',
  'never ask for missing inputs, even in a terminal: behave as without one',
];

/** Lays out flags in two columns for a usage text. */
export function formatFlags(flags: readonly FlagHelp[]): string {
  const width = Math.max(...flags.map(([flag]) => flag.length)) + 2;
  return flags.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`).join('\n');
}
