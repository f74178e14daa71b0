import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir } from './testing/run-cli.js';

afterAll(cleanup);

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('cipherpad without a terminal: a missing input is a usage error naming its flag', () => {
  const state = () => join(tempDir(), 'state.json');

  it.each([
    [['register'], 'register: missing --email'],
    [['register', '--email', 'alice@example.com'], 'register: missing --phone'],
    [['activate', '--code', '12345678', '--no-pin'], 'activate: missing --email'],
    [['activate', '--email', 'alice@example.com', '--no-pin'], 'activate: missing --code'],
    [
      ['activate', '--email', 'alice@example.com', '--code', '12345678'],
      'activate: missing --pin PIN or --no-pin',
    ],
    [['respond'], 'respond: missing CHALLENGE'],
    [['respond', '--payment', '12345678'], 'respond: missing --amount'],
    [['respond', '--payment', '--amount', '1', '12345678'], 'respond: missing --purse'],
    [['scan'], 'scan: missing FILE.png'],
    [['login'], 'login: missing --email'],
    [['login', '--id', 'abc'], 'login: missing --response'],
    [['login', '--email', 'alice@example.com', '--payment'], 'login: missing --amount'],
    [['outbox', '--code'], 'outbox: missing --to'],
  ])('cipherpad %j', async (argv, message) => {
    const command = argv[0];
    const result = await cli([...argv, '--state', state()]);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: `cipherpad: ${message} (see cipherpad help ${command})\n`,
    });
  });
});

describe('cipherpad --no-input in a terminal: never asks, as without a terminal', () => {
  it.each([
    [['register', '--email', 'alice@example.com'], 'register: missing --phone'],
    [
      ['activate', '--email', 'alice@example.com', '--code', '12345678'],
      'activate: missing --pin PIN or --no-pin',
    ],
    [['respond'], 'respond: missing CHALLENGE'],
    [['scan'], 'scan: missing FILE.png'],
    [['login', '--id', 'abc'], 'login: missing --response'],
    [['outbox', '--code'], 'outbox: missing --to'],
    [['ocra', '--suite', 'OCRA-1:HOTP-SHA1-6:QN08'], 'ocra: missing --key'],
  ])('cipherpad %j --no-input', async (argv, message) => {
    const command = argv[0];
    const result = await cli([...argv, '--no-input'], { isTTY: true });
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: `cipherpad: ${message} (see cipherpad help ${command})\n`,
    });
  });
});

describe('cipherpad usage errors', () => {
  it.each([
    [['respond', '--frobnicate', '12345678'], 'respond', "respond: Unknown option '--frobnicate'"],
    [
      ['respond', '1234567'],
      'respond',
      'respond: CHALLENGE "1234567": A challenge is exactly 8 digits',
    ],
    [
      ['respond', '--payment', '--amount', '-5', '--purse', 'Z123456789012', '12345678'],
      'respond',
      'respond: --amount "-5": An amount is digits with at most one "." or "," as the decimal separator',
    ],
    [
      ['respond', '--amount', '5', '12345678'],
      'respond',
      'respond: --amount and --purse are for --payment',
    ],
    [['status', 'extra'], 'status', 'status: unexpected argument "extra"'],
    [
      ['register', '--email', '--phone', '+447700900123'],
      'register',
      'register: --email needs a value',
    ],
    [['outbox', '--to'], 'outbox', 'outbox: --to needs a value'],
    [
      ['activate', '--pin', '1', '--email', 'a@example.com', '--code', '1'],
      'activate',
      'activate: --pin must be 4 characters or more (or give --no-pin)',
    ],
    [
      ['activate', '--pin', '2468', '--no-pin'],
      'activate',
      'activate: give --pin or --no-pin, not both',
    ],
    [
      ['outbox', '--limit', '0'],
      'outbox',
      'outbox: --limit must be a whole number from 1 to 200, not "0"',
    ],
    [
      ['login', '--id', 'x', '--email', 'a@example.com'],
      'login',
      'login: --email starts a login; it does not go with --id',
    ],
    [['login', '--response', '12345678'], 'login', 'login: --response needs --id LOGIN_ID'],
    [
      ['status', '--server', 'ftp://example.com'],
      'status',
      '--server: "ftp://example.com" is not an http or https URL',
    ],
  ])('cipherpad %j', async (argv, command, message) => {
    const result = await cli([...argv, '--state', join(tempDir(), 'state.json')]);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: `cipherpad: ${message} (see cipherpad help ${command})\n`,
    });
  });

  it("reports the OCRA tool's usage errors the same way", async () => {
    expect(await cli(['ocra', '--key', '00'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'cipherpad: ocra: missing --suite (see cipherpad help ocra)\n',
    });
  });

  it('names an unknown command', async () => {
    expect(await cli(['frobnicate'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'cipherpad: unknown command "frobnicate" (see cipherpad help)\n',
    });
  });

  it('shows the usage on stderr when run without a command', async () => {
    const result = await cli([]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: cipherpad <command> \[flags\]\n/);
  });
});

describe('cipherpad help and --version', () => {
  it('lists every command', async () => {
    const result = await cli(['help']);
    expect(result.status).toBe(0);
    for (const command of [
      'register',
      'activate',
      'respond',
      'scan',
      'status',
      'login',
      'outbox',
      'ocra',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
    }
  });

  it.each(['register', 'activate', 'respond', 'scan', 'status', 'login', 'outbox', 'ocra'])(
    'shows the usage of %s with help and with --help',
    async (command) => {
      const help = await cli(['help', command]);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage:\\n {2}cipherpad ${command}`));
      expect(await cli([command, '--help'])).toEqual(help);
    },
  );

  it.each(['register', 'activate', 'respond', 'scan', 'status', 'login', 'outbox', 'ocra'])(
    'lists --no-input in the usage of %s',
    async (command) => {
      const help = await cli(['help', command]);
      expect(help.stdout).toMatch(
        /^ {2}--no-input +never ask for missing inputs, even in a terminal/m,
      );
    },
  );

  it('refuses help for an unknown command', async () => {
    const result = await cli(['help', 'frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'cipherpad: help: unknown command "frobnicate" (see cipherpad help)\n',
    );
  });

  it('prints the version of the package', async () => {
    expect(await cli(['--version'])).toEqual({
      status: 0,
      stdout: `cipherpad ${manifest.version}\n`,
      stderr: '',
    });
  });

  it('dispatches cipherpad ocra to the OCRA tool', async () => {
    // RFC 6287 appendix C.1, OCRA-1:HOTP-SHA1-6:QN08, Q = 00000000.
    const result = await cli([
      'ocra',
      '--suite',
      'OCRA-1:HOTP-SHA1-6:QN08',
      '--key',
      '3132333435363738393031323334353637383930',
      '--question',
      '00000000',
    ]);
    expect(result).toEqual({ status: 0, stdout: '237653\n', stderr: '' });
  });
});

describe('cipherpad failures', () => {
  it('reports an unreachable server on one line', async () => {
    const result = await cli(['outbox', '--server', 'http://127.0.0.1:9']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^cipherpad: cannot reach the server at http:\/\/127\.0\.0\.1:9: .+ \(ERR_SERVER_UNREACHABLE\)\n$/,
    );
  });

  it('takes a value that starts with "-" for a flag, as base64url login ids may', async () => {
    const argv = [
      'login',
      '--id',
      '-Fx_9',
      '--response',
      '12345678',
      '--server',
      'http://127.0.0.1:9',
    ];
    const result = await cli(argv);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(ERR_SERVER_UNREACHABLE)');
  });

  it('shows the stack only with CIPHERPAD_DEBUG=1', async () => {
    const argv = ['respond', '12345678', '--state', join(tempDir(), 'none.json')];
    const plain = await cli(argv);
    expect(plain.stderr).toMatch(
      /^cipherpad: no device is activated in .+ \(ERR_STATE_INVALID\)\n$/,
    );
    const debug = await cli(argv, { env: { CIPHERPAD_DEBUG: '1' } });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/^CliError: no device is activated[^\n]*\n\s+at /);
    expect(debug.stderr.endsWith(plain.stderr)).toBe(true);
  });

  it('refuses a state file that is not JSON', async () => {
    const path = join(tempDir(), 'state.json');
    writeFileSync(path, '{ not json');
    const result = await cli(['status', '--state', path]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `cipherpad: the state file ${path} is not valid: it is not JSON (ERR_STATE_INVALID)\n`,
    });
  });

  it('finds the state file from CIPHERPAD_STATE, relative to the working directory', async () => {
    const dir = tempDir();
    const result = await cli(['status'], { cwd: dir, env: { CIPHERPAD_STATE: 'mine.json' } });
    expect(result.stdout).toContain(`State file:   ${join(dir, 'mine.json')}\n`);
  });

  it('takes the server from CIPHERPAD_SERVER unless --server is given', async () => {
    const env = { CIPHERPAD_SERVER: 'https://cipherpad.example/' };
    const fromEnv = await cli(['status', '--state', join(tempDir(), 's.json')], { env });
    expect(fromEnv.stdout).toContain('Server:       https://cipherpad.example\n');
    const fromFlag = await cli(
      ['status', '--server', 'http://localhost:9000', '--state', join(tempDir(), 's.json')],
      { env },
    );
    expect(fromFlag.stdout).toContain('Server:       http://localhost:9000\n');
  });
});
