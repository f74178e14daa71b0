import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { registerSite, SiteInputError } from '../sites/register-site.js';
import { SiteCommandError, siteCommand } from '../sites/site-command.js';
import { startTestService, type TestService, testDialect } from '../testing/test-service.js';
import { enqueueWebhook } from './enqueue-webhook.js';
import { internalWebhookHost, isInternalAddress } from './webhook-address.js';

/** Every spelling of an inside address a webhook URL could use, as typed. */
const INSIDE_URLS = [
  'http://127.0.0.1/hook',
  'http://127.1/hook',
  'http://2130706433/hook',
  'http://0x7f000001/hook',
  'http://0x7f.0.0.1/hook',
  'http://0177.0.0.1/hook',
  'http://017700000001/hook',
  'http://[::1]/hook',
  'http://[0:0:0:0:0:0:0:1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[::ffff:7f00:1]/hook',
  'http://[::ffff:8.8.8.8]/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fe80::1]/hook',
  'http://10.0.0.1/hook',
  'http://10.255.255.255/hook',
  'http://172.16.0.1/hook',
  'http://172.31.255.254/hook',
  'http://192.168.1.1/hook',
  'http://[fd00::1]/hook',
  'http://[fc00::1]/hook',
  'http://100.64.0.1/hook',
  'http://100.127.255.254/hook',
  'http://0.0.0.0/hook',
  'http://0/hook',
  'http://[::]/hook',
  'http://224.0.0.1/hook',
  'http://[ff02::1]/hook',
  'http://255.255.255.255/hook',
  'http://[64:ff9b::a00:1]/hook',
  'http://localhost/hook',
  'http://LOCALHOST./hook',
  'http://hooks.localhost/hook',
  'http://metadata/computeMetadata/v1/',
  'https://printer.local/hook',
];

const PUBLIC_URLS = [
  'https://hooks.example.com/cipherpad',
  'https://8.8.8.8/hook',
  'http://1.1.1.1:8443/hook',
  'https://[2606:4700:4700::1111]/hook',
  'https://100.128.0.1/hook',
  'https://172.32.0.1/hook',
  'https://11.0.0.1/hook',
];

describe('inside addresses (RFC 6890)', () => {
  it('knows loopback, private, link-local, CGNAT, unspecified, multicast, broadcast and mapped addresses', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.255.254',
      '::1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.0.10',
      'fd12:3456::1',
      '169.254.169.254',
      'fe80::abcd',
      '100.64.0.1',
      '0.0.0.0',
      '::',
      '224.0.0.251',
      'ff05::2',
      '255.255.255.255',
      '::ffff:10.0.0.1',
      '::ffff:1.1.1.1',
      'not an address',
    ]) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '100.128.0.1']) {
      expect(isInternalAddress(address), address).toBe(false);
    }
  });

  it('reads the host as the URL parser normalises it, whatever the spelling', () => {
    for (const url of INSIDE_URLS) expect(internalWebhookHost(new URL(url)), url).not.toBeNull();
    for (const url of PUBLIC_URLS) expect(internalWebhookHost(new URL(url)), url).toBeNull();
  });
});

describe('webhook URLs at registration', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service?.close();
  });
  const deps = (allowInternalWebhooks?: boolean) => ({
    db: service.services.db,
    secrets: service.services.secrets,
    now: 0,
    ...(allowInternalWebhooks === undefined ? {} : { allowInternalWebhooks }),
  });

  it('refuses every inside address with ERR_WEBHOOK_URL_INTERNAL, and registers nothing', async () => {
    for (const webhookUrl of INSIDE_URLS) {
      const refused = await registerSite(deps(), { name: 'Inside', webhookUrl }).catch((e) => e);
      expect(refused, webhookUrl).toBeInstanceOf(SiteInputError);
      expect(refused.code, webhookUrl).toBe('ERR_WEBHOOK_URL_INTERNAL');
    }
    const sites = await service.services.db.selectFrom('sites').select('id').execute();
    expect(sites).toEqual([]);
  });

  it('registers public addresses, and inside ones only when the operator allows them', async () => {
    for (const webhookUrl of PUBLIC_URLS) {
      const site = await registerSite(deps(), { name: 'Public', webhookUrl });
      expect(site.webhookUrl).toBe(webhookUrl);
    }
    const allowed = await registerSite(deps(true), {
      name: 'Demo keeper',
      webhookUrl: 'http://127.0.0.1:8081/webhooks/cipherpad',
    });
    expect(allowed.webhookUrl).toBe('http://127.0.0.1:8081/webhooks/cipherpad');
  });
});

describe.runIf(testDialect() === 'sqlite')('site add --webhook-url', () => {
  it('refuses an inside URL with the code, unless WEBHOOK_ALLOW_INTERNAL=true', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-webhook-'));
    try {
      const env = {
        CIPHERPAD_DATA_DIR: dataDir,
        CIPHERPAD_MASTER_KEY: randomBytes(32).toString('base64url'),
      };
      for (const url of ['http://169.254.169.254/', 'http://0x7f000001/', 'http://10.0.0.8/']) {
        const refused = await siteCommand(
          ['add', '--name', 'Shop', '--webhook-url', url],
          loadConfig(env),
        ).catch((e) => e);
        expect(refused).toBeInstanceOf(SiteCommandError);
        expect(refused.message).toMatch(/^ERR_WEBHOOK_URL_INTERNAL: .*WEBHOOK_ALLOW_INTERNAL=true/);
      }
      expect(loadConfig(env).webhookAllowInternal).toBe(false);
      const allowed = loadConfig({ ...env, WEBHOOK_ALLOW_INTERNAL: 'true' });
      const site = (await siteCommand(
        ['add', '--name', 'Demo', '--webhook-url', 'http://127.0.0.1:8081/webhooks/cipherpad'],
        allowed,
      )) as { webhookUrl: string };
      expect(site.webhookUrl).toBe('http://127.0.0.1:8081/webhooks/cipherpad');
      expect(() => loadConfig({ ...env, WEBHOOK_ALLOW_INTERNAL: 'yes' })).toThrow(
        /WEBHOOK_ALLOW_INTERNAL/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('webhook delivery checks the address the name resolves to', () => {
  // A receiver on loopback: the only place these tests send anything.
  let receiver: Server;
  let port: number;
  const received: string[] = [];
  // Names a test resolver maps as a hostile DNS could.
  const dns = new Map<string, string[]>();
  const resolved: string[] = [];
  const resolve = async (hostname: string) => {
    resolved.push(hostname);
    return (dns.get(hostname) ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push(body);
        response.end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((done) => receiver?.close(done));
  });

  /** Registers a site whose webhook is `url` (allowed at registration), queues one call, delivers it. */
  async function deliverOnce(service: TestService, url: string) {
    const site = await registerSite(
      {
        db: service.services.db,
        secrets: service.services.secrets,
        now: 0,
        allowInternalWebhooks: true,
      },
      { name: 'Shop', webhookUrl: url },
    );
    const body = JSON.stringify({
      type: 'confirmation.updated',
      n: randomBytes(4).toString('hex'),
    });
    await enqueueWebhook(service.services.db, {
      siteId: site.clientId,
      confirmationId: 'c1',
      type: 'confirmation.updated',
      body,
      now: service.clock.now(),
    });
    await service.services.webhooks.deliverDue();
    const row = await service.services.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .where('site_id', '=', site.clientId)
      .executeTakeFirstOrThrow();
    return { body, row };
  }

  it('refuses to connect when the name resolves inside, even to one address of several (DNS rebinding)', async () => {
    const service = await startTestService({ resolve, logStream, env: { LOG_LEVEL: 'warn' } });
    try {
      dns.set('rebound.example.com', ['127.0.0.1']);
      dns.set('private.example.com', ['10.0.0.1']);
      dns.set('mixed.example.com', ['93.184.215.14', '127.0.0.1']);
      dns.set('mapped.example.com', ['::ffff:127.0.0.1']);
      for (const name of [
        'rebound.example.com',
        'private.example.com',
        'mixed.example.com',
        'mapped.example.com',
      ]) {
        // The name passes registration: it is checked where it is resolved, at delivery.
        expect(internalWebhookHost(new URL(`http://${name}:${port}/hook`))).toBeNull();
        const { row } = await deliverOnce(service, `http://${name}:${port}/hook`);
        expect(row, name).toEqual({ status: 'pending', attempts: 1 });
        expect(resolved).toContain(name);
      }
      // An address literal registered while allowed is refused once the operator no longer allows it.
      const literal = await deliverOnce(service, `http://127.0.0.1:${port}/hook`);
      expect(literal.row).toEqual({ status: 'pending', attempts: 1 });
      expect(received).toEqual([]);
      const reasons = logLines.map((line) => JSON.parse(line)).filter((l) => l.webhookId);
      expect(reasons).toHaveLength(5);
      for (const line of reasons) expect(line.reason).toMatch(/^ERR_WEBHOOK_URL_INTERNAL: /);
    } finally {
      await service.close();
    }
  });

  it('connects to exactly the address it checked, when the operator allows inside addresses', async () => {
    const service = await startTestService({
      resolve,
      env: { WEBHOOK_ALLOW_INTERNAL: 'true' },
    });
    try {
      // This name exists only in the test's resolver: reaching the receiver proves the
      // socket used the checked answer, not a second lookup of its own.
      dns.set('keeper.example.com', ['127.0.0.1']);
      const { body, row } = await deliverOnce(service, `http://keeper.example.com:${port}/hook`);
      expect(row).toEqual({ status: 'delivered', attempts: 1 });
      expect(received).toEqual([body]);
    } finally {
      await service.close();
    }
  });
});
