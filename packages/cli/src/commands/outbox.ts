import { ApiClient } from '../api-client.js';
import { applyNoInput } from '../apply-no-input.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import {
  COMMON_OPTIONS,
  formatFlags,
  NO_INPUT_FLAG,
  parseCommandArgs,
  SERVER_FLAG,
  STATE_FLAG,
} from '../command-args.js';
import { inputOrAsk } from '../prompter.js';
import { resolveServer } from '../resolve-server.js';
import { readState, resolveStatePath } from '../state-file.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  to: { type: 'string' },
  limit: { type: 'string' },
  code: { type: 'boolean' },
} as const;

/** A message as `GET /v1/dev/outbox` gives it. */
interface OutboxMessage {
  id: number;
  channel: string;
  to: string;
  subject: string | null;
  body: string;
  createdAt: number;
}

/**
 * Where each message the service sends with a code holds it. Each pattern is anchored on the
 * service's own words around the code, so that digits in a device's or a site's name, an
 * amount or a link are never taken for it.
 */
const CODE_PATTERNS: readonly RegExp[] = [
  // Registration: "Your email verification code is 123456", "Cipherpad: your phone
  // verification code is 123456"; activation: "Cipherpad: your activation code is 12345678. …".
  /^(?:Cipherpad: your|Your) (?:email verification|phone verification|activation) code is (\d{6}|\d{8})(?:\.|$)/m,
  // A settings change or a device operation confirmed by SMS: "Cipherpad: your code to add a
  // new device is 123456. It is valid for 5 minutes. …" (the device's name may come before).
  /^Cipherpad: your code to .+ is (\d{6})\. It is valid for \d+ minutes?\. Never tell it to anyone\.$/,
  // An SMS confirmation for a relying site: "Keeper Demo: code 402382 confirms paying …".
  /^[^\n]+?: code (\d{6}) confirms [^\n]+\. Valid \d+ minutes?\. Never tell it to anyone\.$/,
];

/** The code in a message the service sent, or null when it holds none. */
export function codeInMessage(body: string): string | null {
  for (const pattern of CODE_PATTERNS) {
    const code = pattern.exec(body)?.[1];
    if (code !== undefined) return code;
  }
  return null;
}

/**
 * `cipherpad outbox`: the messages a development server kept instead of sending them, so the
 * whole product can be tried on one machine (PRODUCT.md, "Rules that hold everywhere").
 */
export const outboxCommand: Command = {
  name: 'outbox',
  summary: 'Development: list the messages the server kept, or print the newest code',
  usage: `Usage:
  cipherpad outbox [--to ADDRESS] [--limit N]
  cipherpad outbox --code --to ADDRESS

Lists the emails and SMS a development server kept in its outbox, newest first.
With --code, prints only the code (6 or 8 digits) in the newest message to ADDRESS: a
registration, activation, settings, device or SMS confirmation code.

${formatFlags([
  ['--to ADDRESS', 'only messages to this email address or phone number'],
  ['--limit N', 'at most N messages, 1 to 200 (default 50)'],
  ['--code', 'print only the code in the newest message to ADDRESS, for scripts'],
  SERVER_FLAG,
  STATE_FLAG,
  NO_INPUT_FLAG,
])}`,

  async run(argv, given) {
    const { values } = parseCommandArgs('outbox', argv, OPTIONS);
    const { io, prompter } = applyNoInput(given, values['no-input']);
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!/^[0-9]+$/.test(values.limit) || limit < 1 || limit > 200) {
        throw new UsageError(
          `outbox: --limit must be a whole number from 1 to 200, not "${values.limit}"`,
        );
      }
    }
    const to = values.code
      ? await inputOrAsk(io, prompter, values.to, {
          command: 'outbox',
          flag: '--to',
          question: 'Email address or phone number',
        })
      : values.to;

    const state = await readState(resolveStatePath(values.state, io));
    const api = new ApiClient(resolveServer(values.server, io, state));
    let messages: OutboxMessage[];
    try {
      ({ messages } = await api.get<{ messages: OutboxMessage[] }>('/v1/dev/outbox', {
        to,
        limit: String(values.code ? 1 : (limit ?? 50)),
      }));
    } catch (error) {
      if (error instanceof CliError && error.code === 'ERR_NOT_FOUND') {
        throw new CliError(
          'ERR_NOT_FOUND',
          `the server at ${api.server} has no outbox: it keeps one only in development (CIPHERPAD_ENV=development)`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      await api.close();
    }

    if (values.code) {
      const newest = messages[0];
      if (newest === undefined) {
        throw new CliError('ERR_CODE_NOT_FOUND', `no message to ${to} in the outbox`);
      }
      const code = codeInMessage(newest.body);
      if (code === null) {
        throw new CliError('ERR_CODE_NOT_FOUND', `the newest message to ${to} holds no code`);
      }
      io.stdout.write(`${code}\n`);
      return;
    }
    if (messages.length === 0) {
      io.stderr.write(to === undefined ? 'The outbox is empty.\n' : `No messages to ${to}.\n`);
      return;
    }
    io.stdout.write(messages.map(format).join('\n'));
  },
};

function format(message: OutboxMessage): string {
  const lines = [
    `#${message.id}  ${new Date(message.createdAt).toISOString()}  ${message.channel}  ${message.to}`,
  ];
  if (message.subject !== null) lines.push(`  Subject: ${message.subject}`);
  for (const line of message.body.split('\n')) lines.push(line === '' ? '' : `  ${line}`);
  return `${lines.join('\n')}\n`;
}
