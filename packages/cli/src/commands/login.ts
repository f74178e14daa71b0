import { resolve } from 'node:path';
import QRCode from 'qrcode';
import { ApiClient } from '../api-client.js';
import { applyNoInput } from '../apply-no-input.js';
import { CliError } from '../cli-error.js';
import type { Command, CommandContext } from '../command.js';
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
  email: { type: 'string' },
  payment: { type: 'boolean' },
  amount: { type: 'string' },
  purse: { type: 'string' },
  currency: { type: 'string' },
  qr: { type: 'string' },
  shell: { type: 'boolean' },
  id: { type: 'string' },
  response: { type: 'string' },
} as const;

/** `POST /v1/logins` answers this. */
interface StartedLogin {
  id: string;
  challenge: string;
  uri: string;
  mode: 'authorization' | 'payment';
  expiresAt: number;
  payment?: { amount: string; purse: string; currency?: string };
}

/** `POST /v1/logins/:id/verify` answers this. */
interface VerifiedLogin {
  session: { token: string; expiresAt: number; idleTimeoutMs?: number };
  account: { id: string; email: string };
  deviceId: string;
}

/**
 * `cipherpad login`: plays a relying site, to try Cipherpad from a terminal. Starts a login
 * (Authorization mode, or bound to a payment), shows its challenge and QR URI, and verifies the
 * response the person gives.
 */
export const loginCommand: Command = {
  name: 'login',
  summary: 'Play a relying site: start a login, then verify the response',
  usage: `Usage:
  cipherpad login --email EMAIL [--payment --amount AMOUNT --purse PURSE [--currency CODE]]
                  [--qr FILE.png] [--shell]
  cipherpad login --id LOGIN_ID --response RESPONSE

The first form starts a login as a site would, and prints the login id, the challenge and
its QR URI; in a terminal it then asks for the response and verifies it. The second form
verifies the response to a login started earlier. A session is opened, never printed.

${formatFlags([
  ['--email EMAIL', 'the account that logs in'],
  ['--payment', 'bind the challenge to a payment (Payment mode); needs --amount and --purse'],
  ['--amount AMOUNT', 'the amount of the payment'],
  ['--purse PURSE', "the recipient's purse"],
  ['--currency CODE', 'the currency shown with the amount, as WMZ'],
  ['--qr FILE.png', 'also write the QR code of the request to FILE.png'],
  ['--shell', "print only LOGIN_ID='…' and CHALLENGE='…' lines, for eval"],
  ['--id LOGIN_ID', 'the login to verify'],
  ['--response RESPONSE', 'the 8-digit response to verify'],
  SERVER_FLAG,
  STATE_FLAG,
  NO_INPUT_FLAG,
])}`,

  async run(argv, given) {
    const { values } = parseCommandArgs('login', argv, OPTIONS);
    const context = applyNoInput(given, values['no-input']);
    const { io } = context;
    const state = await readState(resolveStatePath(values.state, io));
    const api = new ApiClient(resolveServer(values.server, io, state));
    try {
      if (values.id !== undefined) {
        const starting = (
          ['email', 'payment', 'amount', 'purse', 'currency', 'qr', 'shell'] as const
        ).filter((flag) => values[flag] !== undefined);
        if (starting.length > 0) {
          throw new UsageError(`login: --${starting[0]} starts a login; it does not go with --id`);
        }
        await verify(context, api, values.id, values.response);
        return;
      }
      if (values.response !== undefined) {
        throw new UsageError('login: --response needs --id LOGIN_ID');
      }
      await start(context, api, values);
    } finally {
      await api.close();
    }
  },
};

/** Starts a login, shows it, and in a terminal asks for the response and verifies it. */
async function start(
  context: CommandContext,
  api: ApiClient,
  values: {
    email?: string;
    payment?: boolean;
    amount?: string;
    purse?: string;
    currency?: string;
    qr?: string;
    shell?: boolean;
  },
): Promise<void> {
  const { io, prompter } = context;
  if (!values.payment) {
    const stray = (['amount', 'purse', 'currency'] as const).find((f) => values[f] !== undefined);
    if (stray !== undefined) throw new UsageError(`login: --${stray} is for --payment`);
  }
  const ask = (value: string | undefined, flag: string, question: string) =>
    inputOrAsk(io, prompter, value, { command: 'login', flag, question });
  const email = await ask(values.email, '--email', 'Email');
  const body = values.payment
    ? {
        email,
        mode: 'payment',
        amount: await ask(values.amount, '--amount', 'Amount'),
        purse: await ask(values.purse, '--purse', 'Recipient purse'),
        ...(values.currency === undefined ? {} : { currency: values.currency }),
      }
    : { email, mode: 'authorization' };
  const login = await api.post<StartedLogin>('/v1/logins', body);

  let qrPath: string | undefined;
  if (values.qr !== undefined) {
    qrPath = resolve(io.cwd, values.qr);
    try {
      await QRCode.toFile(qrPath, login.uri, { type: 'png', errorCorrectionLevel: 'M', scale: 6 });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new CliError('ERR_QR_UNWRITABLE', `cannot write ${qrPath}: ${why}`, { cause: error });
    }
  }

  if (values.shell) {
    io.stdout.write(`LOGIN_ID=${shellQuote(login.id)}\nCHALLENGE=${shellQuote(login.challenge)}\n`);
    return;
  }
  const rows: [string, string][] = [['Login id', login.id]];
  if (login.payment !== undefined) {
    const { amount, currency, purse } = login.payment;
    rows.push(['Payment', `${amount}${currency === undefined ? '' : ` ${currency}`} to ${purse}`]);
  }
  rows.push(
    ['Challenge', login.challenge],
    ['URI', login.uri],
    ['Expires', new Date(login.expiresAt).toISOString()],
  );
  if (qrPath !== undefined) rows.push(['QR code', qrPath]);
  io.stdout.write(rows.map(([label, value]) => `${`${label}:`.padEnd(11)}${value}\n`).join(''));

  if (!io.isTTY) {
    io.stderr.write(`Then: cipherpad login --id ${login.id} --response RESPONSE\n`);
    return;
  }
  await verify(context, api, login.id, undefined);
}

/** Verifies a response (given, or asked for in a terminal) and reports the session. */
async function verify(
  { io, prompter }: CommandContext,
  api: ApiClient,
  id: string,
  given: string | undefined,
): Promise<void> {
  const input = {
    command: 'login',
    flag: '--response',
    question: 'Response (cipherpad respond, cipherpad scan or the app)',
  };
  let response = await inputOrAsk(io, prompter, given, input);
  for (;;) {
    try {
      const verified = await api.post<VerifiedLogin>(
        `/v1/logins/${encodeURIComponent(id)}/verify`,
        { response },
      );
      const expires = new Date(verified.session.expiresAt).toISOString();
      const idle = verified.session.idleTimeoutMs;
      // PSD2 RTS Art. 4(3)(d): the session also ends after its idle time without a request.
      const sooner = idle === undefined ? '' : `, or after ${span(idle)} without a request`;
      io.stdout.write(
        `Signed in as ${verified.account.email} (session expires ${expires}${sooner})\n`,
      );
      return;
    } catch (error) {
      // A person who typed a wrong response may type it again while the challenge takes more.
      const retry =
        given === undefined &&
        error instanceof CliError &&
        error.code === 'ERR_RESPONSE_REJECTED' &&
        error.details.attemptsLeft !== 0;
      if (!retry) throw error;
      io.stderr.write(`${error.message}\n`);
      response = await inputOrAsk(io, prompter, undefined, input);
    }
  }
}

/** Quotes a value for a POSIX shell: `'…'`, with each `'` written as `'\''`. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A span of time as "5 minutes", "1 minute" or "90 seconds". */
function span(ms: number): string {
  if (ms % 60_000 !== 0) return `${Math.round(ms / 1000)} seconds`;
  const minutes = ms / 60_000;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
