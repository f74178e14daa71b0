import { runTransaction } from '@cipherpad/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFailure } from '../accounts/lockout.js';
import { ServiceError } from '../errors/service-error.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';
import { type AccountGate, claimChallenge } from './claim-challenge.js';
import { claimForSession } from './claim-for-session.js';

// The claim and the failure re-check the account as they write: here a block
// or lock is put on the account after the response was checked and before
// the claim, as a concurrent burst would, and the claim must see it.

let service: TestService;
let counter = 0;

beforeAll(async () => {
  service = await startTestService({ policy: { registrationsPerIp: 1000 } });
});
afterAll(async () => {
  await service?.close();
});

async function newLogin(): Promise<{ user: Enrolled; id: string }> {
  counter += 1;
  const user = await enroll(
    service,
    `claim${counter}@example.com`,
    `+4420794900${String(counter).padStart(2, '0')}`,
  );
  const started = await service.app.inject({
    method: 'POST',
    url: '/v1/logins',
    payload: { email: user.email },
  });
  return { user, id: started.json().id };
}

function setAccount(
  user: Enrolled,
  state: {
    status?: 'active' | 'locked';
    locked_by?: 'failures' | null;
    blocked_until?: number | null;
    failed_attempts?: number;
    block_level?: number;
  },
) {
  return service.services.db
    .updateTable('accounts')
    .set(state)
    .where('id', '=', user.accountId)
    .execute();
}

async function challengeStatus(id: string) {
  const row = await service.services.db
    .selectFrom('challenges')
    .select('status')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.status;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'claimed';
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
}

function typedClaim(user: Enrolled, id: string) {
  const now = service.clock.now();
  return claimForSession(service.services, {
    id,
    now,
    sessionId: `s${counter}${now}`.padEnd(32, '0').slice(0, 32),
    secretHash: 'x',
    accountId: user.accountId,
    deviceId: user.deviceId,
    ip: '198.51.100.1',
    expiresAt: now + 60_000,
    mode: 'authorization',
  });
}

function gatedClaim(user: Enrolled, id: string, gate: AccountGate) {
  return runTransaction(service.services.db, (trx) =>
    claimChallenge(service.services, trx, {
      id,
      accountId: user.accountId,
      now: service.clock.now(),
      from: 'pending',
      to: 'approved',
      approvedBy: user.deviceId,
      gate,
    }),
  );
}

describe('claiming a challenge re-checks the account as it writes', () => {
  it('refuses a right typed response when a block took effect after it was checked', async () => {
    const { user, id } = await newLogin();
    await setAccount(user, { block_level: 1, blocked_until: service.clock.now() + 60_000 });
    expect(await codeOf(typedClaim(user, id))).toBe('ERR_ACCOUNT_BLOCKED');
    expect(await challengeStatus(id)).toBe('pending');
    await setAccount(user, { status: 'locked', locked_by: 'failures', blocked_until: null });
    expect(await codeOf(typedClaim(user, id))).toBe('ERR_ACCOUNT_LOCKED');
    await setAccount(user, { status: 'active', locked_by: null });
    expect(await codeOf(typedClaim(user, id))).toBe('claimed');
    expect(await challengeStatus(id)).toBe('used');
    // A success clears the failures the account has at the claim.
    expect(
      await service.services.db
        .selectFrom('accounts')
        .select(['failed_attempts', 'block_level'])
        .where('id', '=', user.accountId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ failed_attempts: 0, block_level: 0 });
  });

  it('lets an approval through a block and a lock from failures, not an operator lock', async () => {
    const { user, id } = await newLogin();
    await setAccount(user, { block_level: 2, blocked_until: service.clock.now() + 60_000 });
    expect(await codeOf(gatedClaim(user, id, 'typed'))).toBe('ERR_ACCOUNT_BLOCKED');
    await setAccount(user, { status: 'locked', locked_by: null });
    expect(await codeOf(gatedClaim(user, id, 'approval'))).toBe('ERR_ACCOUNT_LOCKED');
    await setAccount(user, { status: 'locked', locked_by: 'failures' });
    expect(await codeOf(gatedClaim(user, id, 'approval'))).toBe('claimed');
    expect(await challengeStatus(id)).toBe('approved');
  });
});

describe('counting a failure on the account is one conditional statement', () => {
  it('sets the block with the failure that reaches the threshold, and counts nothing while it holds', async () => {
    const { user } = await newLogin();
    const fail = () =>
      runTransaction(service.services.db, (trx) =>
        recordFailure(service.services, trx, user.accountId, '203.0.113.9', {
          type: 'login.failed',
        }),
      );
    await setAccount(user, { failed_attempts: 4, block_level: 1 });
    expect(await fail()).toEqual({
      counted: true,
      block: { blockedUntil: service.clock.now() + 5 * 60_000, locked: false },
    });
    const refused = await fail();
    expect(refused.counted).toBe(false);
    expect(!refused.counted && refused.refusal.code).toBe('ERR_ACCOUNT_BLOCKED');
    const state = await service.services.db
      .selectFrom('accounts')
      .select(['failed_attempts', 'block_level', 'blocked_until', 'status'])
      .where('id', '=', user.accountId)
      .executeTakeFirstOrThrow();
    expect(state).toEqual({
      failed_attempts: 0,
      block_level: 2,
      blocked_until: service.clock.now() + 5 * 60_000,
      status: 'active',
    });
    // Past the last block the same statement locks, for failures.
    await setAccount(user, { failed_attempts: 4, block_level: 4, blocked_until: null });
    expect(await fail()).toEqual({ counted: true, block: { blockedUntil: null, locked: true } });
    expect(
      await service.services.db
        .selectFrom('accounts')
        .select(['status', 'locked_by', 'block_level'])
        .where('id', '=', user.accountId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'locked', locked_by: 'failures', block_level: 5 });
  });
});
