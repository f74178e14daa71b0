import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { computeResponse } from '@cipherpad/core';
import {
  deviceRequest,
  enroll,
  startTestService,
  type TestService,
} from '@cipherpad/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLedger } from '../ledger/audit-ledger.js';
import { startTestKeeper, type TestKeeper } from '../testing/test-keeper.js';

/**
 * The keeper against the real Cipherpad service, started in this process on
 * a free port (SQLite, outbox delivery), the keeper registered as a site the
 * way an operator does it (`site add --webhook-url … --out`, on the built
 * service), listening on loopback for the service's webhooks, which the
 * operator allows inside (`WEBHOOK_ALLOW_INTERNAL`), as `npm start` does.
 */
const serverMain = fileURLToPath(new URL('../../../server/dist/main.js', import.meta.url));
const masterKey = randomBytes(32).toString('base64url');
let service: TestService;
let keeper: TestKeeper;

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

beforeAll(async () => {
  service = await startTestService({
    dialect: 'sqlite',
    env: { CIPHERPAD_MASTER_KEY: masterKey, WEBHOOK_ALLOW_INTERNAL: 'true' },
  });
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const address = service.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}`;
  // startTestService keeps its SQLite file beside the (absent) site folder.
  const dataDir = dirname(service.services.config.siteDir);
  const out = join(dataDir, 'keeper-site.json');
  const keeperPort = await freePort();
  // Asynchronously: the service runs in this process, and an event loop
  // blocked in spawnSync could not commit the write group it may have open,
  // so `site add` would wait for the write lock until it timed out.
  try {
    await promisify(execFile)(
      process.execPath,
      [
        serverMain,
        'site',
        'add',
        '--name',
        'Keeper Demo',
        '--webhook-url',
        `http://127.0.0.1:${keeperPort}/webhooks/cipherpad`,
        '--if-missing',
        '--out',
        out,
      ],
      {
        env: {
          ...process.env,
          CIPHERPAD_DATA_DIR: dataDir,
          CIPHERPAD_MASTER_KEY: masterKey,
          DATABASE_URL: `sqlite:${join(dataDir, 'cipherpad.db')}`,
          LOG_LEVEL: 'silent',
          WEBHOOK_ALLOW_INTERNAL: 'true',
        },
        encoding: 'utf8',
      },
    );
  } catch (error) {
    throw new Error(`site add failed: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  if (!existsSync(out)) throw new Error(`site add wrote no ${out}`);
  const site = JSON.parse(readFileSync(out, 'utf8'));
  keeper = await startTestKeeper({
    cipherpadUrl: url,
    clientId: site.clientId,
    clientSecret: site.clientSecret,
    webhookSecret: site.webhookSecret,
    // The service's clock signs the webhooks' timestamps; the keeper checks them on the same one.
    clock: service.clock,
  });
  await keeper.app.listen({ host: '127.0.0.1', port: keeperPort });
});
afterAll(async () => {
  await keeper?.close();
  await service?.close();
});

describe('keeper with the real Cipherpad service', () => {
  it('logs in, turns confirmation on, and pays only with the Payment-mode response for that payment', async () => {
    const payer = await enroll(service, 'realpayer@example.com', '+442079460101');
    const browser = keeper.browser();
    const login = (await browser.call('POST', '/api/login', { email: payer.email })).json();
    expect(login.challenge).toMatch(/^\d{8}$/);
    // First use of the site: the person allows it in the app by approving this login online.
    const requestId = new URL(login.uri.replace(/^cipherpad:/, 'cipherpad://x/')).searchParams.get(
      'i',
    );
    const approved = await deviceRequest(
      service,
      payer,
      'POST',
      `/v1/device/requests/${requestId}/approve`,
      {
        number: String(login.matchNumber),
      },
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const signedIn = await browser.call('GET', `/api/login/${login.id}/status?wait=5`);
    expect(signedIn.json()).toMatchObject({ signedIn: true });

    const change = (
      await browser.call('POST', '/api/settings/changes', { method: 'cipherpad' })
    ).json();
    const settingsResponse = await computeResponse(payer.ocraKey, {
      mode: 'authorization',
      challenge: change.challenge,
    });
    const applied = await browser.call('POST', `/api/settings/changes/${change.id}/verify`, {
      response: settingsResponse,
    });
    expect(applied.json()).toMatchObject({ applied: true, settings: { method: 'cipherpad' } });

    const held = (
      await browser.call('POST', '/api/transfers', {
        currency: 'Z',
        to: 'shop@example.com',
        amount: '25.50',
      })
    ).json();
    expect(held).toMatchObject({ status: 'held', amount: '25.50' });
    const { challenge } = held.confirmation;
    const tampered = await computeResponse(payer.ocraKey, {
      mode: 'payment',
      challenge,
      amount: '2550',
      purse: held.to,
    });
    const refused = await browser.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: tampered,
    });
    expect(refused.json().error).toBe('ERR_RESPONSE_REJECTED');
    const right = await computeResponse(payer.ocraKey, {
      mode: 'payment',
      challenge,
      amount: '25.5',
      purse: held.to,
    });
    const done = await browser.call('POST', `/api/transfers/${held.id}/confirm`, {
      response: right,
    });
    expect(done.json().status).toBe('completed');
    const wallet = (await browser.call('GET', '/api/wallet')).json();
    expect(wallet.purses[0].balance).toBe('974.50');
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });

  it('shows the challenge and number the service re-issued after inline registration', async () => {
    const email = 'inline-newcomer@example.com';
    const browser = keeper.browser();
    const login = (await browser.call('POST', '/api/login', { email })).json();
    const confirmationId = new URL(
      login.uri.replace(/^cipherpad:/, 'cipherpad://x/'),
    ).searchParams.get('i');
    const page = {
      method: 'POST' as const,
      headers: { 'x-page-token': new URL(login.confirmUrl).searchParams.get('token') as string },
    };
    // The person registers inline on the confirm page the keeper links to.
    expect(
      (await service.app.inject({ ...page, url: `/v1/confirm-pages/${confirmationId}/hold` }))
        .statusCode,
    ).toBe(200);
    const newcomer = await enroll(service, email, '+442079460103');
    const waiting = browser.call(
      'GET',
      `/api/login/${login.id}/status?wait=10&challenge=${login.challenge}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const rebound = (
      await service.app.inject({ ...page, url: `/v1/confirm-pages/${confirmationId}/rebind` })
    ).json();
    expect(rebound.challenge).not.toBe(login.challenge);
    const started = Date.now();
    expect((await waiting).json()).toEqual({
      status: 'pending',
      signedIn: false,
      challenge: rebound.challenge,
      uri: rebound.uri,
      matchNumber: rebound.matchNumber,
      expiresAt: rebound.expiresAt,
    });
    expect(Date.now() - started).toBeLessThan(5000);

    const old = await browser.call('POST', `/api/login/${login.id}/verify`, {
      response: await computeResponse(newcomer.ocraKey, {
        mode: 'authorization',
        challenge: login.challenge,
      }),
    });
    expect(old.json().error).toBe('ERR_RESPONSE_REJECTED');
    // The number the keeper now shows approves it in the app.
    const approved = await deviceRequest(
      service,
      newcomer,
      'POST',
      `/v1/device/requests/${confirmationId}/approve`,
      { number: rebound.matchNumber },
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(
      (await browser.call('GET', `/api/login/${login.id}/status?wait=5`)).json(),
    ).toMatchObject({ signedIn: true });
  });

  it('commits a transfer approved online from the service’s own webhook, signed by its dispatcher and checked by the keeper', async () => {
    const payer = await enroll(service, 'hookpayer@example.com', '+442079460102');
    const browser = keeper.browser();
    const approve = (uri: string, matchNumber: unknown) => {
      const requestId = new URL(uri.replace(/^cipherpad:/, 'cipherpad://x/')).searchParams.get('i');
      return deviceRequest(service, payer, 'POST', `/v1/device/requests/${requestId}/approve`, {
        number: String(matchNumber),
      });
    };
    const login = (await browser.call('POST', '/api/login', { email: payer.email })).json();
    expect((await approve(login.uri, login.matchNumber)).statusCode).toBe(200);
    expect(
      (await browser.call('GET', `/api/login/${login.id}/status?wait=5`)).json(),
    ).toMatchObject({ signedIn: true });
    const change = (
      await browser.call('POST', '/api/settings/changes', { method: 'cipherpad' })
    ).json();
    const applied = await browser.call('POST', `/api/settings/changes/${change.id}/verify`, {
      response: await computeResponse(payer.ocraKey, {
        mode: 'authorization',
        challenge: change.challenge,
      }),
    });
    expect(applied.json()).toMatchObject({ applied: true });

    const held = (
      await browser.call('POST', '/api/transfers', {
        currency: 'Z',
        to: 'hookshop@example.com',
        amount: '12.34',
      })
    ).json();
    expect(held).toMatchObject({ status: 'held' });
    const transfer = await keeper.services.db
      .selectFrom('transfers')
      .select('confirmation_id')
      .where('id', '=', held.id)
      .executeTakeFirstOrThrow();
    expect((await approve(held.confirmation.uri, held.confirmation.matchNumber)).statusCode).toBe(
      200,
    );
    // Nothing asks Cipherpad here (no poll, no sweeper): only the webhook can commit it.
    let view = held;
    for (let waited = 0; view.status === 'held' && waited < 15_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = (await browser.call('GET', `/api/transfers/${held.id}`)).json();
    }
    expect(view.status).toBe('completed');
    const deliveries = await service.services.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .where('confirmation_id', '=', transfer.confirmation_id as string)
      .execute();
    // Accepted at the first attempt: the keeper answers 2xx only to a signature it verified.
    expect(deliveries).toContainEqual({ status: 'delivered', attempts: 1 });
    expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
    const wallet = (await browser.call('GET', '/api/wallet')).json();
    expect(wallet.purses[0].balance).toBe('987.66');
    expect(await auditLedger(keeper.services.db)).toEqual([]);
  });
});
