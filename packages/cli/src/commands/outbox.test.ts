import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir } from '../testing/run-cli.js';
import {
  codeFor,
  registerWithCli,
  startTestServer,
  type TestServer,
} from '../testing/test-server.js';

const ERIN = 'erin@example.com';
const ERIN_PHONE = '+447700900321';
const FRANK = 'frank@example.com';
const FRANK_PHONE = '+447700900654';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const dir = tempDir();
  // Erin registers and activates: her newest email is the new-device notice, without a code.
  await registerWithCli(server, join(dir, 'erin.json'), ERIN, ERIN_PHONE);
  const code = await codeFor(server, ERIN_PHONE, 8);
  const activated = await cli([
    'activate',
    '--code',
    code,
    '--no-pin',
    '--state',
    join(dir, 'erin.json'),
  ]);
  expect(activated.status).toBe(0);
  // Frank's registration puts two more messages in the outbox.
  await cli([
    'register',
    '--email',
    FRANK,
    '--phone',
    FRANK_PHONE,
    '--server',
    server.url,
    '--state',
    join(dir, 'frank.json'),
  ]);
});

afterAll(async () => {
  await server.close();
  cleanup();
});

describe('cipherpad outbox', () => {
  it('lists the messages to an address, newest first', async () => {
    const result = await cli(['outbox', '--to', ERIN, '--server', server.url]);
    expect(result.status).toBe(0);
    const headers = result.stdout.match(/^#\d+ .*$/gm) ?? [];
    expect(headers).toHaveLength(2);
    for (const header of headers) {
      expect(header).toMatch(/^#\d+ {2}2026-01-15T12:00:00\.000Z {2}email {2}erin@example\.com$/);
    }
    const [newest, oldest] = result.stdout.split(/^(?=#\d+ )/m);
    expect(newest).toContain('  Subject: A new device was activated for your Cipherpad account\n');
    expect(oldest).toMatch(
      /^ {2}Subject: Confirm your email for Cipherpad\n {2}Welcome to Cipherpad\.\n/m,
    );
    expect(result.stdout).not.toContain(FRANK);
  });

  it('prints no code when the newest message to the address holds none', async () => {
    const result = await cli(['outbox', '--to', ERIN, '--code', '--server', server.url]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'cipherpad: the newest message to erin@example.com holds no code (ERR_CODE_NOT_FOUND)\n',
    });
  });

  it('lists the newest --limit messages', async () => {
    const all = await cli(['outbox', '--server', server.url]);
    const limited = await cli(['outbox', '--limit', '2', '--server', server.url]);
    const headers = limited.stdout.match(/^#\d+ .*$/gm);
    expect(headers).toEqual(all.stdout.match(/^#\d+ .*$/gm)?.slice(0, 2));
    expect(headers?.[0]).toContain(FRANK_PHONE);
    expect(headers?.[1]).toContain(FRANK);
  });

  it('finds the SMS to a phone number typed with spaces', async () => {
    const result = await cli(['outbox', '--to', '+44 7700 900321', '--server', server.url]);
    const headers = result.stdout.match(/^#\d+ .*$/gm);
    expect(headers).toHaveLength(2);
    expect(result.stdout).toMatch(/^ {2}Cipherpad: your activation code is \d{8}\. /m);
    expect(result.stdout).toMatch(/^ {2}Cipherpad: your phone verification code is \d{6}$/m);
  });

  it('fails when there is no code to print', async () => {
    const result = await cli([
      'outbox',
      '--to',
      'nobody@example.com',
      '--code',
      '--server',
      server.url,
    ]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'cipherpad: no message to nobody@example.com in the outbox (ERR_CODE_NOT_FOUND)\n',
    });
  });
});
