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

// The first run of digits after "code is", when it is a 6-digit verification code or an
// 8-digit activation code.
const CODE = /\bcode is\b\D*?(\d+)/i;

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
With --code, prints only the code (6 or 8 digits) in the newest message to ADDRESS.

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
      const code = CODE.exec(newest.body)?.[1];
      if (code === undefined || (code.length !== 6 && code.length !== 8)) {
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
