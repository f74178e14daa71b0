import { resolve } from 'node:path';
import {
  CipherpadError,
  computeResponse,
  hexToBytes,
  parseQrUri,
  type QrRequest,
} from '@cipherpad/core';
import { applyNoInput } from '../apply-no-input.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import {
  COMMON_OPTIONS,
  formatFlags,
  NO_INPUT_FLAG,
  parseCommandArgs,
  STATE_FLAG,
} from '../command-args.js';
import { inputOrAsk } from '../prompter.js';
import { readQrPng } from '../read-qr-png.js';
import { readState, resolveStatePath } from '../state-file.js';
import { unlockDevice } from '../unlock-device.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  pin: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/**
 * `cipherpad scan`: reads a login or payment QR code from a PNG, shows what it asks for on
 * stderr and prints the response on stdout (PRODUCT.md flow 7, offline).
 */
export const scanCommand: Command = {
  name: 'scan',
  summary: 'Read a login or payment QR code from a PNG image and answer it',
  usage: `Usage:
  cipherpad scan [--pin PIN] [--quiet] FILE.png

Reads the QR code in FILE.png (cipherpad: or enum: URI, login or payment, long or short
form), shows on stderr what it asks for (the site, and for a payment the amount, currency
and recipient purse) and prints the 8-digit response on stdout.

${formatFlags([
  ['--quiet', 'print only the response'],
  ['--pin PIN', 'the PIN of a protected key file (asked for in a terminal)'],
  STATE_FLAG,
  NO_INPUT_FLAG,
])}`,

  async run(argv, given) {
    const { values, positionals } = parseCommandArgs('scan', argv, OPTIONS, 1);
    const context = applyNoInput(given, values['no-input']);
    const { io, prompter } = context;
    const file = await inputOrAsk(io, prompter, positionals[0], {
      command: 'scan',
      flag: 'FILE.png',
      question: 'PNG file with the QR code',
    });
    const path = resolve(io.cwd, file);
    const text = await readQrPng(path);
    let request: QrRequest;
    try {
      request = parseQrUri(text);
    } catch (error) {
      if (error instanceof CipherpadError) {
        throw new CliError(
          error.code,
          `the QR code in ${file} is not a Cipherpad request: ${error.message.replace(/\.$/, '')}`,
          { cause: error },
        );
      }
      throw error;
    }
    if (request.kind === 'activate') {
      throw new CliError(
        'ERR_QR_URI_INVALID',
        `the QR code in ${file} activates an app, it asks for no response: use cipherpad activate with the email and the code`,
      );
    }
    if (!values.quiet) io.stderr.write(describe(request));

    const statePath = resolveStatePath(values.state, io);
    const state = await readState(statePath);
    const { keys } = await unlockDevice(context, 'scan', state, statePath, values.pin);
    const key = hexToBytes(keys.ocraKey);
    const response =
      request.kind === 'payment'
        ? await computeResponse(key, {
            mode: 'payment',
            challenge: request.challenge,
            amount: request.amount,
            purse: request.purse,
          })
        : await computeResponse(key, { mode: 'authorization', challenge: request.challenge });
    io.stdout.write(`${response}\n`);
  },
};

/** What the person is asked to confirm, in the words the phone app uses. */
function describe(request: Exclude<QrRequest, { kind: 'activate' }>): string {
  const asker =
    request.site ?? (request.server === undefined ? undefined : new URL(request.server).host);
  const lines: string[] = [];
  if (request.kind === 'login') {
    lines.push(`Login to ${asker ?? 'a site'}`);
  } else {
    const currency = request.currency === undefined ? '' : ` ${request.currency}`;
    lines.push(`Payment of ${request.amount}${currency} to ${request.purse}`);
    if (asker !== undefined) lines.push(`Asked by ${asker}`);
  }
  lines.push(`Challenge: ${request.challenge}`);
  return `${lines.join('\n')}\n`;
}
