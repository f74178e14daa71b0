import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql, type Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTransaction, writePauser } from './direct-queries.js';
import { GroupCommitSqliteDialect } from './group-commit-sqlite-dialect.js';
import { queryPreparer } from './prepared-query.js';

interface TestDatabase {
  items: { name: string; owner: string | null };
}

/** A promise and the function that resolves it: one side waits for the other. */
function signal(): [Promise<void>, () => void] {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return [promise, resolve];
}

/** Counts the COMMITs run on `sqlite` by wrapping the statements it prepares for them. */
function countCommits(sqlite: SqliteDatabase.Database): { readonly count: number } {
  const counter = { count: 0 };
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    if (/^\s*commit\s*$/i.test(source)) {
      const run = statement.run.bind(statement);
      statement.run = (...parameters: unknown[]) => {
        counter.count += 1;
        return run(...parameters);
      };
    }
    return statement;
  }) as typeof sqlite.prepare;
  return counter;
}

describe('group-commit SQLite dialect', () => {
  let dir: string;
  let file: string;
  let db: Kysely<TestDatabase>;
  let commits: { readonly count: number };
  /** A second, independent connection: it sees only what is committed. */
  let observer: SqliteDatabase.Database;
  let destroyed: boolean;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cipherpad-group-commit-'));
    file = join(dir, 'test.db');
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.exec(`
      create table items (name text primary key, owner text references owners (name) deferrable initially deferred);
      create table owners (name text primary key);`);
    commits = countCommits(sqlite);
    db = new Kysely<TestDatabase>({ dialect: new GroupCommitSqliteDialect(sqlite) });
    destroyed = false;
    observer = new SqliteDatabase(file, { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    if (!destroyed) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The names another connection sees committed, sorted. */
  function committedNames(): string[] {
    return observer
      .prepare('select name from items order by name')
      .all()
      .map((row) => (row as { name: string }).name);
  }

  function isCommitted(name: string): boolean {
    return observer.prepare('select 1 from items where name = ?').get(name) !== undefined;
  }

  describe('commit before acknowledgement', () => {
    it('resolves each of many concurrent transactions only once its rows are visible to another connection', async () => {
      const names = Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(2, '0')}`);
      const seenOnResolve = await Promise.all(
        names.map((name) =>
          db
            .transaction()
            .execute(async (trx) => {
              await trx.insertInto('items').values({ name, owner: null }).execute();
              await trx
                .insertInto('items')
                .values({ name: `${name}-b`, owner: null })
                .execute();
            })
            .then(() => isCommitted(name) && isCommitted(`${name}-b`)),
        ),
      );
      expect(seenOnResolve).toEqual(names.map(() => true));
      expect(committedNames()).toHaveLength(100);
    });

    it('resolves each autocommit insert of a group only once its row is visible to another connection', async () => {
      const names = ['x1', 'x2', 'x3', 'x4'];
      const seenOnResolve = await Promise.all(
        names.map((name) =>
          db
            .insertInto('items')
            .values({ name, owner: null })
            .execute()
            .then(() => isCommitted(name)),
        ),
      );
      expect(seenOnResolve).toEqual([true, true, true, true]);
    });

    it('resolves an INSERT … RETURNING, which reads and writes, only after its group commits', async () => {
      // Another write opens the group first, so the RETURNING insert runs inside it.
      const opener = db.insertInto('items').values({ name: 'opener', owner: null }).execute();
      const seen = await db
        .insertInto('items')
        .values({ name: 'returned', owner: null })
        .returning('name')
        .executeTakeFirstOrThrow()
        .then((row) => row.name === 'returned' && isCommitted('returned'));
      expect(seen).toBe(true);
      await opener;
      expect(commits.count).toBe(1);
    });

    it('answers a read at once, before the open group commits, and sees that group’s writes', async () => {
      const write = db.insertInto('items').values({ name: 'pending', owner: null }).execute();
      const read = await db.selectFrom('items').select('name').execute();
      expect(read).toEqual([{ name: 'pending' }]);
      expect(isCommitted('pending')).toBe(false);
      await write;
      expect(isCommitted('pending')).toBe(true);
    });
  });

  describe('group commit', () => {
    it('commits 100 concurrent transactions with one COMMIT', async () => {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          db.transaction().execute(async (trx) => {
            await trx
              .insertInto('items')
              .values({ name: `n${i}`, owner: null })
              .execute();
          }),
        ),
      );
      expect(commits.count).toBe(1);
      expect(committedNames()).toHaveLength(100);
    });

    it('starts a new group for a write issued after the previous one was acknowledged', async () => {
      await db.insertInto('items').values({ name: 'first', owner: null }).execute();
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ name: 'second', owner: null }).execute();
      });
      expect(commits.count).toBe(2);
    });

    it('does not commit for reads alone', async () => {
      await db.selectFrom('items').selectAll().execute();
      await db.transaction().execute((trx) => trx.selectFrom('items').selectAll().execute());
      // The transaction opens a group (it might have written); the bare read does not.
      expect(commits.count).toBe(1);
    });
  });

  describe('isolation of failures inside a group', () => {
    it('leaves no rows of a transaction whose callback throws while the others of its group commit', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          db.transaction().execute(async (trx) => {
            await trx
              .insertInto('items')
              .values({ name: `r${i}`, owner: null })
              .execute();
            if (i === 4) {
              await trx.insertInto('items').values({ name: 'r4-more', owner: null }).execute();
              throw new Error('callback failed');
            }
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(
        Array.from({ length: 10 }, (_, i) => (i === 4 ? 'rejected' : 'fulfilled')),
      );
      expect((results[4] as PromiseRejectedResult).reason).toEqual(new Error('callback failed'));
      expect(committedNames()).toEqual(['r0', 'r1', 'r2', 'r3', 'r5', 'r6', 'r7', 'r8', 'r9']);
      expect(commits.count).toBe(1);
    });

    it('rejects only the autocommit insert that breaks a unique constraint', async () => {
      const results = await Promise.allSettled(
        ['a', 'dup', 'dup', 'b'].map((name) =>
          db.insertInto('items').values({ name, owner: null }).execute(),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({
        code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
      });
      expect(committedNames()).toEqual(['a', 'b', 'dup']);
      expect(commits.count).toBe(1);
    });

    it('undoes all of a failing autocommit write, even the rows OR FAIL would keep, and nothing else', async () => {
      await db.insertInto('items').values({ name: 'dup', owner: null }).execute();
      const results = await Promise.allSettled([
        db.insertInto('items').values({ name: 'before', owner: null }).execute(),
        // OR FAIL keeps the rows a statement wrote before its error; the statement's savepoint does not.
        sql`insert or fail into items (name) values ('partial'), ('dup')`.execute(db),
        db.insertInto('items').values({ name: 'after', owner: null }).execute(),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(committedNames()).toEqual(['after', 'before', 'dup']);
    });

    it('rejects every waiter of a group whose COMMIT fails, rolls it back, and commits the next group', async () => {
      // A deferred foreign key is checked at COMMIT, not when the savepoint is released.
      const results = await Promise.allSettled([
        db.transaction().execute(async (trx) => {
          await trx.insertInto('items').values({ name: 'innocent', owner: null }).execute();
        }),
        db.insertInto('items').values({ name: 'orphan', owner: 'nobody' }).execute(),
      ]);
      expect(results).toEqual([
        {
          status: 'rejected',
          reason: expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }),
        },
        {
          status: 'rejected',
          reason: expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }),
        },
      ]);
      expect(committedNames()).toEqual([]);

      await db.insertInto('items').values({ name: 'after', owner: null }).execute();
      expect(committedNames()).toEqual(['after']);
    });
  });

  describe('Kysely transaction API', () => {
    it('keeps nested savepoints working through trx.savepoint()', async () => {
      const trx = await db.startTransaction().execute();
      await trx.insertInto('items').values({ name: 'outer', owner: null }).execute();
      const afterOuter = await trx.savepoint('after_outer').execute();
      await afterOuter.insertInto('items').values({ name: 'kept', owner: null }).execute();
      const afterKept = await afterOuter.savepoint('after_kept').execute();
      await afterKept.insertInto('items').values({ name: 'undone', owner: null }).execute();
      // Issued while the transaction holds the connection: it must wait, not be undone.
      const other = db.insertInto('items').values({ name: 'other', owner: null }).execute();
      const rolledBack = await afterKept.rollbackToSavepoint('after_kept').execute();
      const released = await rolledBack.releaseSavepoint('after_outer').execute();
      const inside = await released.selectFrom('items').select('name').orderBy('name').execute();
      expect(inside).toEqual([{ name: 'kept' }, { name: 'outer' }]);
      await released.commit().execute();
      await other;
      expect(committedNames()).toEqual(['kept', 'other', 'outer']);
    });

    it('rolls back a controlled transaction without touching the rest of its group', async () => {
      const before = db.insertInto('items').values({ name: 'before', owner: null }).execute();
      const trx = await db.startTransaction().execute();
      await trx.insertInto('items').values({ name: 'rolled-back', owner: null }).execute();
      await trx.rollback().execute();
      await before;
      expect(committedNames()).toEqual(['before']);
    });

    it('keeps a connection usable after an acknowledged write inside db.connection()', async () => {
      const names = await db.connection().execute(async (conn) => {
        await conn.insertInto('items').values({ name: 'c1', owner: null }).execute();
        await conn.transaction().execute(async (trx) => {
          await trx.insertInto('items').values({ name: 'c2', owner: null }).execute();
        });
        return conn.selectFrom('items').select('name').orderBy('name').execute();
      });
      expect(names).toEqual([{ name: 'c1' }, { name: 'c2' }]);
      expect(committedNames()).toEqual(['c1', 'c2']);
    });

    it('runs raw SQL through the same path', async () => {
      await sql`insert into items (name) values (${'raw'})`.execute(db);
      expect(isCommitted('raw')).toBe(true);
    });
  });

  describe('prepared queries, which skip Kysely’s executor where they can', () => {
    const prepareQuery = queryPreparer<TestDatabase>();
    const insertItem = prepareQuery<{ name: string }, never>((d, p) =>
      d.insertInto('items').values({ name: p.name, owner: null }),
    );
    const itemNames = prepareQuery<Record<string, never>, { name: string }>((d) =>
      d.selectFrom('items').select('name').orderBy('name'),
    );
    const ownerOf = prepareQuery<{ name: string }, { owner: string | null }>((d, p) =>
      d.selectFrom('items').select('owner').where('name', '=', p.name),
    );

    it('acknowledges an autocommit write only after its group’s COMMIT, one COMMIT for many', async () => {
      const names = ['p1', 'p2', 'p3'];
      const seenOnResolve = await Promise.all(
        names.map((name) => insertItem(db, { name }).then(() => isCommitted(name))),
      );
      expect(seenOnResolve).toEqual([true, true, true]);
      expect(commits.count).toBe(1);
    });

    it('waits for a transaction that holds the lock, so it never reads its uncommitted writes', async () => {
      const [held, release] = signal();
      const [wasInserted, inserted] = signal();
      const transaction = db
        .transaction()
        .execute(async (trx) => {
          await insertItem(trx, { name: 'undone' });
          inserted();
          await held;
          throw new Error('roll back');
        })
        .catch((error: Error) => error.message);
      await wasInserted;
      const read = itemNames(db, {});
      const write = insertItem(db, { name: 'after' });
      release();
      expect(await transaction).toBe('roll back');
      expect((await read).rows).toEqual([]);
      await write;
      expect(committedNames()).toEqual(['after']);
    });

    it('runs inside a transaction on its connection: seen by the transaction, undone with it', async () => {
      const outcome = await db
        .transaction()
        .execute(async (trx) => {
          await insertItem(trx, { name: 'inside' });
          const seen = (await itemNames(trx, {})).rows;
          expect(seen).toEqual([{ name: 'inside' }]);
          throw new Error('undo');
        })
        .catch((error: Error) => error.message);
      expect(outcome).toBe('undo');
      expect(committedNames()).toEqual([]);
      expect((await itemNames(db, {})).rows).toEqual([]);
    });

    it('reports a failing statement and leaves the rest of its group to commit', async () => {
      await insertItem(db, { name: 'dup' });
      const results = await Promise.allSettled([
        insertItem(db, { name: 'dup' }),
        insertItem(db, { name: 'fine' }),
      ]);
      expect(results[0]?.status).toBe('rejected');
      expect(results[1]?.status).toBe('fulfilled');
      expect(committedNames()).toEqual(['dup', 'fine']);
    });

    it('goes through Kysely’s executor for an instance with plugins, which shape its results', async () => {
      await insertItem(db, { name: 'camel' });
      const camel = db.withPlugin(new CamelCasePlugin());
      const renamed = prepareQuery<Record<string, never>, { itemName: string }>((d) =>
        d.selectFrom('items').select(sql<string>`name`.as('item_name')),
      );
      expect((await renamed(camel as unknown as Kysely<TestDatabase>, {})).rows).toEqual([
        { itemName: 'camel' },
      ]);
      expect((await ownerOf(db, { name: 'camel' })).rows).toEqual([{ owner: null }]);
    });
  });

  describe('runTransaction', () => {
    const prepareQuery = queryPreparer<TestDatabase>();
    const insertItem = prepareQuery<{ name: string }, never>((d, p) =>
      d.insertInto('items').values({ name: p.name, owner: null }),
    );
    const itemNames = prepareQuery<Record<string, never>, { name: string }>((d) =>
      d.selectFrom('items').select('name').orderBy('name'),
    );

    it('answers each of many concurrent transactions after their one shared COMMIT', async () => {
      const names = Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, '0')}`);
      const seenOnResolve = await Promise.all(
        names.map((name) =>
          runTransaction(db, async (trx) => {
            await insertItem(trx, { name });
            await trx
              .insertInto('items')
              .values({ name: `${name}-b`, owner: null })
              .execute();
            return name;
          }).then((returned) => returned === name && isCommitted(name) && isCommitted(`${name}-b`)),
        ),
      );
      expect(seenOnResolve).toEqual(names.map(() => true));
      expect(commits.count).toBe(1);
    });

    it('lets prepared and built queries of one transaction see each other’s writes', async () => {
      const seen = await runTransaction(db, async (trx) => {
        await insertItem(trx, { name: 'prepared' });
        await trx.insertInto('items').values({ name: 'built', owner: null }).execute();
        const built = await trx.selectFrom('items').select('name').orderBy('name').execute();
        return { built, prepared: (await itemNames(trx, {})).rows };
      });
      expect(seen.built).toEqual([{ name: 'built' }, { name: 'prepared' }]);
      expect(seen.prepared).toEqual(seen.built);
    });

    it('rolls back everything when the callback throws, and passes the error on', async () => {
      const outcome = await runTransaction(db, async (trx) => {
        await insertItem(trx, { name: 'gone' });
        await trx.insertInto('items').values({ name: 'gone-too', owner: null }).execute();
        throw new Error('changed my mind');
      }).catch((error: Error) => error.message);
      expect(outcome).toBe('changed my mind');
      await insertItem(db, { name: 'kept' });
      expect(committedNames()).toEqual(['kept']);
    });

    it('keeps the lock for the whole transaction: an autocommit read waits for its end', async () => {
      const [held, release] = signal();
      const [wasInserted, inserted] = signal();
      const transaction = runTransaction(db, async (trx) => {
        await insertItem(trx, { name: 'uncommitted' });
        inserted();
        await held;
        throw new Error('roll back');
      }).catch((error: Error) => error.message);
      await wasInserted;
      const read = itemNames(db, {});
      release();
      expect(await transaction).toBe('roll back');
      expect((await read).rows).toEqual([]);
    });

    it('refuses a statement issued on the transaction after it ended', async () => {
      let late: Transaction<TestDatabase> | undefined;
      await runTransaction(db, async (trx) => {
        late = trx;
        await insertItem(trx, { name: 'done' });
      });
      if (!late) throw new Error('the callback did not run');
      const trx = late;
      await expect(insertItem(trx, { name: 'late' })).rejects.toThrow(/committed or rolled back/);
      await expect(
        trx.insertInto('items').values({ name: 'late-built', owner: null }).execute(),
      ).rejects.toThrow(/committed or rolled back/);
      expect(committedNames()).toEqual(['done']);
    });

    it('is Kysely’s own transaction on another dialect', async () => {
      const sqlite = new SqliteDatabase(':memory:');
      sqlite.exec('create table items (name text primary key, owner text)');
      const plain = new Kysely<TestDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
      try {
        await runTransaction(plain, async (trx) => {
          await insertItem(trx, { name: 'plain' });
        });
        await expect(
          runTransaction(plain, async (trx) => {
            await insertItem(trx, { name: 'undone' });
            throw new Error('no');
          }),
        ).rejects.toThrow('no');
        expect((await itemNames(plain, {})).rows).toEqual([{ name: 'plain' }]);
      } finally {
        await plain.destroy();
      }
    });
  });

  describe('pausing writes (for the WAL checkpointer)', () => {
    it('commits the open group, then holds new statements until resumed', async () => {
      const pause = writePauser(db);
      if (!pause) throw new Error('a group-commit database has a write pauser');
      const insertItem = queryPreparer<TestDatabase>()<{ name: string }, never>((d, p) =>
        d.insertInto('items').values({ name: p.name, owner: null }),
      );
      // A prepared write runs at once: its group is open, its COMMIT not yet run.
      const before = insertItem(db, { name: 'before' });
      expect(committedNames()).toEqual([]);
      const resume = await pause();
      expect(committedNames()).toEqual(['before']);
      await before;
      let done = false;
      const during = db
        .insertInto('items')
        .values({ name: 'during', owner: null })
        .execute()
        .then(() => {
          done = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(done).toBe(false);
      expect(committedNames()).toEqual(['before']);
      resume();
      resume();
      await during;
      expect(committedNames()).toEqual(['before', 'during']);
    });

    it('has no write pauser on another dialect', async () => {
      const plain = new Kysely<TestDatabase>({
        dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
      });
      expect(writePauser(plain)).toBeUndefined();
      await plain.destroy();
    });
  });

  describe('destroy', () => {
    it('commits the open group before closing', async () => {
      const write = db.insertInto('items').values({ name: 'last', owner: null }).execute();
      // The read runs after the write, in the same turn: the group is open, not yet committed.
      await db.selectFrom('items').selectAll().execute();
      expect(isCommitted('last')).toBe(false);
      await db.destroy();
      destroyed = true;
      await write;
      expect(isCommitted('last')).toBe(true);
    });
  });
});
