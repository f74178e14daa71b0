import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeResponse, hexToBytes } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir } from './testing/run-cli.js';
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

// PRODUCT.md flows 2, 4, 5, 6 and 7 from a script, one step after the other, against a real
// service (SQLite, outbox delivery, fake clock at 2026-01-15T12:00Z).

const ALICE = 'alice@example.com';
const ALICE_PHONE = '+447700900123';

let server: TestServer;
let dir: string;
let aliceState: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = tempDir();
  aliceState = join(dir, 'alice', 'state.json');
});

afterAll(async () => {
  await server.close();
  cleanup();
});

describe('cipherpad register (non-interactive: pending, then continued)', () => {
  it('starts a registration, keeps it in the state file and says what to run next', async () => {
    const result = await cli([
      'register',
      '--email',
      'Alice@Example.com',
      '--phone',
      '+44 7700 900123',
      '--server',
      server.url,
      '--state',
      aliceState,
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cipherpad register --email-code CODE --sms-code CODE\n');
    const state = readJson(aliceState);
    expect(state.pending).toEqual({
      server: server.url,
      registrationId: expect.any(String),
      email: ALICE,
      phone: ALICE_PHONE,
    });
    expect(fileMode(aliceState)).toBe(0o600);
    expect(fileMode(join(dir, 'alice'))).toBe(0o700);
  });

  it('verifies one code, then asks only for the other', async () => {
    const emailCode = await codeFor(server, ALICE, 6);
    const result = await cli(['register', '--email-code', emailCode, '--state', aliceState]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('  cipherpad register --sms-code CODE\n');
    expect(readJson(aliceState).pending).toEqual({
      server: server.url,
      registrationId: expect.any(String),
      email: ALICE,
      phone: ALICE_PHONE,
    });
  });

  it('refuses a wrong SMS code with the server code, and keeps the registration', async () => {
    const result = await cli(['register', '--sms-code', '000000', '--state', aliceState]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'cipherpad: The code is not correct: 4 attempts left (ERR_CODE_INVALID)\n',
    });
    expect(readJson(aliceState).pending).toEqual({
      server: server.url,
      registrationId: expect.any(String),
      email: ALICE,
      phone: ALICE_PHONE,
    });
  });

  it('completes with the SMS code, clears the pending registration and sends the activation code', async () => {
    const smsCode = await codeFor(server, '+44 7700 900123', 6);
    const result = await cli(['register', '--sms-code', smsCode, '--state', aliceState]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `Registered ${ALICE}. The activation code was sent by SMS to ${ALICE_PHONE}.\n` +
        `Next: cipherpad activate --email ${ALICE} --code CODE\n`,
    );
    expect(readJson(aliceState)).toEqual({ version: 1, server: server.url, email: ALICE });
  });
});

describe('cipherpad activate without a PIN', () => {
  it('activates with the email and server kept by register, and stores the keys', async () => {
    const code = await codeFor(server, ALICE_PHONE, 8);
    const result = await cli(['activate', '--code', code, '--no-pin', '--state', aliceState]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const state = readJson(aliceState);
    expect(result.stdout).toBe(`Activated device ${state.deviceId} for ${ALICE}.\n`);
    expect(state).toMatchObject({
      version: 1,
      server: server.url,
      email: ALICE,
      deviceId: expect.any(String),
      accountId: expect.any(String),
      activatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      keys: {
        ocraKey: expect.stringMatching(/^[0-9a-f]{64}$/),
        signingKey: { kty: 'EC', crv: 'P-256', d: expect.any(String) },
      },
    });
    expect(fileMode(aliceState)).toBe(0o600);
  });

  it('does not replace an activated device without --force', async () => {
    const before = readFileSync(aliceState, 'utf8');
    const result = await cli(['activate', '--code', '12345678', '--no-pin', '--state', aliceState]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /already holds device .* give --force .*\(ERR_ALREADY_ACTIVATED\)\n$/,
    );
    expect(readFileSync(aliceState, 'utf8')).toBe(before);
  });

  it('goes to the server with --force, and keeps the device when activation fails', async () => {
    const before = readFileSync(aliceState, 'utf8');
    const argv = ['activate', '--code', '00000000', '--no-pin', '--force', '--state', aliceState];
    const result = await cli(argv);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/\(ERR_ACTIVATION_FAILED\)\n$/);
    expect(readFileSync(aliceState, 'utf8')).toBe(before);
  });

  it('reports a wrong activation code as the server refuses it', async () => {
    const result = await cli([
      'activate',
      '--email',
      ALICE,
      '--code',
      '00000000',
      '--no-pin',
      '--server',
      server.url,
      '--state',
      join(dir, 'wrong-code.json'),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^cipherpad: .+ \(ERR_ACTIVATION_FAILED\)\n$/);
  });

  it('shows the device in status, without any key', async () => {
    const state = readJson(aliceState);
    const result = await cli(['status', '--state', aliceState]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Server:       ${server.url}\n`);
    expect(result.stdout).toContain(`Account:      ${ALICE} (${state.accountId})\n`);
    expect(result.stdout).toContain(`${state.deviceId} (activated `);
    expect(result.stdout).toContain('Key file:     not protected by a PIN\n');
    const keys = state.keys as { ocraKey: string; signingKey: { d: string } };
    expect(result.stdout).not.toContain(keys.ocraKey);
    expect(result.stdout).not.toContain(keys.signingKey.d);
  });
});

describe('cipherpad login and respond (Authorization mode)', () => {
  it('signs in with the response computed offline from the stored key', async () => {
    const { id, challenge } = await startLogin(server, ALICE);
    const answered = await cli(['respond', challenge, '--state', aliceState]);
    const { ocraKey } = readJson(aliceState).keys as { ocraKey: string };
    expect(answered).toEqual({
      status: 0,
      stdout: `${await computeResponse(hexToBytes(ocraKey), { mode: 'authorization', challenge })}\n`,
      stderr: '',
    });
    const verified = await verifyLogin(server, id, answered.stdout.trim());
    expect(verified).toEqual({
      status: 0,
      stdout: `Signed in as ${ALICE} (session expires ${SESSION_EXPIRES})\n`,
      stderr: '',
    });
  });

  it('takes a challenge typed in groups', async () => {
    const { challenge } = await startLogin(server, ALICE);
    const whole = await cli(['respond', challenge, '--state', aliceState]);
    const grouped = await cli([
      'respond',
      challenge.slice(0, 4),
      challenge.slice(4),
      '--state',
      aliceState,
    ]);
    expect(grouped).toEqual(whole);
  });

  it('reports a wrong response with the attempts left', async () => {
    const { id, challenge } = await startLogin(server, ALICE);
    const right = (await cli(['respond', challenge, '--state', aliceState])).stdout.trim();
    const wrong = right === '00000000' ? '11111111' : '00000000';
    const result = await verifyLogin(server, id, wrong);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'cipherpad: The response is not correct: 2 attempts left (ERR_RESPONSE_REJECTED)\n',
    });
    expect((await verifyLogin(server, id, right)).status).toBe(0);
  });

  it('prints the login for a person, and how to verify it without a terminal', async () => {
    const result = await cli(['login', '--email', ALICE, '--server', server.url]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^Login id: {2}(\S+)\nChallenge: \d{8}\nURI: {7}cipherpad:login\?challenge=\d{8}&id=\1&server=http:\/\/cipherpad\.test\/\nExpires: {3}2026-01-15T12:05:00\.000Z\n$/,
    );
    const id = /^Login id: {2}(\S+)/.exec(result.stdout)![1];
    expect(result.stderr).toBe(`Then: cipherpad login --id ${id} --response RESPONSE\n`);
  });
});

describe('cipherpad login and respond (Payment mode)', () => {
  it('signs in with a response bound to the amount and the purse', async () => {
    const payment = [
      '--payment',
      '--amount',
      '10,50',
      '--purse',
      'z123456789012',
      '--currency',
      'WMZ',
    ];
    const { id, challenge } = await startLogin(server, ALICE, payment);
    const answered = await cli([
      'respond',
      '--payment',
      '--amount',
      '10.5',
      '--purse',
      'Z123456789012',
      challenge,
      '--state',
      aliceState,
    ]);
    const { ocraKey } = readJson(aliceState).keys as { ocraKey: string };
    const expected = await computeResponse(hexToBytes(ocraKey), {
      mode: 'payment',
      challenge,
      amount: '10.5',
      purse: 'Z123456789012',
    });
    expect(answered).toEqual({ status: 0, stdout: `${expected}\n`, stderr: '' });
    expect(
      await computeResponse(hexToBytes(ocraKey), { mode: 'authorization', challenge }),
    ).not.toBe(expected);
    expect((await verifyLogin(server, id, expected)).stdout).toBe(
      `Signed in as ${ALICE} (session expires ${SESSION_EXPIRES})\n`,
    );
  });

  it('refuses a response computed for another amount', async () => {
    const { id, challenge } = await startLogin(server, ALICE, [
      '--payment',
      '--amount',
      '10.5',
      '--purse',
      'Z123456789012',
    ]);
    const other = await cli([
      'respond',
      '--payment',
      '--amount',
      '105',
      '--purse',
      'Z123456789012',
      challenge,
      '--state',
      aliceState,
    ]);
    expect(other.status).toBe(0);
    const result = await verifyLogin(server, id, other.stdout.trim());
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(ERR_RESPONSE_REJECTED)');
  });
});

describe('cipherpad login --qr and cipherpad scan', () => {
  it('answers the login QR code the site wrote', async () => {
    const png = join(dir, 'login.png');
    const started = await cli(['login', '--email', ALICE, '--qr', png, '--server', server.url]);
    expect(started.status).toBe(0);
    expect(started.stdout).toContain(`QR code:   ${png}\n`);
    const id = /^Login id: {2}(\S+)/.exec(started.stdout)![1]!;
    const challenge = /^Challenge: (\d{8})$/m.exec(started.stdout)![1]!;

    const scanned = await cli(['scan', png, '--state', aliceState]);
    expect(scanned.status).toBe(0);
    expect(scanned.stderr).toBe(`Login to cipherpad.test\nChallenge: ${challenge}\n`);
    expect((await verifyLogin(server, id, scanned.stdout.trim())).stdout).toMatch(/^Signed in as /);
  });

  it('shows what a payment QR code asks for, and answers it', async () => {
    const png = join(dir, 'payment.png');
    const started = await cli([
      'login',
      '--email',
      ALICE,
      '--payment',
      '--amount',
      '10.50',
      '--purse',
      'Z123456789012',
      '--currency',
      'WMZ',
      '--qr',
      png,
      '--server',
      server.url,
    ]);
    expect(started.stdout).toContain('Payment:   10.5 WMZ to Z123456789012\n');
    const id = /^Login id: {2}(\S+)/.exec(started.stdout)![1]!;
    const challenge = /^Challenge: (\d{8})$/m.exec(started.stdout)![1]!;

    const scanned = await cli(['scan', png, '--state', aliceState]);
    expect(scanned.stderr).toBe(
      `Payment of 10.5 WMZ to Z123456789012\nAsked by cipherpad.test\nChallenge: ${challenge}\n`,
    );
    const quiet = await cli(['scan', png, '--quiet', '--state', aliceState]);
    expect(quiet).toEqual({ status: 0, stdout: scanned.stdout, stderr: '' });
    expect((await verifyLogin(server, id, scanned.stdout.trim())).stdout).toMatch(/^Signed in as /);
  });
});
