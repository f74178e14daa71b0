import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from './database.js';

// The group-commit driver is SQLite's alone: these tests open a SQLite file
// whatever dialect the rest of the suite runs on.
let dir: string;
let file: string;
let handle: DatabaseHandle;
let db: Kysely<{ notes: { id: string } }>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keeper-group-'));
  file = join(dir, 'keeper.db');
  handle = openDatabase({ dialect: 'sqlite', file });
  db = handle.db as unknown as Kysely<{ notes: { id: string } }>;
  await sql`create table notes (id text primary key)`.execute(db);
});

afterEach(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The ids another connection sees: only what has been committed. */
function committedIds(): string[] {
  const other = new SqliteDatabase(file, { readonly: true });
  try {
    return (other.prepare('select id from notes order by id').all() as { id: string }[]).map(
      (row) => row.id,
    );
  } finally {
    other.close();
  }
}

const insert = (id: string) => db.insertInto('notes').values({ id }).execute();

describe('group commit on SQLite', () => {
  it('answers a write only once it is committed, for writes and transactions made at once', async () => {
    const seen: boolean[] = [];
    const writes = Array.from({ length: 20 }, (_, i) => {
      const id = `n${String(i).padStart(2, '0')}`;
      const write =
        i % 2 === 0
          ? insert(id)
          : db.transaction().execute(async (trx) => {
              await trx.insertInto('notes').values({ id }).execute();
              await trx
                .insertInto('notes')
                .values({ id: `${id}-b` })
                .execute();
            });
      return write.then(() => seen.push(committedIds().includes(id)));
    });
    await Promise.all(writes);
    expect(seen).toHaveLength(20);
    expect(seen.every(Boolean)).toBe(true);
    expect(committedIds()).toHaveLength(30);
  });

  it('undoes a failed transaction and a failed write without undoing the others of the group', async () => {
    await insert('taken');
    const results = await Promise.allSettled([
      insert('a'),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 'rolled-back' }).execute();
        throw new Error('refused');
      }),
      insert('taken'),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 'b' }).execute();
        await trx.insertInto('notes').values({ id: 'c' }).execute();
      }),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 'half' }).execute();
        await trx.insertInto('notes').values({ id: 'taken' }).execute();
      }),
      insert('d'),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(committedIds()).toEqual(['a', 'b', 'c', 'd', 'taken']);
  });

  it('reads inside a transaction see its own writes, and a conditional write counts its rows', async () => {
    const counted = await db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ id: 'x' }).execute();
      const rows = await trx.selectFrom('notes').select('id').execute();
      const deleted = await trx.deleteFrom('notes').where('id', '=', 'x').executeTakeFirst();
      return { rows: rows.length, deleted: deleted.numDeletedRows };
    });
    expect(counted).toEqual({ rows: 1, deleted: 1n });
    expect(committedIds()).toEqual([]);
  });

  it('commits the open group when the database is closed', async () => {
    const write = insert('last');
    // Once a read has run, the write has run before it, and its group waits for its COMMIT.
    await db.selectFrom('notes').select('id').execute();
    await handle.close();
    await write;
    expect(committedIds()).toEqual(['last']);
    handle = openDatabase({ dialect: 'sqlite', file });
  });
});
