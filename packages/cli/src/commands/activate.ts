import { webcrypto } from 'node:crypto';
import { hostname } from 'node:os';
import {
  bytesToHex,
  createDeviceKeyPair,
  createSigningKeyPair,
  deriveOcraKeyBytes,
  exportPublicKey,
  exportSigningPublicKey,
} from '@cipherpad/core';
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
import { sealKeys } from '../sealed-keys.js';
import {
  activeDevice,
  type ClearKeys,
  readState,
  resolveStatePath,
  type State,
  writeState,
} from '../state-file.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  email: { type: 'string' },
  code: { type: 'string' },
  name: { type: 'string' },
  pin: { type: 'string' },
  'no-pin': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

const MIN_PIN_LENGTH = 4;

/** `POST /v1/devices/activate` answers this. */
interface Activated {
  deviceId: string;
  serverKey: string;
  accountId: string;
  email: string;
}

/**
 * `cipherpad activate`: makes this computer a device of an account (PRODUCT.md flow 4). The
 * device makes its own keys; the OCRA key is agreed with the server by ECDH and never crosses
 * the wire. The keys are kept in the state file, sealed under a PIN if one is chosen.
 */
export const activateCommand: Command = {
  name: 'activate',
  summary: 'Activate this computer as a device, with the activation code',
  usage: `Usage:
  cipherpad activate --email EMAIL --code CODE [--name NAME] [--pin PIN | --no-pin] [--force]

Makes this computer's keys, activates them with the 8-digit activation code sent by SMS,
and keeps the device's keys in the state file: encrypted under a PIN (scrypt, AES-256-GCM),
or in clear with --no-pin. Without a terminal (or with --no-input), one of --pin and
--no-pin is required.

${formatFlags([
  ['--email EMAIL', 'the account (else the one registered with cipherpad register)'],
  ['--code CODE', 'the activation code sent by SMS'],
  ['--name NAME', `the device's name in the device list (default "cipherpad on HOST")`],
  ['--pin PIN', `protect the key file with this PIN (${MIN_PIN_LENGTH} characters or more)`],
  ['--no-pin', 'keep the key file unprotected'],
  ['--force', 'replace a device already activated in the state file'],
  SERVER_FLAG,
  STATE_FLAG,
  NO_INPUT_FLAG,
])}`,

  async run(argv, given) {
    const { values } = parseCommandArgs('activate', argv, OPTIONS);
    const context = applyNoInput(given, values['no-input']);
    const { io, prompter } = context;
    if (values.pin !== undefined && values['no-pin']) {
      throw new UsageError('activate: give --pin or --no-pin, not both');
    }
    const statePath = resolveStatePath(values.state, io);
    const state = await readState(statePath);
    const existing = activeDevice(state);
    if (existing !== undefined && !values.force) {
      throw new CliError(
        'ERR_ALREADY_ACTIVATED',
        `${statePath} already holds device ${existing.deviceId} for ${existing.email}; give --force to replace it, or use another --state`,
      );
    }

    const ask = (value: string | undefined, flag: string, question: string) =>
      inputOrAsk(io, prompter, value, { command: 'activate', flag, question });
    const email = await ask(values.email ?? state.email, '--email', 'Email');
    const code = await ask(values.code, '--code', 'Activation code (sent by SMS)');
    // Asked before the server is called, so that giving up here does not spend the code.
    const pin = values['no-pin'] ? undefined : await choosePin(context, values.pin);
    const name = values.name ?? `cipherpad on ${hostname()}`;

    const agreement = await createDeviceKeyPair(false);
    // Extractable so that it can be kept in the state file, for signed online approvals.
    const signing = await createSigningKeyPair(true);
    const api = new ApiClient(resolveServer(values.server, io, state));
    let activated: Activated;
    try {
      activated = await api.post<Activated>('/v1/devices/activate', {
        email,
        code,
        name,
        kind: 'cli',
        agreementKey: await exportPublicKey(agreement.publicKey),
        signingKey: await exportSigningPublicKey(signing.publicKey),
      });
    } finally {
      await api.close();
    }

    const ocraKey = await deriveOcraKeyBytes({
      privateKey: agreement.privateKey,
      peerPublicKey: activated.serverKey,
      deviceId: activated.deviceId,
    });
    const clear: ClearKeys = {
      ocraKey: bytesToHex(ocraKey),
      signingKey: await webcrypto.subtle.exportKey('jwk', signing.privateKey),
    };
    ocraKey.fill(0);
    // A registration for another account may still be waiting for its codes: keep it.
    const pending =
      state.pending !== undefined && state.pending.email !== activated.email
        ? { pending: state.pending }
        : {};
    const next: State = {
      version: 1,
      server: api.server,
      email: activated.email,
      deviceId: activated.deviceId,
      accountId: activated.accountId,
      activatedAt: new Date().toISOString(),
      keys: pin === undefined ? clear : await sealKeys(clear, pin, activated.deviceId),
      ...pending,
    };
    await writeState(statePath, next);
    io.stdout.write(`Activated device ${activated.deviceId} for ${activated.email}.\n`);
  },
};

/** The PIN for the key file: `--pin`, else asked in a terminal (empty for none). */
async function choosePin(
  { io, prompter }: CommandContext,
  flag: string | undefined,
): Promise<string | undefined> {
  if (flag !== undefined) {
    if (flag.length < MIN_PIN_LENGTH) {
      throw new UsageError(
        `activate: --pin must be ${MIN_PIN_LENGTH} characters or more (or give --no-pin)`,
      );
    }
    return flag;
  }
  if (!io.isTTY) {
    throw new UsageError('activate: missing --pin PIN or --no-pin');
  }
  for (;;) {
    const pin = await prompter.ask('PIN to protect the key file (empty for none): ', {
      hidden: true,
    });
    if (pin === '') return undefined;
    if (pin.length < MIN_PIN_LENGTH) {
      io.stderr.write(`The PIN must be ${MIN_PIN_LENGTH} characters or more.\n`);
      continue;
    }
    if ((await prompter.ask('The same PIN again: ', { hidden: true })) === pin) return pin;
    io.stderr.write('The two PINs differ; try again.\n');
  }
}
