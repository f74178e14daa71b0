import { CliError } from './cli-error.js';
import type { CommandContext } from './command.js';
import { inputOrAsk } from './prompter.js';
import { unsealKeys } from './sealed-keys.js';
import {
  type ActiveDevice,
  activeDevice,
  type ClearKeys,
  isSealed,
  type State,
} from './state-file.js';

/**
 * The activated device of a state file and its keys, opened with the PIN when they are sealed:
 * `--pin`, else asked in a terminal, else a usage error naming `--pin`.
 *
 * @throws {@link CliError} `ERR_STATE_INVALID` when the state has no device, `ERR_PIN_WRONG`.
 */
export async function unlockDevice(
  context: CommandContext,
  command: string,
  state: State,
  statePath: string,
  pin: string | undefined,
): Promise<{ device: ActiveDevice; keys: ClearKeys }> {
  const device = activeDevice(state);
  if (device === undefined) {
    throw new CliError(
      'ERR_STATE_INVALID',
      `no device is activated in ${statePath}; run cipherpad activate first`,
    );
  }
  if (!isSealed(device.keys)) return { device, keys: device.keys };
  const given = await inputOrAsk(context.io, context.prompter, pin, {
    command,
    flag: '--pin',
    question: 'PIN',
    hidden: true,
  });
  return { device, keys: await unsealKeys(device.keys, given, device.deviceId) };
}
