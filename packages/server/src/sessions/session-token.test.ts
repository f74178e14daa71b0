import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../crypto/code-hasher.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { signIn } from '../testing/sign-in.js';
import { startTestService, type TestService } from '../testing/test-service.js';
import { newSessionToken, parseSessionToken, sessionSecretMatches } from './session-token.js';

describe('session tokens', () => {
  it('are the session id (32 hex digits) then a 256-bit secret, of which only the hash is kept', () => {
    const { id, token, secretHash } = newSessionToken();
    expect(token).toMatch(/^[0-9a-f]{32}[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(id)).toBe(true);
    const parts = parseSessionToken(token);
    expect(parts).toEqual({ id, secret: token.slice(32) });
    expect(secretHash).toBe(hashToken(token.slice(32)));
    expect(secretHash).not.toContain(token.slice(32));
    expect(newSessionToken().token).not.toBe(token);
  });

  it('refuses anything not of that form', () => {
    const { token } = newSessionToken();
    for (const bad of [
      '',
      token.slice(0, -1),
      `${token}x`,
      token.toUpperCase(),
      `${'g'.repeat(32)}${token.slice(32)}`,
      `${token.slice(0, 32)}${'+'.repeat(43)}`,
    ]) {
      expect(parseSessionToken(bad)).toBeNull();
    }
  });

  it('matches a secret only against its own hash, and never when there is no row', () => {
    const { token, secretHash } = newSessionToken();
    const secret = token.slice(32);
    expect(sessionSecretMatches(secret, secretHash)).toBe(true);
    expect(sessionSecretMatches(`${secret.slice(0, -1)}A`, secretHash)).toBe(secret.endsWith('A'));
    expect(sessionSecretMatches(secret, undefined)).toBe(false);
    expect(sessionSecretMatches(secret, hashToken('another secret'))).toBe(false);
  });
});

describe('sessions found by id, opened only by their secret', () => {
  let service: TestService;
  let alice: Enrolled;

  beforeAll(async () => {
    service = await startTestService();
    alice = await enroll(service, 'alice@example.com', '+442079461000');
  });
  afterAll(async () => {
    await service?.close();
  });

  it('answers the right token, and refuses its id with any other secret', async () => {
    const { token } = await signIn(service, alice);
    const account = (bearer: string) =>
      service.app.inject({
        method: 'GET',
        url: '/v1/account',
        headers: { authorization: `Bearer ${bearer}` },
      });
    expect((await account(token)).statusCode).toBe(200);

    const rows = await service.services.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', token.slice(0, 32))
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token.slice(32));

    const otherSecret = newSessionToken().token.slice(32);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const forged of [token.slice(0, 32) + otherSecret, flipped]) {
      const refused = await account(forged);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error).toBe('ERR_UNAUTHENTICATED');
    }
  });
});
