import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

// File modes are SQLite's concern; the PostgreSQL run of the server suite has nothing to add.
describe.skipIf(process.env.CIPHERPAD_TEST_DB === 'postgres')('SQLite database files', () => {
  let dir: string;

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are readable by their owner only: the folder, the database, its WAL and shared memory', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cipherpad-files-'));
    const folder = join(dir, 'data');
    const file = join(folder, 'cipherpad.db');
    const handle = openDatabase({ dialect: 'sqlite', file });
    await sql`create table t (x integer)`.execute(handle.db);
    await sql`insert into t values (1)`.execute(handle.db);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(folder)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
    await handle.close();
  });
});
