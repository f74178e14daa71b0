import { parseArgs } from 'node:util';
import {
  CipherpadError,
  generateOcra,
  hexToBytes,
  type OcraInputs,
  parseOcraSuite,
} from '@cipherpad/core';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  suite: { type: 'string', multiple: true },
  key: { type: 'string', multiple: true },
  counter: { type: 'string', multiple: true },
  question: { type: 'string', multiple: true },
  pin: { type: 'string', multiple: true },
  'password-hash': { type: 'string', multiple: true },
  session: { type: 'string', multiple: true },
  'time-step': { type: 'string', multiple: true },
} as const;

/**
 * `cipherpad ocra`: computes an OCRA response (RFC 6287) and returns it for
 * the caller to print.
 *
 * ```
 * cipherpad ocra --suite SUITE --key HEX [--counter N] --question Q [--question Q2]
 *                [--pin PIN | --password-hash HEX] [--session HEX] [--time-step N]
 * ```
 *
 * `--question` is given twice for the mutual modes (RFC 6287 §7.2), first the
 * question that comes first in the computation. For a suite with a timestamp T
 * and no `--time-step`, T is taken from the clock.
 *
 * @param argv - The arguments after `ocra`.
 * @param now - The clock, in milliseconds since the Unix epoch (tests replace it).
 * @returns The OCRA response.
 * @throws {@link UsageError} with a one-line message for any bad argument.
 *
 * @example
 * ```ts
 * await ocraCommand(['--suite', 'OCRA-1:HOTP-SHA1-6:QN08',
 *   '--key', '3132333435363738393031323334353637383930', '--question', '00000000']); // '237653'
 * ```
 */
export async function ocraCommand(
  argv: readonly string[],
  now: () => number = Date.now,
): Promise<string> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    throw new UsageError(oneLine(error instanceof Error ? error.message : String(error)));
  }

  const suite = single(values.suite, 'suite', true);
  const key = single(values.key, 'key', true);
  const questions = values.question ?? [];
  if (questions.length === 0) {
    throw new UsageError('ocra: missing required option --question');
  }
  if (questions.length > 2) {
    throw new UsageError('ocra: --question may be given at most twice (mutual mode)');
  }
  const counter = single(values.counter, 'counter');
  const pin = single(values.pin, 'pin');
  const passwordHash = single(values['password-hash'], 'password-hash');
  const session = single(values.session, 'session');
  const timeStep = single(values['time-step'], 'time-step');
  if (pin !== undefined && passwordHash !== undefined) {
    throw new UsageError('ocra: give either --pin or --password-hash, not both');
  }

  try {
    const parsed = parseOcraSuite(suite);
    const inputs: OcraInputs = { question: questions.length === 1 ? questions[0]! : questions };
    if (counter !== undefined) inputs.counter = decimal(counter, 'counter');
    if (pin !== undefined) inputs.password = pin;
    if (passwordHash !== undefined) inputs.passwordHash = bytes(passwordHash, 'password-hash');
    if (session !== undefined) inputs.session = bytes(session, 'session');
    if (timeStep !== undefined) inputs.timeStep = decimal(timeStep, 'time-step');
    else if (parsed.timeStep !== undefined) inputs.now = now();
    return await generateOcra(parsed, bytes(key, 'key'), inputs);
  } catch (error) {
    if (error instanceof CipherpadError) {
      throw new UsageError(`ocra: ${oneLine(error.message)}`);
    }
    throw error;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false })
    .values;
}

function single(values: string[] | undefined, name: string, required: true): string;
function single(values: string[] | undefined, name: string, required?: false): string | undefined;
function single(values: string[] | undefined, name: string, required = false): string | undefined {
  if (values === undefined || values.length === 0) {
    if (required) throw new UsageError(`ocra: missing required option --${name}`);
    return undefined;
  }
  if (values.length > 1) {
    throw new UsageError(`ocra: --${name} given more than once`);
  }
  return values[0];
}

function decimal(value: string, name: string): bigint {
  if (!/^[0-9]+$/.test(value)) {
    throw new UsageError(`ocra: --${name} must be a non-negative decimal integer, not "${value}"`);
  }
  return BigInt(value);
}

function bytes(value: string, name: string): Uint8Array {
  if (value.length === 0) {
    throw new UsageError(`ocra: --${name} must not be empty`);
  }
  try {
    return hexToBytes(value);
  } catch (error) {
    if (error instanceof CipherpadError) {
      throw new UsageError(`ocra: --${name} is not valid hex: ${oneLine(error.message)}`);
    }
    throw error;
  }
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
