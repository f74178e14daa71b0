import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './wal-checkpointer.js';

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('WAL checkpointer', () => {
  let dir: string;
  let file: string;
  let sqlite: SqliteDatabase.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cipherpad-checkpoint-'));
    file = join(dir, 'test.db');
    sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    // As openDatabase does: no checkpoint on the writing connection.
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.exec('create table items (id integer primary key, body text not null)');
  });

  afterEach(() => {
    if (sqlite.open) sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (rows: number) => {
    const insert = sqlite.prepare('insert into items (body) values (?)');
    sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(1000));
    })();
  };

  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    const errors: Error[] = [];
    const checkpointer = startWalCheckpointer(file, (error) => errors.push(error), { idleMs: 10 });
    const before = statSync(file).size;
    // About 2 MB: 500 pages that only a checkpoint moves from the WAL to the file.
    write(2_000);
    const grown = await waitFor(() => statSync(file).size > before + 1_000_000, 10_000);
    await checkpointer.stop();
    expect(errors).toEqual([]);
    expect(grown).toBe(true);
    // Everything written is in the file: a reader without the WAL's help sees it all.
    sqlite.close();
    const reader = new SqliteDatabase(file, { readonly: true });
    expect(reader.prepare('select count(*) as n from items').get()).toEqual({ n: 2_000 });
    reader.close();
  });

  it.runIf(process.platform === 'linux')(
    'runs its thread at a lower priority than the event loop’s (nice 10, Linux)',
    async () => {
      /** The nice value of each of this process's threads, from /proc. */
      const niceValues = () =>
        readdirSync('/proc/self/task').map((task) => {
          const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
          // Field 19 (nice), counted after the parenthesised command name.
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        });
      const before = niceValues().filter((nice) => nice === 10).length;
      const checkpointer = startWalCheckpointer(file, () => {}, { idleMs: 10 });
      try {
        const lowered = await waitFor(
          () => niceValues().filter((nice) => nice === 10).length === before + 1,
          10_000,
        );
        expect(lowered).toBe(true);
        expect(niceValues().filter((nice) => nice === 0).length).toBeGreaterThan(0);
      } finally {
        await checkpointer.stop();
      }
    },
  );

  it('leaves the file alone without a checkpointer (what the test above relies on)', async () => {
    const before = statSync(file).size;
    write(2_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(statSync(file).size).toBe(before);
  });

  it('has a writer that never stops pause now and then, so the WAL starts afresh', async () => {
    // A writer that commits again and again, as a busy server's group commit does.
    sqlite.pragma(`journal_size_limit = ${256 * 1024}`);
    const insert = sqlite.prepare('insert into items (body) values (?)');
    let paused = false;
    let pauses = 0;
    let written = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        if (!paused) {
          sqlite.transaction(() => {
            for (let i = 0; i < 4; i++) insert.run('x'.repeat(1000));
          })();
          written += 4;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    /** The WAL header's checkpoint sequence number: it counts the times the WAL started afresh. */
    const restarts = () => readFileSync(`${file}-wal`).readUInt32BE(12);
    const restartsBefore = restarts();
    const errors: Error[] = [];
    const checkpointer = startWalCheckpointer(file, (error) => errors.push(error), {
      idleMs: 10,
      restartFrames: 200,
      pauseWrites: async () => {
        paused = true;
        pauses += 1;
        return () => {
          paused = false;
        };
      },
    });
    try {
      // 4 pages or more per commit: past 200 frames again and again.
      expect(await waitFor(() => pauses >= 3, 30_000)).toBe(true);
    } finally {
      writing = false;
      await writer;
      await checkpointer.stop();
    }
    expect(errors).toEqual([]);
    expect(paused).toBe(false);
    // Each pause but perhaps the last was followed by a write that started the WAL afresh.
    expect(restarts() - restartsBefore).toBeGreaterThanOrEqual(pauses - 1);
    expect(sqlite.prepare('select count(*) as n from items').get()).toEqual({ n: written });
  });

  it('reports a worker that cannot open the database, and stops cleanly after it', async () => {
    const errors: Error[] = [];
    const checkpointer = startWalCheckpointer(join(dir, 'missing.db'), (e) => errors.push(e), {
      idleMs: 10,
    });
    expect(await waitFor(() => errors.length > 0, 10_000)).toBe(true);
    expect(errors[0]?.message).toMatch(/^WAL checkpoint failed: /);
    await checkpointer.stop();
  });
});
