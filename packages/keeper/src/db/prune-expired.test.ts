import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { pruneExpired, RETAIN_EXPIRED_MS } from './prune-expired.js';

let database: TestDatabase;
const now = Date.UTC(2026, 0, 15, 12, 0, 0);
const longAgo = now - RETAIN_EXPIRED_MS - 60_000;
const lately = now - 60_000;

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  await db
    .insertInto('users')
    .values({
      id: 'user-1',
      email: 'a@example.com',
      wallet_id: '123456789012',
      confirmation: 'none',
      sms_phone: null,
      created_at: longAgo,
    })
    .execute();
  for (const [suffix, expiresAt] of [
    ['old', longAgo],
    ['recent', lately],
  ] as const) {
    await db
      .insertInto('sessions')
      .values({
        token_hash: `session-${suffix}`,
        user_id: 'user-1',
        csrf_token: 'csrf',
        expires_at: expiresAt,
        created_at: expiresAt - 1,
      })
      .execute();
    await db
      .insertInto('logins')
      .values({
        id: `login-${suffix}`,
        email: 'a@example.com',
        confirmation_id: `confirmation-${suffix}`,
        secret_hash: 'hash',
        status: 'pending',
        expires_at: expiresAt,
        created_at: expiresAt - 1,
      })
      .execute();
    await db
      .insertInto('settings_changes')
      .values({
        id: `change-${suffix}`,
        user_id: 'user-1',
        confirmation: 'cipherpad',
        sms_phone: null,
        channel: 'cipherpad',
        confirmation_id: `confirmation-change-${suffix}`,
        status: 'pending',
        expires_at: expiresAt,
        created_at: expiresAt - 1,
      })
      .execute();
  }
});
afterAll(async () => {
  await database?.drop();
});

describe('retention of expired sessions, logins and setting changes', () => {
  it('deletes those expired for longer than a day, and keeps the others', async () => {
    const { db } = database;
    expect(await pruneExpired(db, now)).toEqual({ sessions: 1, logins: 1, settingsChanges: 1 });
    expect(await db.selectFrom('sessions').select('token_hash').execute()).toEqual([
      { token_hash: 'session-recent' },
    ]);
    expect(await db.selectFrom('logins').select('id').execute()).toEqual([{ id: 'login-recent' }]);
    expect(await db.selectFrom('settings_changes').select('id').execute()).toEqual([
      { id: 'change-recent' },
    ]);
    expect(await pruneExpired(db, now)).toEqual({ sessions: 0, logins: 0, settingsChanges: 0 });
  });

  it('works through more rows than one batch holds', async () => {
    const { db } = database;
    for (let i = 0; i < 1_200; i += 200) {
      await db
        .insertInto('sessions')
        .values(
          Array.from({ length: 200 }, (_, j) => ({
            token_hash: `many-${i + j}`,
            user_id: 'user-1',
            csrf_token: 'csrf',
            expires_at: longAgo,
            created_at: longAgo - 1,
          })),
        )
        .execute();
    }
    expect((await pruneExpired(db, now)).sessions).toBe(1_200);
    expect(await db.selectFrom('sessions').select('token_hash').execute()).toEqual([
      { token_hash: 'session-recent' },
    ]);
  });
});
