import type { Command } from '../command.js';
import {
  COMMON_OPTIONS,
  formatFlags,
  NO_INPUT_FLAG,
  parseCommandArgs,
  SERVER_FLAG,
  STATE_FLAG,
} from '../command-args.js';
import { resolveServer } from '../resolve-server.js';
import { activeDevice, isSealed, readState, resolveStatePath } from '../state-file.js';

/** `cipherpad status`: what this computer is set up as. Never prints a key. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show the server, the device and any pending registration',
  usage: `Usage:
  cipherpad status

Shows the state file, the server, the account and device activated here, whether the key
file is protected by a PIN, and a registration waiting for its codes. Never shows keys.

${formatFlags([SERVER_FLAG, STATE_FLAG, NO_INPUT_FLAG])}`,

  async run(argv, { io }) {
    const { values } = parseCommandArgs('status', argv, COMMON_OPTIONS);
    const statePath = resolveStatePath(values.state, io);
    const state = await readState(statePath);
    const device = activeDevice(state);
    const server = resolveServer(values.server, io, state);
    const rows: [string, string][] = [
      ['State file', statePath],
      ['Server', server],
    ];
    if (device === undefined) {
      rows.push(['Device', 'none activated (cipherpad activate)']);
    } else {
      rows.push(
        ['Account', `${device.email} (${device.accountId})`],
        [
          'Device',
          device.activatedAt
            ? `${device.deviceId} (activated ${device.activatedAt})`
            : device.deviceId,
        ],
        ['Key file', isSealed(device.keys) ? 'protected by a PIN' : 'not protected by a PIN'],
      );
      // --server or CIPHERPAD_SERVER may point elsewhere than where the device was activated.
      if (device.server !== server) rows.push(['Activated at', device.server]);
    }
    if (state.pending !== undefined) {
      const { registrationId, email, phone, server } = state.pending;
      rows.push([
        'Registration',
        `${registrationId} for ${email} and ${phone} at ${server}, waiting for codes (cipherpad register --email-code CODE --sms-code CODE)`,
      ]);
    }
    // One column for every state, wide enough for the longest label ("Registration:").
    io.stdout.write(rows.map(([label, value]) => `${`${label}:`.padEnd(14)}${value}\n`).join(''));
  },
};
