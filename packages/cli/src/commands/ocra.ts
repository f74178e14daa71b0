import {
  CipherpadError,
  generateOcra,
  hexToBytes,
  type OcraInputs,
  type OcraSuite,
  parseOcraSuite,
} from '@cipherpad/core';
import { applyNoInput } from '../apply-no-input.js';
import type { Command } from '../command.js';
import { formatFlags, NO_INPUT_FLAG, NO_INPUT_OPTION, parseCommandArgs } from '../command-args.js';
import { type InputSpec, inputOrAsk } from '../prompter.js';
import { UsageError } from '../usage-error.js';

// `multiple` so that a repeated flag is refused rather than the last one silently winning.
const OPTIONS = {
  ...NO_INPUT_OPTION,
  suite: { type: 'string', multiple: true },
  key: { type: 'string', multiple: true },
  counter: { type: 'string', multiple: true },
  question: { type: 'string', multiple: true },
  pin: { type: 'string', multiple: true },
  'password-hash': { type: 'string', multiple: true },
  session: { type: 'string', multiple: true },
  'time-step': { type: 'string', multiple: true },
} as const;

const UINT64_MAX = (1n << 64n) - 1n;

const QUESTION_FORMATS: Readonly<Record<OcraSuite['question']['format'], string>> = {
  N: 'decimal digits',
  H: 'hex digits',
  A: 'characters',
};

/**
 * `cipherpad ocra`: computes an OCRA response (RFC 6287) of any suite, as a test tool, and
 * prints it. In a terminal it asks for the inputs that are missing (the key and the PIN
 * without echo); without one, or with `--no-input`, a missing input is a usage error naming
 * its flag. For a suite with a timestamp T and no `--time-step`, T is taken from the clock.
 */
export const ocraCommand: Command = {
  name: 'ocra',
  summary: 'Compute an OCRA response (RFC 6287) from a suite, a key and a question',
  usage: `Usage:
  cipherpad ocra --suite SUITE --key HEX [--counter N] --question Q [--question Q2]
                 [--pin PIN | --password-hash HEX] [--session HEX] [--time-step N]

Prints the OCRA response (RFC 6287) of any suite, as a test tool. In a terminal it asks
for what is missing: the suite, the key and the question, then the counter, the PIN and
the session information when the suite uses them (the key and the PIN are not echoed).
--question is given twice for the mutual modes (RFC 6287 §7.2), the other party's first.

${formatFlags([
  ['--suite SUITE', 'the OCRA suite, as OCRA-1:HOTP-SHA1-6:QN08'],
  ['--key HEX', 'the shared secret, in hex'],
  ['--question Q', "the challenge question, in the suite's format (QN, QH or QA)"],
  ['--counter N', 'the counter C, 0 to 2^64-1, for a suite with C'],
  ['--pin PIN', 'the PIN, for a suite with P'],
  ['--password-hash HEX', "the PIN's hash instead of the PIN, for a suite with P"],
  ['--session HEX', 'the session information, for a suite with S'],
  ['--time-step N', 'the time step T, for a suite with T (else taken from the clock)'],
  NO_INPUT_FLAG,
])}`,

  async run(argv, given) {
    const { values } = parseCommandArgs('ocra', argv, OPTIONS);
    const { io, prompter } = applyNoInput(given, values['no-input']);
    const ask = (value: string | undefined, spec: Omit<InputSpec, 'command'>) =>
      inputOrAsk(io, prompter, value, { command: 'ocra', ...spec });

    // Every flag given is checked before anything is asked for.
    const suiteFlag = single(values.suite, '--suite');
    const keyFlag = single(values.key, '--key');
    const questions = [...(values.question ?? [])];
    if (questions.length > 2) {
      throw new UsageError('ocra: --question may be given at most twice (mutual mode)');
    }
    const counterFlag = single(values.counter, '--counter');
    const pin = single(values.pin, '--pin');
    const passwordHash = single(values['password-hash'], '--password-hash');
    const sessionFlag = single(values.session, '--session');
    const timeStep = single(values['time-step'], '--time-step');
    if (pin !== undefined && passwordHash !== undefined) {
      throw new UsageError('ocra: give either --pin or --password-hash, not both');
    }
    const inputs: Partial<OcraInputs> = {};
    if (counterFlag !== undefined) inputs.counter = uint64(counterFlag, '--counter');
    if (pin !== undefined) inputs.password = pin;
    if (passwordHash !== undefined) inputs.passwordHash = bytes(passwordHash, '--password-hash');
    if (sessionFlag !== undefined) inputs.session = bytes(sessionFlag, '--session');
    if (timeStep !== undefined) inputs.timeStep = uint64(timeStep, '--time-step');
    const givenKey = keyFlag === undefined ? undefined : bytes(keyFlag, '--key');

    const suiteText = await ask(suiteFlag, {
      flag: '--suite',
      question: 'OCRA suite (as OCRA-1:HOTP-SHA1-6:QN08)',
    });
    const suite = await checked(() => parseOcraSuite(suiteText));
    const key =
      givenKey ??
      bytes(
        (await ask(undefined, { flag: '--key', question: 'Key (hex)', hidden: true })).trim(),
        '--key',
      );
    if (questions.length === 0) {
      const { format, maxLength } = suite.question;
      questions.push(
        await ask(undefined, {
          flag: '--question',
          question: `Question (4 to ${maxLength} ${QUESTION_FORMATS[format]})`,
        }),
      );
    }
    // What the suite uses and was not given (RFC 6287 §6.3: C, P, S; T comes from the clock).
    if (suite.counter && inputs.counter === undefined) {
      const answer = await ask(undefined, { flag: '--counter', question: 'Counter C' });
      inputs.counter = uint64(answer, '--counter');
    }
    if (suite.password !== undefined && pin === undefined && passwordHash === undefined) {
      inputs.password = await ask(undefined, {
        flag: '--pin or --password-hash',
        question: 'PIN',
        hidden: true,
      });
    }
    if (suite.sessionLength !== undefined && inputs.session === undefined) {
      const answer = await ask(undefined, {
        flag: '--session',
        question: `Session information (hex, up to ${suite.sessionLength} bytes)`,
      });
      inputs.session = bytes(answer, '--session');
    }
    if (suite.timeStep !== undefined && inputs.timeStep === undefined) inputs.now = Date.now();

    const question = questions.length === 1 ? questions[0]! : questions;
    const response = await checked(() => generateOcra(suite, key, { ...inputs, question }));
    io.stdout.write(`${response}\n`);
  },
};

function single(values: string[] | undefined, flag: string): string | undefined {
  if (values !== undefined && values.length > 1) {
    throw new UsageError(`ocra: ${flag} given more than once`);
  }
  return values?.[0];
}

// The flag that gives each input core names at the start of its messages (`counter: …`).
const FLAGS: ReadonlyMap<string, string> = new Map([
  ['counter', '--counter'],
  ['question', '--question'],
  ['password', '--pin'],
  ['passwordHash', '--password-hash'],
  ['session', '--session'],
  ['timeStep', '--time-step'],
]);

/** Runs a core step; its refusal (a bad suite or input) is a usage error naming the flag. */
async function checked<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof CipherpadError) {
      const message = error.message
        .replace(/^(\w+):/, (_named, input: string) => `${FLAGS.get(input) ?? input}:`)
        .replace(/\.$/, '');
      throw new UsageError(`ocra: ${message}`);
    }
    throw error;
  }
}

// RFC 6287 §5.1: C and T are unsigned 8-byte integers.
function uint64(value: string, flag: string): bigint {
  const number = /^[0-9]+$/.test(value) ? BigInt(value) : undefined;
  if (number === undefined || number > UINT64_MAX) {
    throw new UsageError(
      `ocra: ${flag} must be a decimal integer from 0 to 2^64-1, not "${value}"`,
    );
  }
  return number;
}

function bytes(value: string, flag: string): Uint8Array {
  if (value.length === 0) {
    throw new UsageError(`ocra: ${flag} must not be empty`);
  }
  try {
    return hexToBytes(value);
  } catch (error) {
    if (error instanceof CipherpadError) {
      throw new UsageError(`ocra: ${flag} is not valid hex: ${error.message}`);
    }
    throw error;
  }
}
