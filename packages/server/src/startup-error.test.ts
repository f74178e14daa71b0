import { describe, expect, it } from 'vitest';
import { loadConfig } from './config/config.js';
import { describeStartupError } from './startup-error.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('startup errors', () => {
  const sqlite = loadConfig({ PORT: '8123', HOST: '127.0.0.1' });
  const postgres = loadConfig({ DATABASE_URL: 'postgres://db.invalid:5432/cipherpad' });

  it('names the port that is taken', () => {
    expect(describeStartupError(withCode('listen EADDRINUSE', 'EADDRINUSE'), sqlite)).toBe(
      'port 8123 on 127.0.0.1 is already in use (set PORT to another one)',
    );
  });

  it('names the PostgreSQL server that cannot be reached or refuses', () => {
    expect(
      describeStartupError(
        withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
        postgres,
      ),
    ).toBe(
      'cannot reach the PostgreSQL server of DATABASE_URL: connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(describeStartupError(withCode('database "x" does not exist', '3D000'), postgres)).toBe(
      'the PostgreSQL server of DATABASE_URL refused the connection: database "x" does not exist',
    );
  });

  it('leaves anything else to the full error', () => {
    expect(describeStartupError(new TypeError('undefined is not a function'), sqlite)).toBeNull();
    expect(
      describeStartupError(withCode('connect ECONNREFUSED', 'ECONNREFUSED'), sqlite),
    ).toBeNull();
    expect(describeStartupError('a string', sqlite)).toBeNull();
  });
});
