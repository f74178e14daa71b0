import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("the CLI's client of the service", () => {
  it("turns a refusal into the service's code and message", async () => {
    const api = new ApiClient(server.url);
    try {
      const error = await api
        .post('/v1/logins/nope/verify', { response: '12345678' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).code).toBe('ERR_LOGIN_NOT_FOUND');
      expect((error as CliError).message).toBe('No such login');
    } finally {
      await api.close();
    }
  });

  it('says how to sign in again when the session is missing or ended', async () => {
    const api = new ApiClient(server.url);
    try {
      const error = await api.get('/v1/account').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).code).toBe('ERR_UNAUTHENTICATED');
      expect((error as CliError).message).toBe(
        'Sign in first: the session is missing or expired (sign in again with: cipherpad login)',
      );
    } finally {
      await api.close();
    }
  });
});
