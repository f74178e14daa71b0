import { randomBytes, type webcrypto } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';

/** A registration started with `cipherpad register` whose codes are not all verified yet. */
export interface PendingRegistration {
  readonly server: string;
  readonly registrationId: string;
  readonly email: string;
  readonly phone: string;
}

/** The device's secrets: the OCRA key (hex) and the ECDSA signing private key (JWK). */
export interface ClearKeys {
  readonly ocraKey: string;
  readonly signingKey: webcrypto.JsonWebKey;
}

/** {@link ClearKeys} as JSON, encrypted with AES-256-GCM under scrypt(PIN); AAD = device id. */
export interface SealedKeys {
  readonly encrypted: {
    readonly kdf: 'scrypt';
    readonly N: number;
    readonly r: number;
    readonly p: number;
    /** base64url */
    readonly salt: string;
    /** base64url, 12 bytes */
    readonly nonce: string;
    /** base64url of the ciphertext followed by the 16-byte tag */
    readonly ciphertext: string;
  };
}

/** The keys as kept in the state file: in clear when there is no PIN, else sealed. */
export type StoredKeys = ClearKeys | SealedKeys;

/**
 * What the CLI keeps between runs (`~/.cipherpad/state.json` by default): the activated device
 * and a pending registration. The file is mode 0600 in a 0700 directory.
 */
export interface State {
  readonly version: 1;
  /** The server the device was activated at (or the account registered with). */
  readonly server?: string;
  readonly email?: string;
  readonly deviceId?: string;
  readonly accountId?: string;
  /** ISO 8601 time of activation. */
  readonly activatedAt?: string;
  readonly keys?: StoredKeys;
  readonly pending?: PendingRegistration;
}

/** An activated device, as read from a {@link State}. */
export interface ActiveDevice {
  readonly server: string;
  readonly email: string;
  readonly deviceId: string;
  readonly accountId: string;
  readonly activatedAt: string;
  readonly keys: StoredKeys;
}

/** Whether the stored keys are sealed under a PIN. */
export function isSealed(keys: StoredKeys): keys is SealedKeys {
  return 'encrypted' in keys;
}

/** The activated device of a state, if it has one. */
export function activeDevice(state: State): ActiveDevice | undefined {
  const { server, email, deviceId, accountId, activatedAt, keys } = state;
  if (
    server === undefined ||
    email === undefined ||
    deviceId === undefined ||
    accountId === undefined ||
    keys === undefined
  ) {
    return undefined;
  }
  return { server, email, deviceId, accountId, activatedAt: activatedAt ?? '', keys };
}

/**
 * Where the state file is: `--state FILE`, else `CIPHERPAD_STATE`, else
 * `~/.cipherpad/state.json`. A relative path is taken from the working directory.
 */
export function resolveStatePath(flag: string | undefined, io: CliIo): string {
  const given = flag || io.env.CIPHERPAD_STATE;
  if (given) return resolve(io.cwd, given);
  return join(io.env.HOME || homedir(), '.cipherpad', 'state.json');
}

/**
 * Reads the state file; a file that does not exist is an empty state.
 *
 * @throws {@link CliError} `ERR_STATE_UNREADABLE` or `ERR_STATE_INVALID`.
 */
export async function readState(path: string): Promise<State> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1 };
    throw new CliError(
      'ERR_STATE_UNREADABLE',
      `cannot read the state file ${path}: ${reason(error)}`,
      {
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(path, 'it is not JSON', error);
  }
  return checkState(path, json);
}

/**
 * Writes the state file atomically: a new file of mode 0600 beside it, then a rename, so a
 * crash never leaves half a key file. Makes the directory (mode 0700) if needed.
 *
 * @throws {@link CliError} `ERR_STATE_UNWRITABLE`.
 */
export async function writeState(path: string, state: State): Promise<void> {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(
      'ERR_STATE_UNWRITABLE',
      `cannot write the state file ${path}: ${reason(error)}`,
      {
        cause: error,
      },
    );
  }
}

function checkState(path: string, json: unknown): State {
  if (!isRecord(json)) throw invalid(path, 'it is not a JSON object');
  if (json.version !== undefined && json.version !== 1) {
    throw invalid(path, `version ${String(json.version)} is not known to this cipherpad`);
  }
  for (const field of ['server', 'email', 'deviceId', 'accountId', 'activatedAt'] as const) {
    if (json[field] !== undefined && typeof json[field] !== 'string') {
      throw invalid(path, `"${field}" is not a string`);
    }
  }
  const { pending, keys } = json;
  if (pending !== undefined) {
    if (
      !isRecord(pending) ||
      !['server', 'registrationId', 'email', 'phone'].every((f) => typeof pending[f] === 'string')
    ) {
      throw invalid(path, '"pending" is not a registration');
    }
  }
  if (keys !== undefined && !isStoredKeys(keys)) {
    throw invalid(path, '"keys" holds neither clear nor encrypted keys');
  }
  return { ...(json as Omit<State, 'version'>), version: 1 };
}

function isStoredKeys(keys: unknown): keys is StoredKeys {
  if (!isRecord(keys)) return false;
  if (keys.encrypted !== undefined) {
    const sealed = keys.encrypted;
    return (
      isRecord(sealed) &&
      sealed.kdf === 'scrypt' &&
      ['N', 'r', 'p'].every((f) => Number.isSafeInteger(sealed[f])) &&
      ['salt', 'nonce', 'ciphertext'].every((f) => typeof sealed[f] === 'string')
    );
  }
  return typeof keys.ocraKey === 'string' && isRecord(keys.signingKey);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path: string, why: string, cause?: unknown): CliError {
  return new CliError('ERR_STATE_INVALID', `the state file ${path} is not valid: ${why}`, {
    cause,
  });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
