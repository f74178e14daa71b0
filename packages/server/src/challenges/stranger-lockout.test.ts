import { computeResponse } from '@cipherpad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSite } from '../sites/register-site.js';
import { deviceRequest } from '../testing/device-request.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

// docs/security.md: a stranger who knows an email can run its typed
// responses into blocks and a lock, but never keep the owner out: an online
// approval signed by the owner's device gets in, ends them, and tells the
// owner what happened.

const STRANGER = '203.0.113.66';
const OWNER = '198.51.100.9';

let service: TestService;
let counter = 0;

beforeAll(async () => {
  service = await startTestService({ policy: { registrationsPerIp: 1000 } });
});
afterAll(async () => {
  await service?.close();
});

async function newUser(): Promise<Enrolled> {
  counter += 1;
  return enroll(
    service,
    `owner${counter}@example.com`,
    `+4420794800${String(counter).padStart(2, '0')}`,
  );
}

async function startLogin(email: string, ip: string) {
  const started = await service.app.inject({
    method: 'POST',
    url: '/v1/logins',
    payload: { email },
    remoteAddress: ip,
  });
  expect(started.statusCode).toBe(201);
  return started.json() as {
    id: string;
    challenge: string;
    matchNumber: string;
    waitToken: string;
  };
}

function verify(id: string, response: string, ip: string) {
  return service.app.inject({
    method: 'POST',
    url: `/v1/logins/${id}/verify`,
    payload: { response },
    remoteAddress: ip,
  });
}

/** One wrong response from the stranger, on a login of its own. */
async function strangerGuesses(user: Enrolled) {
  const login = await startLogin(user.email, STRANGER);
  return verify(login.id, '00000000', STRANGER);
}

/** The owner's typed right response, from the owner's address. */
async function ownerTypes(user: Enrolled) {
  const login = await startLogin(user.email, OWNER);
  const right = await computeResponse(user.ocraKey, {
    mode: 'authorization',
    challenge: login.challenge,
  });
  return verify(login.id, right, OWNER);
}

/** The owner signs in by approving online in the app: approve, then the site redeems. */
async function ownerApproves(user: Enrolled) {
  const login = await startLogin(user.email, OWNER);
  const approved = await deviceRequest(
    service,
    user,
    'POST',
    `/v1/device/requests/${login.id}/approve`,
    { number: login.matchNumber },
  );
  const session = await service.app.inject({
    method: 'POST',
    url: `/v1/logins/${login.id}/session`,
    headers: { 'x-wait-token': login.waitToken },
    remoteAddress: OWNER,
  });
  return { approved, session };
}

async function account(user: Enrolled) {
  return service.services.db
    .selectFrom('accounts')
    .select(['status', 'locked_by', 'failed_attempts', 'block_level', 'blocked_until'])
    .where('id', '=', user.accountId)
    .executeTakeFirstOrThrow();
}

async function unblocked(user: Enrolled) {
  const rows = await service.services.db
    .selectFrom('audit_events')
    .select(['details', 'device_id'])
    .where('account_id', '=', user.accountId)
    .where('type', '=', 'account.unblocked')
    .execute();
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details ?? '{}') }));
}

describe('a stranger who knows the email cannot lock the owner out', () => {
  it('25 wrong responses over hours lock typed responses; the owner approving online gets in, ends the lock and is told', async () => {
    const user = await newUser();
    const times: number[] = [];
    for (const [round, wait] of [60, 300, 1800, 7200].entries()) {
      for (let i = 0; i < 5; i++) {
        times.push(service.clock.now());
        const refused = await strangerGuesses(user);
        expect(refused.json().error).toBe(i < 4 ? 'ERR_RESPONSE_REJECTED' : 'ERR_ACCOUNT_BLOCKED');
        service.clock.advance(20_000);
      }
      expect((await account(user)).block_level).toBe(round + 1);
      // While blocked the owner's typed right response is refused too: a typed response is guessable.
      expect((await ownerTypes(user)).json().error).toBe('ERR_ACCOUNT_BLOCKED');
      service.clock.advance(wait * 1000);
    }
    for (let i = 0; i < 5; i++) {
      times.push(service.clock.now());
      const refused = await strangerGuesses(user);
      expect(refused.json().error).toBe(i < 4 ? 'ERR_RESPONSE_REJECTED' : 'ERR_ACCOUNT_LOCKED');
    }
    expect(await account(user)).toMatchObject({ status: 'locked', locked_by: 'failures' });
    expect((await ownerTypes(user)).json().error).toBe('ERR_ACCOUNT_LOCKED');
    expect(service.clock.now() - (times[0] ?? 0)).toBeGreaterThan(2.5 * 60 * 60 * 1000);

    // What the stranger cannot forge: the owner's device approves, and the site opens the session.
    const { approved, session } = await ownerApproves(user);
    expect(approved.statusCode).toBe(200);
    expect(session.statusCode).toBe(200);
    expect(session.json().account.id).toBe(user.accountId);
    expect(await account(user)).toEqual({
      status: 'active',
      locked_by: null,
      failed_attempts: 0,
      block_level: 0,
      blocked_until: null,
    });

    // The activity log and an email tell how many, when and from where.
    const [entry, ...more] = await unblocked(user);
    expect(more).toEqual([]);
    expect(entry?.device_id).toBe(user.deviceId);
    expect(entry?.details).toEqual({
      failures: 25,
      first: times[0],
      last: times.at(-1),
      addresses: STRANGER,
      suspicious: true,
    });
    const told = await service.codeSentTo(user.email, /(25 wrong responses or codes .*)/);
    expect(told).toContain(new Date(times[0] ?? 0).toISOString());
    expect(told).toContain(new Date(times.at(-1) ?? 0).toISOString());
    const from = await service.codeSentTo(user.email, /They came from: (.*)\./);
    expect(from).toBe(STRANGER);

    // Typed responses work again at once.
    expect((await ownerTypes(user)).statusCode).toBe(200);
  });

  it('an online approval during a block gets in at once and ends the block', async () => {
    const user = await newUser();
    for (let i = 0; i < 5; i++) await strangerGuesses(user);
    expect((await account(user)).block_level).toBe(1);
    expect((await ownerTypes(user)).json().error).toBe('ERR_ACCOUNT_BLOCKED');
    const { approved, session } = await ownerApproves(user);
    expect(approved.statusCode).toBe(200);
    expect(session.statusCode).toBe(200);
    expect(await account(user)).toMatchObject({
      failed_attempts: 0,
      block_level: 0,
      blocked_until: null,
    });
    expect((await unblocked(user))[0]?.details).toMatchObject({ failures: 5, addresses: STRANGER });
    expect((await ownerTypes(user)).statusCode).toBe(200);
  });

  it('a lock that only an operator or recovery lifts stays: the device is refused', async () => {
    const user = await newUser();
    await service.services.db
      .updateTable('accounts')
      .set({ status: 'locked', locked_by: null })
      .where('id', '=', user.accountId)
      .execute();
    const { approved } = await ownerApproves(user);
    expect(approved.json().error).toBe('ERR_DEVICE_AUTH');
    expect((await ownerTypes(user)).json().error).toBe('ERR_ACCOUNT_LOCKED');
    expect((await account(user)).status).toBe('locked');
  });

  it('an approval without failures before it leaves no report', async () => {
    const user = await newUser();
    const { approved } = await ownerApproves(user);
    expect(approved.statusCode).toBe(200);
    expect(await unblocked(user)).toEqual([]);
  });

  it('a site’s confirmation: the typed response is refused during a block, the approval confirms it and ends the block', async () => {
    const user = await newUser();
    const site = await registerSite(
      { db: service.services.db, secrets: service.services.secrets, now: service.clock.now() },
      { name: 'Corner Shop' },
    );
    const authorization = `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`;
    for (let i = 0; i < 5; i++) await strangerGuesses(user);
    const created = await service.app.inject({
      method: 'POST',
      url: '/v1/confirmations',
      headers: { authorization },
      payload: { email: user.email, operation: { type: 'login' } },
    });
    expect(created.statusCode).toBe(201);
    const confirmation = created.json() as { id: string; challenge: string; matchNumber: string };
    const right = await computeResponse(user.ocraKey, {
      mode: 'authorization',
      challenge: confirmation.challenge,
    });
    const typed = await service.app.inject({
      method: 'POST',
      url: `/v1/confirmations/${confirmation.id}/verify`,
      headers: { authorization },
      payload: { response: right },
    });
    expect(typed.json().error).toBe('ERR_ACCOUNT_BLOCKED');
    const approved = await deviceRequest(
      service,
      user,
      'POST',
      `/v1/device/requests/${confirmation.id}/approve`,
      { number: confirmation.matchNumber },
    );
    expect(approved.statusCode).toBe(200);
    const status = await service.app.inject({
      method: 'GET',
      url: `/v1/confirmations/${confirmation.id}`,
      headers: { authorization },
    });
    expect(status.json()).toMatchObject({ status: 'confirmed', method: 'approval' });
    expect(await account(user)).toMatchObject({
      failed_attempts: 0,
      block_level: 0,
      blocked_until: null,
    });
    expect((await unblocked(user))[0]?.details).toMatchObject({ failures: 5, addresses: STRANGER });
  });
});
