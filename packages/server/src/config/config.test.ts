import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('runs on embedded defaults: SQLite under ./data, outbox delivery, development', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.port).toBe(8080);
    expect(config.database).toEqual({
      dialect: 'sqlite',
      file: expect.stringMatching(/data\/cipherpad\.db$/),
    });
    expect(config.email.kind).toBe('outbox');
    expect(config.sms).toEqual({ kind: 'outbox' });
    expect(config.masterKey).toBeNull();
    expect(config.publicUrl).toBe('http://127.0.0.1:8080');
    expect(config.siteRequestsPerMinute).toBe(60_000);
    // Unset, the policy's idle time (5 minutes) stands.
    expect(config.sessionIdleMs).toBeNull();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads PostgreSQL, SMTP and an HTTP SMS gateway', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/cipherpad',
      DATABASE_POOL_SIZE: '20',
      EMAIL_TRANSPORT: 'smtp',
      SMTP_URL: 'smtp://mail:25',
      SMS_TRANSPORT: 'http',
      SMS_HTTP_URL: 'https://sms.example/send',
      CIPHERPAD_PUBLIC_URL: 'https://id.example/',
    });
    expect(config.database).toEqual({
      dialect: 'postgres',
      url: 'postgres://u@db:5432/cipherpad',
      poolSize: 20,
    });
    expect(config.email).toMatchObject({ kind: 'smtp', url: 'smtp://mail:25' });
    expect(config.sms).toEqual({ kind: 'http', url: 'https://sms.example/send' });
    expect(config.publicUrl).toBe('https://id.example');
  });

  it('names every wrong setting at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        CIPHERPAD_ENV: 'staging',
        DATABASE_URL: 'mysql://x',
        EMAIL_TRANSPORT: 'smtp',
        CIPHERPAD_MASTER_KEY: 'short',
        LOG_LEVEL: 'loud',
        SITE_REQUESTS_PER_MINUTE: '0',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'CIPHERPAD_ENV',
      'DATABASE_URL',
      'SMTP_URL',
      'CIPHERPAD_MASTER_KEY',
      'LOG_LEVEL',
      'SITE_REQUESTS_PER_MINUTE',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('reads the session idle time in seconds, from 10 s to 12 h', () => {
    expect(loadConfig({ CIPHERPAD_SESSION_IDLE_SECONDS: '120' }).sessionIdleMs).toBe(120_000);
    expect(loadConfig({ CIPHERPAD_SESSION_IDLE_SECONDS: '10' }).sessionIdleMs).toBe(10_000);
    for (const wrong of ['9', '43201', '5m', '-1', '1.5']) {
      expect(() => loadConfig({ CIPHERPAD_SESSION_IDLE_SECONDS: wrong })).toThrow(
        `CIPHERPAD_SESSION_IDLE_SECONDS must be an integer from 10 to 43200 (got "${wrong}")`,
      );
    }
  });

  it('requires a master key in production', () => {
    expect(() => loadConfig({ CIPHERPAD_ENV: 'production' })).toThrow(
      /CIPHERPAD_MASTER_KEY is required/,
    );
    expect(
      loadConfig({ CIPHERPAD_ENV: 'production', CIPHERPAD_MASTER_KEY: 'A'.repeat(43) }).masterKey,
    ).toBe('A'.repeat(43));
  });
});
