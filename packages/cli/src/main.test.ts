import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeResponse, hexToBytes } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealKeys } from './sealed-keys.js';
import { type ClearKeys, writeState } from './state-file.js';
import { cleanup, tempDir } from './testing/run-cli.js';

// The built command, as `npm install -g` or `npx cipherpad` runs it.
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const OCRA_KEY = 'a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0';
const KEYS: ClearKeys = { ocraKey: OCRA_KEY, signingKey: { kty: 'EC', crv: 'P-256' } };
const DEVICE = {
  version: 1,
  server: 'http://127.0.0.1:8080',
  email: 'alice@example.com',
  deviceId: 'device-1',
  accountId: 'account-1',
  activatedAt: '2026-01-15T12:00:00.000Z',
} as const;

let dir: string;

beforeAll(async () => {
  dir = tempDir();
  await writeState(join(dir, 'clear.json'), { ...DEVICE, keys: KEYS });
  await writeState(join(dir, 'pin.json'), {
    ...DEVICE,
    keys: await sealKeys(KEYS, '2468', DEVICE.deviceId),
  });
});

afterAll(cleanup);

function cipherpad(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  if (!existsSync(MAIN)) {
    throw new Error(
      `${MAIN} is missing: build the CLI with \`npx tsc -b\` before running the tests`,
    );
  }
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN, ...argv],
      // stdin is a pipe, not a terminal: nothing may be asked for.
      { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

describe('the built cipherpad binary', () => {
  it('starts with a node shebang', () => {
    if (!existsSync(MAIN)) {
      throw new Error(
        `${MAIN} is missing: build the CLI with \`npx tsc -b\` before running the tests`,
      );
    }
    expect(readFileSync(MAIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('prints only the response to a challenge', async () => {
    const expected = await computeResponse(hexToBytes(OCRA_KEY), {
      mode: 'authorization',
      challenge: '00000000',
    });
    expect(await cipherpad(['respond', '00000000', '--state', join(dir, 'clear.json')])).toEqual({
      status: 0,
      stdout: `${expected}\n`,
      stderr: '',
    });
  });

  it('answers in Payment mode with the PIN', async () => {
    const expected = await computeResponse(hexToBytes(OCRA_KEY), {
      mode: 'payment',
      challenge: '12345678',
      amount: '1.5',
      purse: 'Z123456789012',
    });
    const argv = ['respond', '--payment', '--amount', '1,50', '--purse', 'Z123456789012'];
    const result = await cipherpad([
      ...argv,
      '--pin',
      '2468',
      '12345678',
      '--state',
      join(dir, 'pin.json'),
    ]);
    expect(result).toEqual({ status: 0, stdout: `${expected}\n`, stderr: '' });
  });

  it('exits with 1 and one line for a wrong PIN', async () => {
    const result = await cipherpad([
      'respond',
      '12345678',
      '--pin',
      '0000',
      '--state',
      join(dir, 'pin.json'),
    ]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'cipherpad: wrong PIN (ERR_PIN_WRONG)\n',
    });
  });

  it('exits with 2 when the PIN is missing and stdin is not a terminal', async () => {
    const result = await cipherpad(['respond', '12345678', '--state', join(dir, 'pin.json')]);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: 'cipherpad: respond: missing --pin (see cipherpad help respond)\n',
    });
  });
});
