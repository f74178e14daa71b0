import { readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { startTestService, type TestService } from '@cipherpad/server/testing';
import { expect } from 'vitest';
import { cli } from './run-cli.js';

/** A real Cipherpad service listening on a free local port, for the CLI to talk to. */
export interface TestServer {
  readonly service: TestService;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the service (SQLite, outbox delivery, fake clock at 2026-01-15T12:00Z, sessions of
 * 12 hours) and listens on 127.0.0.1.
 */
export async function startTestServer(): Promise<TestServer> {
  const service = await startTestService();
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = service.app.server.address() as AddressInfo;
  return { service, url: `http://127.0.0.1:${port}`, close: () => service.close() };
}

/** When a session opened at the fake clock's start expires, and its idle time, as `login` says them. */
export const SESSION_EXPIRES = '2026-01-16T00:00:00.000Z, or after 5 minutes without a request';

/** `cipherpad outbox --code` for an address, checked against what the service really sent. */
export async function codeFor(server: TestServer, to: string, digits: 6 | 8): Promise<string> {
  const result = await cli(['outbox', '--to', to, '--code', '--server', server.url]);
  expect(result).toMatchObject({ status: 0, stderr: '' });
  expect(result.stdout).toMatch(new RegExp(`^\\d{${digits}}\\n$`));
  const code = result.stdout.trim();
  const pattern = digits === 8 ? /activation code is (\d{8})/ : /verification code is (\d{6})/;
  expect(code).toBe(await server.service.codeSentTo(to.replace(/ /g, ''), pattern));
  return code;
}

/** Starts a login as a site would (`login --shell`) and returns its id and challenge. */
export async function startLogin(
  server: TestServer,
  email: string,
  extra: string[] = [],
): Promise<{ id: string; challenge: string }> {
  const result = await cli([
    'login',
    '--email',
    email,
    '--shell',
    '--server',
    server.url,
    ...extra,
  ]);
  expect(result.status).toBe(0);
  expect(result.stderr).toBe('');
  const match = /^LOGIN_ID='([A-Za-z0-9_-]+)'\nCHALLENGE='(\d{8})'\n$/.exec(result.stdout);
  expect(match).not.toBeNull();
  return { id: match![1]!, challenge: match![2]! };
}

/** `cipherpad login --id ID --response R`. */
export function verifyLogin(server: TestServer, id: string, response: string) {
  // Login ids are base64url: some start with "-", and must still be taken as the value of --id.
  return cli(['login', '--id', id, '--response', response, '--server', server.url]);
}

/** Registers an account from the CLI without a terminal, reading the codes from the outbox. */
export async function registerWithCli(
  server: TestServer,
  state: string,
  email: string,
  phone: string,
): Promise<void> {
  const started = await cli([
    'register',
    '--email',
    email,
    '--phone',
    phone,
    '--server',
    server.url,
    '--state',
    state,
  ]);
  expect(started.status).toBe(0);
  const emailCode = await codeFor(server, email, 6);
  const smsCode = await codeFor(server, phone, 6);
  const result = await cli([
    'register',
    '--email-code',
    emailCode,
    '--sms-code',
    smsCode,
    '--state',
    state,
  ]);
  expect(result.stdout).toMatch(new RegExp(`^Registered ${email.replace(/\./g, '\\.')}\\. `));
}

/** The JSON in a file. */
export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The permission bits of a file. */
export function fileMode(path: string): number {
  return statSync(path).mode & 0o777;
}
