import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

// Bursts of concurrent responses against one account: every limit is decided
// at the moment it is written, on SQLite and PostgreSQL alike.

const ROUNDS = 20;
const OPEN_CHALLENGES = 22;
const WRONG_RESPONSES = 64;

let service: TestService;
let accounts = 0;

beforeAll(async () => {
  service = await startTestService({
    policy: { registrationsPerIp: 100_000, activationsPerIp: 100_000 },
  });
});
afterAll(async () => {
  await service?.close();
});

/** A fresh account for each round, enrolled together. */
async function newAccounts(): Promise<Enrolled[]> {
  return Promise.all(
    Array.from({ length: ROUNDS }, () => {
      accounts += 1;
      return enroll(
        service,
        `burst${accounts}@example.com`,
        `+4420794${String(accounts).padStart(5, '0')}`,
        '192.0.2.1',
      );
    }),
  );
}

async function startLogins(email: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const started = await service.app.inject({
        method: 'POST',
        url: '/v1/logins',
        payload: { email },
        remoteAddress: '192.0.2.1',
      });
      expect(started.statusCode).toBe(201);
      return started.json() as { id: string; challenge: string };
    }),
  );
}

function verify(id: string, response: string, ip: string) {
  return service.app.inject({
    method: 'POST',
    url: `/v1/logins/${id}/verify`,
    payload: { response },
    remoteAddress: ip,
  });
}

/** A response that is surely wrong: the right one with its last digit changed. */
function wrong(response: string): string {
  return response.slice(0, -1) + String((Number(response.at(-1)) + 1) % 10);
}

async function wrongResponses(user: Enrolled, ips: readonly string[]) {
  const logins = await startLogins(user.email, OPEN_CHALLENGES);
  return Promise.all(
    logins.map(async (login) => ({
      id: login.id,
      wrong: wrong(
        await computeResponse(user.ocraKey, { mode: 'authorization', challenge: login.challenge }),
      ),
    })),
  ).then((answers) =>
    Array.from({ length: WRONG_RESPONSES }, (_, i) => {
      const answer = answers[i % answers.length] as { id: string; wrong: string };
      return () => verify(answer.id, answer.wrong, ips[i % ips.length] as string);
    }),
  );
}

/** The account's activity in the order it was written. */
async function activity(accountId: string) {
  return service.services.db
    .selectFrom('audit_events')
    .select(['type', 'ip'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
}

async function account(accountId: string) {
  return service.services.db
    .selectFrom('accounts')
    .select(['status', 'failed_attempts', 'block_level', 'blocked_until'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
}

/** Counted failures before the first block, and blocks per counted failures. */
function assertBlockedOnce(events: readonly { type: string }[]) {
  const types = events.map((e) => e.type);
  const firstBlock = types.indexOf('account.blocked');
  expect(firstBlock).toBeGreaterThan(-1);
  expect(types.slice(0, firstBlock).filter((t) => t === 'login.failed')).toHaveLength(5);
  expect(types.filter((t) => t === 'login.failed')).toHaveLength(5);
  expect(types.filter((t) => t === 'account.blocked')).toHaveLength(1);
  expect(types).not.toContain('account.locked');
}

describe('a burst of concurrent responses against one account', () => {
  it('counts at most 5 failures before the block, and the address limit stops the rest (one address)', async () => {
    const users = await newAccounts();
    for (const [round, user] of users.entries()) {
      const ip = `198.51.100.${round + 1}`;
      const sends = await wrongResponses(user, [ip]);
      const answers = await Promise.all(sends.map((send) => send()));
      const codes = answers.map((a) => a.json().error as string);
      expect(codes.filter((c) => c === 'ERR_RATE_LIMITED_FAILURES')).toHaveLength(
        WRONG_RESPONSES - 20,
      );
      expect(answers.every((a) => a.statusCode >= 400)).toBe(true);
      assertBlockedOnce(await activity(user.accountId));
      const state = await account(user.accountId);
      expect(state).toMatchObject({ status: 'active', block_level: 1, failed_attempts: 0 });
      expect(state.blocked_until).toBe(service.clock.now() + 60_000);
    }
  });

  it('counts at most 5 failures before the block from four addresses, each address charged for its wrong answers', async () => {
    const users = await newAccounts();
    for (const [round, user] of users.entries()) {
      const ips = [1, 2, 3, 4].map((n) => `203.0.113.${round * 4 + n}`);
      const sends = await wrongResponses(user, ips);
      const answers = await Promise.all(sends.map((send) => send()));
      const codes = answers.map((a) => a.json().error as string);
      expect(codes).not.toContain('ERR_RATE_LIMITED_FAILURES');
      assertBlockedOnce(await activity(user.accountId));
      expect(await account(user.accountId)).toMatchObject({ status: 'active', block_level: 1 });
      // 16 wrong answers each: 4 of the 20 an address may give in the window are left.
      for (const ip of ips) {
        for (let left = 0; left < 4; left++) {
          expect(service.services.wrongAnswers.take(ip).allowed).toBe(true);
        }
        expect(service.services.wrongAnswers.take(ip).allowed).toBe(false);
      }
    }
  });

  it('accepts a right response inside the burst only if no block was in effect when it claimed', async () => {
    let accepted = 0;
    const users = await newAccounts();
    for (const [round, user] of users.entries()) {
      const ips = [1, 2, 3, 4].map((n) => `100.64.${round}.${n}`);
      const sends = await wrongResponses(user, ips);
      const [own] = await startLogins(user.email, 1);
      if (!own) throw new Error('no login');
      const right = await computeResponse(user.ocraKey, {
        mode: 'authorization',
        challenge: own.challenge,
      });
      const at = round % (sends.length + 1);
      sends.splice(at, 0, () => verify(own.id, right, '192.0.2.200'));
      const answers = await Promise.all(sends.map((send) => send()));
      const mine = answers[at];
      if (!mine) throw new Error('no answer');
      const types = (await activity(user.accountId)).map((e) => e.type);
      const sessions = await service.services.db
        .selectFrom('sessions')
        .select('id')
        .where('account_id', '=', user.accountId)
        .execute();
      if (mine.statusCode === 200) {
        accepted += 1;
        const success = types.indexOf('login.succeeded');
        // Before the success no block was in effect, and fewer failures than a block takes.
        expect(types.slice(0, success)).not.toContain('account.blocked');
        expect(types.slice(0, success).filter((t) => t === 'login.failed').length).toBeLessThan(5);
        // After it the count starts afresh: at most one block, after 5 more failures.
        const after = types.slice(success + 1);
        expect(after.filter((t) => t === 'account.blocked').length).toBeLessThanOrEqual(1);
        const block = after.indexOf('account.blocked');
        if (block >= 0)
          expect(after.slice(0, block).filter((t) => t === 'login.failed')).toHaveLength(5);
        expect(sessions).toHaveLength(1);
      } else {
        expect(mine.json().error).toBe('ERR_ACCOUNT_BLOCKED');
        expect(types).not.toContain('login.succeeded');
        assertBlockedOnce(types.map((type) => ({ type })));
        expect(sessions).toHaveLength(0);
      }
      expect(types).not.toContain('account.locked');
    }
    // Placed first in the burst the right response is seen before any block.
    expect(accepted).toBeGreaterThan(0);
  });

  it('of 100 concurrent copies of one right response exactly one opens a session', async () => {
    const users = await newAccounts();
    for (const [round, user] of users.entries()) {
      const [login] = await startLogins(user.email, 1);
      if (!login) throw new Error('no login');
      const right = await computeResponse(user.ocraKey, {
        mode: 'authorization',
        challenge: login.challenge,
      });
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => verify(login.id, right, `10.${round}.0.${i}`)),
      );
      expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(1);
      const refused = answers.filter((a) => a.statusCode !== 200).map((a) => a.json().error);
      expect(new Set(refused)).toEqual(new Set(['ERR_CHALLENGE_CLOSED']));
      const types = (await activity(user.accountId)).map((e) => e.type);
      expect(types.filter((t) => t === 'login.succeeded')).toHaveLength(1);
      expect(types).not.toContain('login.failed');
    }
  });
});
