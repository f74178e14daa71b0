import type { CliIo } from './cli-io.js';
import type { State } from './state-file.js';
import { UsageError } from './usage-error.js';

/** The server used when nothing else names one: a service started with `npm start`. */
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/**
 * Which Cipherpad service a command talks to: `--server URL`, else `CIPHERPAD_SERVER`, else the
 * one in the state file, else {@link DEFAULT_SERVER}. Returned without a trailing slash.
 *
 * @throws {@link UsageError} when the URL chosen is not an http or https URL.
 */
export function resolveServer(flag: string | undefined, io: CliIo, state: State): string {
  const [url, source] =
    flag !== undefined
      ? [flag, '--server']
      : io.env.CIPHERPAD_SERVER
        ? [io.env.CIPHERPAD_SERVER, 'CIPHERPAD_SERVER']
        : [state.server ?? state.pending?.server ?? DEFAULT_SERVER, 'the state file'];
  return checkServerUrl(url, source);
}

/**
 * Checks a server base URL and gives it without a trailing slash.
 *
 * @throws {@link UsageError} naming `source` when it is not an http or https URL.
 */
export function checkServerUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${source}: "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`${source}: "${url}" is not an http or https URL`);
  }
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
    throw new UsageError(`${source}: "${url}" must have no credentials, query or fragment`);
  }
  return parsed.href.replace(/\/+$/, '');
}
