import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres, type PostgresHandle } from './open-postgres.js';
import { queryPreparer } from './prepared-query.js';

interface TestDatabase {
  t: { id: string; n: number };
}

const url = process.env.CIPHERPAD_TEST_POSTGRES_URL?.trim();

// The PostgreSQL tests run when CIPHERPAD_TEST_POSTGRES_URL is set (see vitest.config.ts).
describe.skipIf(!url)('openPostgres', () => {
  const schema = `storage_test_${randomBytes(6).toString('hex')}`;
  let handle: PostgresHandle<TestDatabase>;

  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await admin(`create schema ${schema}`);
    // One connection: every statement below runs on it, and so do the checks.
    handle = openPostgres<TestDatabase>({ url: url ?? '', schema, poolSize: 1 });
    await sql`create table t (id text primary key, n int8 not null)`.execute(handle.db);
  });

  afterAll(async () => {
    await handle?.close();
    await admin(`drop schema if exists ${schema} cascade`);
  });

  const prepared = async () =>
    (
      await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements order by statement`.execute(handle.db)
    ).rows;

  it('runs the queries compiled once as named prepared statements, once per connection', async () => {
    const prepareQuery = queryPreparer<TestDatabase>();
    const insert = prepareQuery<{ id: string; n: number }, never>((db, p) =>
      db.insertInto('t').values({ id: p.id, n: p.n }),
    );
    const byId = prepareQuery<{ id: string }, { n: number }>((db, p) =>
      db.selectFrom('t').select('n').where('id', '=', p.id),
    );
    const insertSql = handle.db.insertInto('t').values({ id: '', n: 0 }).compile().sql;
    const byIdSql = handle.db.selectFrom('t').select('n').where('id', '=', '').compile().sql;

    await insert(handle.db, { id: 'a', n: 2 ** 40 });
    await insert(handle.db, { id: 'b', n: 7 });
    // int8 reads as a number.
    expect((await byId(handle.db, { id: 'a' })).rows).toEqual([{ n: 2 ** 40 }]);
    expect((await byId(handle.db, { id: 'b' })).rows).toEqual([{ n: 7 }]);
    // A query built per call runs unnamed.
    await handle.db.selectFrom('t').select('id').where('n', '>', 0).execute();

    const statements = await prepared();
    expect(statements.map((row) => row.statement).sort()).toEqual([insertSql, byIdSql].sort());
    for (const { name } of statements) expect(name).toMatch(/^cipherpad_\d+$/);
  });

  it('keeps the statement when a call fails, and runs it again', async () => {
    const prepareQuery = queryPreparer<TestDatabase>();
    const insert = prepareQuery<{ id: string; n: number }, never>((db, p) =>
      db.insertInto('t').values({ id: p.id, n: p.n }),
    );
    const before = await prepared();
    await expect(insert(handle.db, { id: 'a', n: 1 })).rejects.toThrow(/duplicate key/);
    await insert(handle.db, { id: 'c', n: 3 });
    // The same SQL text as the first test's insert: the same statement, no new one.
    expect(await prepared()).toEqual(before);
  });

  it('drops an idle connection the server ended, reports it, and opens a new one', async () => {
    const warnings: { message: string; error: Error & { code?: string } }[] = [];
    const own = openPostgres<TestDatabase>(
      { url: url ?? '', schema, poolSize: 1 },
      (message, error) => warnings.push({ message, error }),
    );
    const backend = async () =>
      (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(own.db)).rows[0]?.pid;
    try {
      const pid = await backend();
      await admin(`select pg_terminate_backend(${Number(pid)})`);
      // Unheard, the pool's error event would have ended this process.
      await vi.waitFor(() => expect(warnings).toHaveLength(1));
      const [warning] = warnings;
      expect(warning?.message).toMatch(/idle PostgreSQL connection failed/);
      expect(warning?.error.code).toBe('57P01');
      // Not the client, with its settings, that node-postgres attaches.
      expect(Object.keys(warning?.error ?? {})).toEqual(['code']);
      const next = await backend();
      expect(next).toEqual(expect.any(Number));
      expect(next).not.toBe(pid);
    } finally {
      await own.close();
    }
  });
});
