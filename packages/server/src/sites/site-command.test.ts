import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../config/config.js';
import { testDialect } from '../testing/test-service.js';
import { SiteCommandError, siteCommand } from './site-command.js';

let dataDir: string;
let config: Config;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-site-'));
  config = loadConfig({
    CIPHERPAD_DATA_DIR: dataDir,
    CIPHERPAD_MASTER_KEY: randomBytes(32).toString('base64url'),
    // The webhook below is on loopback.
    WEBHOOK_ALLOW_INTERNAL: 'true',
  });
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe.runIf(testDialect() === 'sqlite')('site add | list | remove', () => {
  it('registers a site once with --if-missing --out, keeping its credentials owner-only', async () => {
    const out = join(dataDir, 'keeper-site.json');
    const first = (await siteCommand(
      [
        'add',
        '--name',
        'Keeper Demo',
        '--webhook-url',
        'http://127.0.0.1:9/hook',
        '--if-missing',
        '--out',
        out,
      ],
      config,
    )) as { clientId: string; created: boolean };
    expect(first.created).toBe(true);
    expect(JSON.stringify(first)).not.toContain('Secret');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved).toMatchObject({
      clientId: first.clientId,
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      webhookSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      name: 'Keeper Demo',
    });
    const second = await siteCommand(
      ['add', '--name', 'Keeper Demo', '--if-missing', '--out', out],
      config,
    );
    expect(second).toEqual({ clientId: first.clientId, created: false });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(saved);

    const list = (await siteCommand(['list'], config)) as { clientId: string }[];
    expect(list.map((s) => s.clientId)).toEqual([first.clientId]);
    expect(await siteCommand(['remove', '--client-id', first.clientId], config)).toEqual({
      clientId: first.clientId,
      removed: true,
    });
    expect(await siteCommand(['list'], config)).toEqual([]);
    // The file names a removed site: --if-missing registers a new one.
    const third = (await siteCommand(
      ['add', '--name', 'Keeper Demo', '--if-missing', '--out', out],
      config,
    )) as { clientId: string; created: boolean };
    expect(third.created).toBe(true);
    expect(third.clientId).not.toBe(first.clientId);
  });

  it('refuses bad arguments with a usage error', async () => {
    await expect(siteCommand(['add'], config)).rejects.toThrow(SiteCommandError);
    await expect(siteCommand(['frob'], config)).rejects.toThrow(SiteCommandError);
    await expect(
      siteCommand(['add', '--name', 'X', '--webhook-url', 'ftp://x'], config),
    ).rejects.toThrow(SiteCommandError);
    await expect(siteCommand(['remove', '--client-id', 'cps_nothing'], config)).rejects.toThrow(
      /no active site/,
    );
  });
});
