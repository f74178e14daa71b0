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
import { checkServerUrl, resolveServer } from '../resolve-server.js';
import {
  activeDevice,
  type PendingRegistration,
  readState,
  resolveStatePath,
  writeState,
} from '../state-file.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  email: { type: 'string' },
  phone: { type: 'string' },
  'email-code': { type: 'string' },
  'sms-code': { type: 'string' },
} as const;

/** `GET /v1/registrations/:id` and the verification answers. */
interface RegistrationStatus {
  id: string;
  emailVerified: boolean;
  phoneVerified: boolean;
  completed: boolean;
}

interface Channel {
  readonly name: 'email' | 'phone';
  readonly flag: string;
  readonly verified: 'emailVerified' | 'phoneVerified';
  readonly by: string;
}

const CHANNELS: readonly Channel[] = [
  { name: 'email', flag: '--email-code', verified: 'emailVerified', by: 'by email' },
  { name: 'phone', flag: '--sms-code', verified: 'phoneVerified', by: 'by SMS' },
];

// Refusals after which the registration cannot go on: the person has to start again.
const DEAD_ENDS = new Set([
  'ERR_REGISTRATION_NOT_FOUND',
  'ERR_REGISTRATION_CLOSED',
  'ERR_CODE_EXPIRED',
  'ERR_EMAIL_TAKEN',
  'ERR_PHONE_TAKEN',
]);

/**
 * `cipherpad register`: registration from the authenticator (PRODUCT.md flow 2). Without a
 * terminal and without the codes, the registration is kept in the state file and finished by
 * a second run with the codes.
 */
export const registerCommand: Command = {
  name: 'register',
  summary: 'Register an account: email and phone, then the codes sent to them',
  usage: `Usage:
  cipherpad register --email EMAIL --phone PHONE [--email-code CODE] [--sms-code CODE]
  cipherpad register --email-code CODE --sms-code CODE

Starts a registration: the server sends a code to the email address and another by SMS.
Give the codes as flags, or type them when asked. Without a terminal (or with --no-input)
and without the codes, the registration is kept in the state file; run the second form
when the codes arrive. Once both are verified, the activation code is sent by SMS (then:
cipherpad activate).

${formatFlags([
  ['--email EMAIL', 'the email address of the new account'],
  ['--phone PHONE', 'the mobile number in international form, as +44 7700 900123'],
  ['--email-code CODE', 'the 6-digit code sent by email'],
  ['--sms-code CODE', 'the 6-digit code sent by SMS'],
  SERVER_FLAG,
  STATE_FLAG,
  NO_INPUT_FLAG,
])}`,

  async run(argv, given) {
    const { values } = parseCommandArgs('register', argv, OPTIONS);
    const context = applyNoInput(given, values['no-input']);
    const { io, prompter } = context;
    const statePath = resolveStatePath(values.state, io);
    let state = await readState(statePath);
    const pending = state.pending;
    const continuing =
      pending !== undefined &&
      values.phone === undefined &&
      (values.email === undefined || values.email.trim().toLowerCase() === pending.email);

    let email: string | undefined;
    let phone: string | undefined;
    let server: string;
    if (continuing) {
      server =
        values.server === undefined ? pending.server : checkServerUrl(values.server, '--server');
    } else {
      const ask = (value: string | undefined, flag: string, question: string) =>
        inputOrAsk(io, prompter, value, { command: 'register', flag, question });
      email = await ask(values.email, '--email', 'Email');
      phone = await ask(values.phone, '--phone', 'Mobile phone, international form (+44 …)');
      server = resolveServer(values.server, io, state);
    }

    const api = new ApiClient(server);
    let registration: PendingRegistration | undefined;
    try {
      let status: RegistrationStatus;
      if (continuing) {
        registration = pending;
        status = await api.get<RegistrationStatus>(
          `/v1/registrations/${encodeURIComponent(pending.registrationId)}`,
        );
      } else {
        const started = await api.post<{ id: string; email: string; phone: string }>(
          '/v1/registrations',
          { email, phone },
        );
        registration = {
          server: api.server,
          registrationId: started.id,
          email: started.email,
          phone: started.phone,
        };
        // Kept at once, so that a wrong code below can be retried with the second form.
        state = { ...state, version: 1, pending: registration };
        await writeState(statePath, state);
        io.stderr.write(
          `Started registration ${started.id}: codes were sent by email to ${started.email} and by SMS to ${started.phone}.\n`,
        );
        status = { id: started.id, emailVerified: false, phoneVerified: false, completed: false };
      }

      for (const channel of CHANNELS) {
        if (!status[channel.verified]) {
          const given = channel.name === 'email' ? values['email-code'] : values['sms-code'];
          status = (await verifyCode(context, api, registration, channel, given)) ?? status;
        }
      }

      if (status.completed) {
        const { pending: _done, ...rest } = state;
        // The account is remembered for `activate`, unless a device of another account is here.
        state =
          activeDevice(rest) === undefined
            ? { ...rest, server: registration.server, email: registration.email }
            : rest;
        await writeState(statePath, state);
        io.stdout.write(
          `Registered ${registration.email}. The activation code was sent by SMS to ${registration.phone}.\n` +
            `Next: cipherpad activate --email ${registration.email} --code CODE\n`,
        );
        return;
      }
      const missing = CHANNELS.filter(({ verified }) => !status[verified])
        .map(({ flag }) => `${flag} CODE`)
        .join(' ');
      io.stdout.write(
        `Registration ${registration.registrationId} for ${registration.email} waits for its codes. When they arrive, run:\n` +
          `  cipherpad register ${missing}\n`,
      );
    } catch (error) {
      if (
        error instanceof CliError &&
        DEAD_ENDS.has(error.code) &&
        registration !== undefined &&
        state.pending?.registrationId === registration.registrationId
      ) {
        const { pending: _dead, ...rest } = state;
        await writeState(statePath, rest);
      }
      throw error;
    } finally {
      await api.close();
    }
  },
};

/**
 * Verifies one channel with the code given as a flag, or typed in a terminal (again, while
 * the server allows more attempts). Returns the new status, or undefined when there is no code
 * yet (no flag and no terminal).
 */
async function verifyCode(
  { io, prompter }: CommandContext,
  api: ApiClient,
  registration: PendingRegistration,
  channel: Channel,
  given: string | undefined,
): Promise<RegistrationStatus | undefined> {
  const address = channel.name === 'email' ? registration.email : registration.phone;
  const input = {
    command: 'register',
    flag: channel.flag,
    question: `Code sent ${channel.by} to ${address}`,
  };
  const typed = given === undefined && io.isTTY;
  if (!typed && given === undefined) return undefined;
  let code = given ?? (await inputOrAsk(io, prompter, undefined, input));
  const path = `/v1/registrations/${encodeURIComponent(registration.registrationId)}/${channel.name}-verification`;
  for (;;) {
    try {
      return await api.post<RegistrationStatus>(path, { code });
    } catch (error) {
      const again =
        typed &&
        error instanceof CliError &&
        error.code === 'ERR_CODE_INVALID' &&
        error.details.attemptsLeft !== 0;
      if (!again) throw error;
      io.stderr.write(`${error.message}\n`);
      code = await inputOrAsk(io, prompter, undefined, input);
    }
  }
}
