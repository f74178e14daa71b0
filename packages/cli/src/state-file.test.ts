import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { readState, resolveStatePath, writeState } from './state-file.js';
import { cleanup, tempDir } from './testing/run-cli.js';

afterAll(cleanup);

function io(env: Record<string, string>, cwd = '/work'): CliIo {
  const sink = { write: () => true };
  return { stdout: sink, stderr: sink, stdin: process.stdin, isTTY: false, env, cwd };
}

describe('state file', () => {
  it('is ~/.cipherpad/state.json unless --state or CIPHERPAD_STATE says otherwise', () => {
    expect(resolveStatePath(undefined, io({ HOME: '/home/alice' }))).toBe(
      '/home/alice/.cipherpad/state.json',
    );
    expect(resolveStatePath(undefined, io({ HOME: '/h', CIPHERPAD_STATE: 'a.json' }))).toBe(
      '/work/a.json',
    );
    expect(resolveStatePath('/tmp/b.json', io({ HOME: '/h', CIPHERPAD_STATE: 'a.json' }))).toBe(
      '/tmp/b.json',
    );
  });

  it('is written atomically with mode 0600 in a new directory of mode 0700', async () => {
    const home = tempDir();
    const path = join(home, '.cipherpad', 'state.json');
    await writeState(path, { version: 1, email: 'a@example.com' });
    await writeState(path, { version: 1, email: 'b@example.com' });
    expect(statSync(join(home, '.cipherpad')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(home, '.cipherpad'))).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, email: 'b@example.com' });
  });

  it('replaces a file that was readable by others with one of mode 0600', async () => {
    const path = join(tempDir(), 'state.json');
    writeFileSync(path, '{}', { mode: 0o644 });
    await writeState(path, { version: 1 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reads a missing file as an empty state', async () => {
    expect(await readState(join(tempDir(), 'none.json'))).toEqual({ version: 1 });
  });

  it('round-trips what it wrote', async () => {
    const path = join(tempDir(), 'state.json');
    const state = {
      version: 1,
      pending: { server: 'http://s', registrationId: 'r', email: 'a@example.com', phone: '+4477' },
    } as const;
    await writeState(path, state);
    expect(await readState(path)).toEqual(state);
  });

  it.each([
    ['[1]', 'it is not a JSON object'],
    ['{"version":2}', 'version 2 is not known to this cipherpad'],
    ['{"deviceId":7}', '"deviceId" is not a string'],
    ['{"pending":{"server":"x"}}', '"pending" is not a registration'],
    ['{"keys":{"ocraKey":"00"}}', '"keys" holds neither clear nor encrypted keys'],
  ])('refuses %s', async (text, why) => {
    const path = join(tempDir(), 'state.json');
    writeFileSync(path, text);
    const error = await readState(path).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('ERR_STATE_INVALID');
    expect((error as CliError).message).toBe(`the state file ${path} is not valid: ${why}`);
  });

  it('reports a state file it cannot write', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'state.json'));
    const error = await writeState(join(dir, 'state.json'), { version: 1 }).catch(
      (r: unknown) => r,
    );
    expect((error as CliError).code).toBe('ERR_STATE_UNWRITABLE');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
