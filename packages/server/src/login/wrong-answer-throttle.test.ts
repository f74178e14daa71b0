import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
let users: Enrolled[];

beforeAll(async () => {
  service = await startTestService({
    policy: { registrationsPerIp: 1000, wrongAnswersPerIp: 3, wrongAnswersWindowMs: 9 * 60_000 },
  });
  users = [];
  for (let i = 0; i < 3; i++) {
    users.push(await enroll(service, `victim${i}@example.com`, `+4420794630${i}0`));
  }
});
afterAll(async () => {
  await service?.close();
});

async function login(email: string) {
  const started = await service.app.inject({
    method: 'POST',
    url: '/v1/logins',
    payload: { email },
  });
  return started.json() as { id: string; challenge: string };
}

function verify(id: string, response: string, from: string) {
  return service.app.inject({
    method: 'POST',
    url: `/v1/logins/${id}/verify`,
    payload: { response },
    remoteAddress: from,
  });
}

describe('wrong responses per client address (lockout abuse)', () => {
  it('refuses an address after its wrong responses, before anything counts against an account', async () => {
    const attacker = '203.0.113.7';
    for (const user of users) {
      const { id } = await login(user.email);
      expect((await verify(id, '00000000', attacker)).json().error).toBe('ERR_RESPONSE_REJECTED');
    }
    // The fourth try from that address is refused, right or wrong, with when to try again.
    const victim = users[0] as Enrolled;
    const { id, challenge } = await login(victim.email);
    const right = await computeResponse(victim.ocraKey, { mode: 'authorization', challenge });
    const refused = await verify(id, right, attacker);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'ERR_RATE_LIMITED_FAILURES', retryAfter: 180 });
    expect(refused.headers['retry-after']).toBe('180');
    const wrongAgain = await verify(id, '00000000', attacker);
    expect(wrongAgain.json().error).toBe('ERR_RATE_LIMITED_FAILURES');

    // Nothing was counted against the victim: from the person's own address the challenge still takes the right response.
    const ok = await verify(id, right, '198.51.100.20');
    expect(ok.statusCode).toBe(200);
    const failures = await service.services.db
      .selectFrom('accounts')
      .select('failed_attempts')
      .where('email', '=', victim.email)
      .executeTakeFirstOrThrow();
    expect(failures.failed_attempts).toBe(0);
  });

  it('lets the address try again as its window refills', async () => {
    const attacker = '203.0.113.7';
    const user = users[1] as Enrolled;
    service.clock.advance(3 * 60_000); // one attempt back (3 per 9 minutes)
    const { id, challenge } = await login(user.email);
    const right = await computeResponse(user.ocraKey, { mode: 'authorization', challenge });
    expect((await verify(id, right, attacker)).statusCode).toBe(200);
  });

  it('lets many right responses from one address through at once: only wrong ones are counted', async () => {
    // People behind one address (an office, a carrier's NAT) sign in together.
    const office = '192.0.2.80';
    const user = users[2] as Enrolled;
    const logins = await Promise.all(Array.from({ length: 40 }, () => login(user.email)));
    const answers = await Promise.all(
      logins.map(async ({ id, challenge }) =>
        verify(
          id,
          await computeResponse(user.ocraKey, { mode: 'authorization', challenge }),
          office,
        ),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(logins.map(() => 200));
    // Its wrong answers still count: 3 are allowed, the 4th is refused.
    for (let i = 0; i < 3; i++) {
      const { id } = await login(user.email);
      expect((await verify(id, '00000000', office)).json().error).toBe('ERR_RESPONSE_REJECTED');
    }
    const { id } = await login(user.email);
    expect((await verify(id, '00000000', office)).json().error).toBe('ERR_RATE_LIMITED_FAILURES');
  });
});
