import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeeperConfigError, loadKeeperConfig } from './config.js';

const id = `cps_${'a'.repeat(22)}`;
const secret = 'b'.repeat(43);

describe('keeper configuration', () => {
  it('has embedded defaults: port 8081, SQLite in the data folder, the local service', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keeper-config-'));
    const config = loadKeeperConfig({ KEEPER_DATA_DIR: dir });
    expect(config.port).toBe(8081);
    expect(config.database).toEqual({ dialect: 'sqlite', file: join(dir, 'keeper.db') });
    expect(config.cipherpadUrl).toBe('http://127.0.0.1:8080');
    expect(config.credentials).toBeNull();
    // PSD2 RTS Art. 4(3)(d): at most 5 minutes without a request.
    expect(config.sessionIdleMs).toBe(5 * 60 * 1000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the session idle time in seconds, from 10 s to 12 h', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keeper-config-'));
    const idle = (value: string) =>
      loadKeeperConfig({ KEEPER_DATA_DIR: dir, KEEPER_SESSION_IDLE_SECONDS: value }).sessionIdleMs;
    expect(idle('20')).toBe(20_000);
    for (const wrong of ['9', '43201', '5m']) {
      expect(() => idle(wrong)).toThrow(
        `KEEPER_SESSION_IDLE_SECONDS must be an integer from 10 to 43200 (got "${wrong}")`,
      );
    }
  });

  it('reads the credentials file written by `site add --out`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keeper-config-'));
    writeFileSync(
      join(dir, 'keeper-site.json'),
      JSON.stringify({ clientId: id, clientSecret: secret, webhookSecret: 'w'.repeat(43) }),
    );
    const config = loadKeeperConfig({ KEEPER_DATA_DIR: dir });
    expect(config.credentials).toEqual({
      clientId: id,
      clientSecret: secret,
      webhookSecret: 'w'.repeat(43),
    });
  });

  it('prefers KEEPER_CLIENT_ID/SECRET and takes PostgreSQL', () => {
    const config = loadKeeperConfig({
      KEEPER_CLIENT_ID: id,
      KEEPER_CLIENT_SECRET: secret,
      KEEPER_DATABASE_URL: 'postgres://u@db:5432/keeper',
    });
    expect(config.credentials?.clientId).toBe(id);
    expect(config.database).toEqual({
      dialect: 'postgres',
      url: 'postgres://u@db:5432/keeper',
      poolSize: 10,
    });
  });

  it('names every wrong setting at once', () => {
    try {
      loadKeeperConfig({
        KEEPER_PORT: '99999',
        KEEPER_DATABASE_URL: 'mysql://x',
        CIPHERPAD_URL: 'ftp://x',
        KEEPER_CLIENT_ID: 'nope',
        KEEPER_ENV: 'staging',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KeeperConfigError);
      const problems = (error as KeeperConfigError).problems.join('\n');
      for (const name of [
        'KEEPER_PORT',
        'KEEPER_DATABASE_URL',
        'CIPHERPAD_URL',
        'KEEPER_CLIENT_SECRET',
        'KEEPER_ENV',
      ]) {
        expect(problems).toContain(name);
      }
    }
  });

  it('requires credentials in production', () => {
    expect(() =>
      loadKeeperConfig({
        KEEPER_ENV: 'production',
        KEEPER_DATA_DIR: mkdtempSync(join(tmpdir(), 'k-')),
      }),
    ).toThrow(/required in production/);
  });
});
