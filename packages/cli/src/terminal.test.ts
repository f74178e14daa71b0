import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, startCli, tempDir } from './testing/run-cli.js';
import {
  codeFor,
  fileMode,
  readJson,
  SESSION_EXPIRES,
  startLogin,
  startTestServer,
  type TestServer,
  verifyLogin,
} from './testing/test-server.js';

// What a person at a terminal sees: prompts for what is missing, PINs that are not echoed,
// and key files sealed under the PIN. Against a real service.

const BOB = 'bob@example.com';
const BOB_PHONE = '+447700900456';
const CAROL = 'carol@example.com';
const CAROL_PHONE = '+447700900789';
const DAVE = 'dave@example.com';
const DAVE_PHONE = '+447700900321';

let server: TestServer;
let dir: string;
let bobState: string;
let carolState: string;
let daveState: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = tempDir();
  bobState = join(dir, 'bob.json');
  carolState = join(dir, 'carol.json');
  daveState = join(dir, 'dave.json');
});

afterAll(async () => {
  await server.close();
  cleanup();
});

describe('cipherpad register and activate in a terminal, with a PIN', () => {
  it('asks for the two codes and registers', async () => {
    const session = startCli(
      [
        'register',
        '--email',
        BOB,
        '--phone',
        BOB_PHONE,
        '--server',
        server.url,
        '--state',
        bobState,
      ],
      { isTTY: true },
    );
    await session.waitForStderr(/Code sent by email to bob@example\.com: $/);
    session.stdin.write(
      `${await server.service.codeSentTo(BOB, /verification code is (\d{6})/)}\n`,
    );
    await session.waitForStderr(/Code sent by SMS to \+447700900456: $/);
    session.stdin.write(
      `${await server.service.codeSentTo(BOB_PHONE, /verification code is (\d{6})/)}\n`,
    );
    const result = await session.done;
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Registered ${BOB}\\. `));
  });

  it('keeps the keys encrypted under the PIN, in a file of mode 0600', async () => {
    const code = await codeFor(server, BOB_PHONE, 8);
    const result = await cli(['activate', '--code', code, '--pin', '2468', '--state', bobState]);
    expect(result.status).toBe(0);
    expect(fileMode(bobState)).toBe(0o600);
    const text = readFileSync(bobState, 'utf8');
    const state = JSON.parse(text);
    expect(state.keys).toEqual({
      encrypted: {
        kdf: 'scrypt',
        N: 2 ** 15,
        r: 8,
        p: 1,
        salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        nonce: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
        ciphertext: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      },
    });
    expect(text).not.toMatch(/ocraKey|signingKey|"d"|[0-9a-f]{64}/);
    const status = await cli(['status', '--state', bobState]);
    expect(status.stdout).toContain('Key file:     protected by a PIN\n');
  });

  it('answers with the PIN given as a flag, and signs in', async () => {
    const { id, challenge } = await startLogin(server, BOB);
    const answered = await cli(['respond', challenge, '--pin', '2468', '--state', bobState]);
    expect(answered.status).toBe(0);
    expect(answered.stdout).toMatch(/^\d{8}\n$/);
    expect((await verifyLogin(server, id, answered.stdout.trim())).stdout).toBe(
      `Signed in as ${BOB} (session expires ${SESSION_EXPIRES})\n`,
    );
  });

  it('asks for the PIN in a terminal, without echoing it', async () => {
    const withFlag = await cli(['respond', '87654321', '--pin', '2468', '--state', bobState]);
    const session = startCli(['respond', '87654321', '--state', bobState], { isTTY: true });
    await session.waitForStderr(/PIN: $/);
    session.stdin.write('2468\n');
    const result = await session.done;
    expect(result).toEqual({ status: 0, stdout: withFlag.stdout, stderr: 'PIN: \n' });
  });

  it('plays the site in a terminal: asks for the response, and again after a wrong one', async () => {
    const session = startCli(['login', '--email', BOB, '--server', server.url], { isTTY: true });
    const prompt = 'Response (cipherpad respond, cipherpad scan or the app): ';
    await session.waitForStderr(/\(cipherpad respond, cipherpad scan or the app\): $/);
    const challenge = /^Challenge: (\d{8})$/m.exec(session.stdout())![1]!;
    const right = (await cli(['respond', challenge, '--pin', '2468', '--state', bobState])).stdout;
    session.stdin.write(right === '00000000\n' ? '11111111\n' : '00000000\n');
    await session.waitForStderr(/2 attempts left\nResponse .*: $/);
    session.stdin.write(right);
    const result = await session.done;
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^Login id: {2}\\S+\\n[^]*\\nSigned in as ${BOB} \\(session expires ${SESSION_EXPIRES}\\)\\n$`,
      ),
    );
    expect(result.stderr).toBe(`${prompt}The response is not correct: 2 attempts left\n${prompt}`);
  });

  it('refuses a wrong PIN', async () => {
    const result = await cli(['respond', '87654321', '--pin', '1357', '--state', bobState]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'cipherpad: wrong PIN (ERR_PIN_WRONG)\n',
    });
  });

  it('needs --pin without a terminal', async () => {
    const result = await cli(['respond', '87654321', '--state', bobState]);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: 'cipherpad: respond: missing --pin (see cipherpad help respond)\n',
    });
  });
});

describe('cipherpad activate in a terminal', () => {
  it('continues a registration with both codes at once', async () => {
    const started = await cli([
      'register',
      '--email',
      CAROL,
      '--phone',
      CAROL_PHONE,
      '--server',
      server.url,
      '--state',
      carolState,
    ]);
    expect(started.status).toBe(0);
    const emailCode = await codeFor(server, CAROL, 6);
    const smsCode = await codeFor(server, CAROL_PHONE, 6);
    const result = await cli([
      'register',
      '--email-code',
      emailCode,
      '--sms-code',
      smsCode,
      '--state',
      carolState,
    ]);
    expect(result.stdout).toMatch(new RegExp(`^Registered ${CAROL}\\. `));
  });

  it('asks for the code and a PIN, twice, and refuses a short or mistyped one', async () => {
    const code = await codeFor(server, CAROL_PHONE, 8);
    const session = startCli(['activate', '--state', carolState], { isTTY: true });
    const answer = async (prompt: RegExp, text: string) => {
      await session.waitForStderr(prompt);
      session.stdin.write(`${text}\n`);
    };
    const pinPrompt = 'PIN to protect the key file (empty for none): ';
    await answer(/Activation code \(sent by SMS\): $/, code);
    await answer(/\(empty for none\): $/, '12');
    await answer(/characters or more\.\nPIN to protect .*: $/, '1234');
    await answer(/The same PIN again: $/, '9999');
    await answer(/try again\.\nPIN to protect .*: $/, '1234');
    await answer(/try again\.\nPIN to protect .*: \nThe same PIN again: $/, '1234');
    const result = await session.done;
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Activated device \\S+ for ${CAROL}\\.\\n$`));
    // The PINs were not echoed: only the prompts and the messages are on stderr.
    expect(result.stderr).toBe(
      'Activation code (sent by SMS): ' +
        `${pinPrompt}\nThe PIN must be 4 characters or more.\n` +
        `${pinPrompt}\nThe same PIN again: \nThe two PINs differ; try again.\n` +
        `${pinPrompt}\nThe same PIN again: \n`,
    );
    expect(readJson(carolState).keys).toHaveProperty('encrypted');
    expect(
      (await cli(['respond', '12345678', '--pin', '1234', '--state', carolState])).status,
    ).toBe(0);
  });
});

describe('cipherpad register --no-input in a terminal, as pasted from the README', () => {
  it('does not ask for the codes and keeps the registration pending', async () => {
    // Nothing is typed: stdin ends at once, so a prompt would end the run as cancelled.
    const result = await cli(
      [
        'register',
        '--email',
        DAVE,
        '--phone',
        DAVE_PHONE,
        '--no-input',
        '--server',
        server.url,
        '--state',
        daveState,
      ],
      { isTTY: true },
    );
    const { pending } = readJson(daveState) as { pending: { registrationId: string } };
    expect(pending).toEqual({
      server: server.url,
      registrationId: expect.any(String),
      email: DAVE,
      phone: DAVE_PHONE,
    });
    const id = pending.registrationId;
    expect(result).toEqual({
      status: 0,
      stdout:
        `Registration ${id} for ${DAVE} waits for its codes. When they arrive, run:\n` +
        '  cipherpad register --email-code CODE --sms-code CODE\n',
      stderr: `Started registration ${id}: codes were sent by email to ${DAVE} and by SMS to ${DAVE_PHONE}.\n`,
    });
  });
});
