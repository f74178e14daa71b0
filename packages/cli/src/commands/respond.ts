import {
  CipherpadError,
  canonicalAmount,
  computeResponse,
  formatPurse,
  hexToBytes,
  normalizeChallenge,
  parsePurse,
  type ResponseRequest,
} from '@cipherpad/core';
import { applyNoInput } from '../apply-no-input.js';
import type { Command } from '../command.js';
import {
  COMMON_OPTIONS,
  formatFlags,
  NO_INPUT_FLAG,
  parseCommandArgs,
  STATE_FLAG,
} from '../command-args.js';
import { inputOrAsk } from '../prompter.js';
import { readState, resolveStatePath } from '../state-file.js';
import { unlockDevice } from '../unlock-device.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  pin: { type: 'string' },
  payment: { type: 'boolean' },
  amount: { type: 'string' },
  purse: { type: 'string' },
} as const;

/**
 * `cipherpad respond`: the 8-digit response to a challenge, computed offline from the stored
 * key (PRODUCT.md flows 5 and 6). Prints only the response, for scripts.
 */
export const respondCommand: Command = {
  name: 'respond',
  summary: 'Answer a challenge offline (Authorization or Payment mode)',
  usage: `Usage:
  cipherpad respond [--pin PIN] CHALLENGE
  cipherpad respond --payment --amount AMOUNT --purse PURSE [--pin PIN] CHALLENGE

Prints only the 8-digit response to CHALLENGE (8 digits; spaces and dashes are ignored),
computed offline from this device's key. In Payment mode the response is bound to the
challenge, the amount (10.5 or 10,50) and the recipient's purse (Z123456789012).

${formatFlags([
  ['--payment', 'answer in Payment mode; needs --amount and --purse'],
  ['--amount AMOUNT', 'the amount of the payment'],
  ['--purse PURSE', "the recipient's purse, with or without its letter"],
  ['--pin PIN', 'the PIN of a protected key file (asked for in a terminal)'],
  STATE_FLAG,
  NO_INPUT_FLAG,
])}`,

  async run(argv, given) {
    const { values, positionals } = parseCommandArgs(
      'respond',
      argv,
      OPTIONS,
      Number.POSITIVE_INFINITY,
    );
    const context = applyNoInput(given, values['no-input']);
    const { io, prompter } = context;
    if (!values.payment && (values.amount !== undefined || values.purse !== undefined)) {
      throw new UsageError('respond: --amount and --purse are for --payment');
    }
    const ask = (value: string | undefined, flag: string, question: string) =>
      inputOrAsk(io, prompter, value, { command: 'respond', flag, question });

    // A challenge may be typed in groups: `respond 1234 5678`.
    const typed = positionals.length > 0 ? positionals.join('') : undefined;
    const challenge = checked(
      'CHALLENGE',
      await ask(typed, 'CHALLENGE', 'Challenge'),
      normalizeChallenge,
    );
    let request: ResponseRequest = { mode: 'authorization', challenge };
    if (values.payment) {
      const amount = await ask(values.amount, '--amount', 'Amount');
      const purse = await ask(values.purse, '--purse', 'Recipient purse');
      request = {
        mode: 'payment',
        challenge,
        amount: checked('--amount', amount, canonicalAmount),
        purse: checked('--purse', purse, (p) => formatPurse(parsePurse(p))),
      };
    }

    const statePath = resolveStatePath(values.state, io);
    const state = await readState(statePath);
    const { keys } = await unlockDevice(context, 'respond', state, statePath, values.pin);
    io.stdout.write(`${await computeResponse(hexToBytes(keys.ocraKey), request)}\n`);
  },
};

/** Runs a core check on an input; its refusal is a usage error naming the input. */
function checked(name: string, value: string, check: (value: string) => string): string {
  try {
    return check(value.trim());
  } catch (error) {
    if (error instanceof CipherpadError) {
      throw new UsageError(`respond: ${name} "${value}": ${error.message.replace(/\.$/, '')}`);
    }
    throw error;
  }
}
