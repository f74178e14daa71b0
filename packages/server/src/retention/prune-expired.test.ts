import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { signIn } from '../testing/sign-in.js';
import { startTestService, type TestService } from '../testing/test-service.js';
import { pruneExpired } from './prune-expired.js';

let service: TestService;
let alice: Enrolled;

beforeAll(async () => {
  service = await startTestService();
  alice = await enroll(service, 'alice@example.com', '+442079461000');
});
afterAll(async () => {
  await service?.close();
});

async function rowsOf(table: 'sessions' | 'challenges', ids: readonly string[]) {
  const { db } = service.services;
  return db.selectFrom(table).select('id').where('id', 'in', ids).execute();
}

describe('retention of expired sessions, login challenges and idempotency keys', () => {
  it('deletes them once expired for longer than the policy keeps them, and nothing else', async () => {
    const { db, policy } = service.services;
    const old = await signIn(service, alice);
    const oldSession = await db
      .selectFrom('sessions')
      .select('id')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    // A confirmation's challenge, as old: it stays, its confirmation reads it.
    const now = service.clock.now();
    await db
      .insertInto('challenges')
      .values({
        id: 'confirmation-challenge-0000000001',
        account_id: null,
        purpose: 'confirmation',
        mode: 'authorization',
        challenge: '12345678',
        amount: null,
        purse: null,
        currency: null,
        status: 'pending',
        attempts: 0,
        created_at: now,
        expires_at: now + policy.challengeTtlMs,
        completed_at: null,
      })
      .execute();

    // Expired, but not for long enough: kept.
    service.clock.advance(policy.sessionTtlMs + 60_000);
    expect(await pruneExpired(service.services)).toEqual({
      sessions: 0,
      loginChallenges: 0,
      idempotencyKeys: 0,
    });

    service.clock.advance(policy.retainExpiredMs);
    const recent = await signIn(service, alice);
    const pruned = await pruneExpired(service.services);
    expect(pruned.sessions).toBeGreaterThanOrEqual(1);
    expect(pruned.loginChallenges).toBeGreaterThanOrEqual(1);
    expect(await rowsOf('sessions', [oldSession.id])).toEqual([]);
    expect(await rowsOf('challenges', [old.loginId])).toEqual([]);
    expect(await rowsOf('challenges', [recent.loginId])).toEqual([{ id: recent.loginId }]);
    expect(await rowsOf('challenges', ['confirmation-challenge-0000000001'])).toHaveLength(1);

    // The recent session still works; the old one is gone, as it was already expired.
    const me = (token: string) =>
      service.app.inject({
        method: 'GET',
        url: '/v1/account',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await me(recent.token)).statusCode).toBe(200);
    expect((await me(old.token)).statusCode).toBe(401);
  });

  it('works through more rows than one batch holds', async () => {
    const { db, policy } = service.services;
    const now = service.clock.now();
    const rows = Array.from({ length: 1_200 }, (_, i) => ({
      id: `expired-session-${String(i).padStart(6, '0')}`,
      secret_hash: `expired-secret-hash-${i}`,
      account_id: alice.accountId,
      device_id: null,
      ip: '127.0.0.1',
      created_at: now - 2 * policy.retainExpiredMs,
      expires_at: now - 2 * policy.retainExpiredMs + 1,
    }));
    for (let i = 0; i < rows.length; i += 200) {
      await db
        .insertInto('sessions')
        .values(rows.slice(i, i + 200))
        .execute();
    }
    const pruned = await pruneExpired(service.services);
    expect(pruned.sessions).toBe(1_200);
    const left = await db
      .selectFrom('sessions')
      .select('id')
      .where('id', 'like', 'expired-session-%')
      .execute();
    expect(left).toEqual([]);
  });

  it('deletes the idempotency keys whose window has passed, more than one batch of them', async () => {
    const { db, policy } = service.services;
    const now = service.clock.now();
    const key = (i: number, expiresAt: number) => ({
      site_id: 'site-of-the-keys',
      key: `key-${String(i).padStart(6, '0')}`,
      request_hash: 'hash',
      answer: '{}',
      created_at: expiresAt - policy.idempotencyKeyTtlMs,
      expires_at: expiresAt,
    });
    const rows = [
      ...Array.from({ length: 1_100 }, (_, i) => key(i, now - 1)),
      key(1_100, now + 60_000),
    ];
    for (let i = 0; i < rows.length; i += 200) {
      await db
        .insertInto('idempotency_keys')
        .values(rows.slice(i, i + 200))
        .execute();
    }
    const pruned = await pruneExpired(service.services);
    expect(pruned.idempotencyKeys).toBe(1_100);
    const left = await db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('site_id', '=', 'site-of-the-keys')
      .execute();
    expect(left).toEqual([{ key: 'key-001100' }]);
  });
});
