import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { openWallet } from '../wallet/open-wallet.js';
import { auditLedger } from './audit-ledger.js';
import { createTransfer } from './create-transfer.js';
import { cipherpadAmount, formatAmount, parseAmount } from './money.js';
import { cancelTransfer, commitTransfer } from './settle-transfer.js';

let database: TestDatabase;
const now = Date.UTC(2026, 0, 15, 12);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function balance(purse: string): Promise<number> {
  const row = await database.db
    .selectFrom('accounts')
    .select('balance')
    .where('id', '=', purse)
    .executeTakeFirstOrThrow();
  return row.balance;
}

async function wallet(email: string, demoBalance = 10_000) {
  const user = await openWallet(database.db, email, { now, demoBalance });
  const purses = await database.db
    .selectFrom('accounts')
    .select(['id', 'currency'])
    .where('user_id', '=', user.id)
    .execute();
  const purse = (letter: string) => {
    const found = purses.find((p) => p.currency === letter);
    if (!found) throw new Error(`no ${letter} purse`);
    return found.id;
  };
  return { user, z: purse('Z'), e: purse('E'), r: purse('R') };
}

describe('amounts in minor units', () => {
  it('reads typed amounts exactly, never through a float', () => {
    expect(parseAmount('25,50')).toBe(2550);
    expect(parseAmount('0.1')).toBe(10);
    expect(parseAmount(' 19.99 ')).toBe(1999);
    expect(parseAmount('1000000')).toBe(100_000_000);
    expect(formatAmount(2550)).toBe('25.50');
    expect(formatAmount(-5)).toBe('-0.05');
    expect(cipherpadAmount(2550)).toBe('25.5');
    expect(cipherpadAmount(2500)).toBe('25');
  });

  it.each(['0', '0.00', '-1', '1.234', '1e3', '', 'abc', '1 000', '10000000000000'])(
    'refuses %j',
    (input) => {
      expect(() => parseAmount(input)).toThrow(
        expect.objectContaining({ code: 'ERR_AMOUNT_INVALID' }),
      );
    },
  );
});

describe('wallets', () => {
  it('gives a first login a 12-digit wallet id, one purse per currency and demo money from the issuer', async () => {
    const { user, z, e, r } = await wallet('Wallet.Owner@example.com', 50_000);
    expect(user.email).toBe('wallet.owner@example.com');
    expect(user.wallet_id).toMatch(/^[1-9]\d{11}$/);
    expect(z).toMatch(/^Z\d{12}$/);
    expect(e).toMatch(/^E\d{12}$/);
    expect(r).toMatch(/^R\d{12}$/);
    expect(await balance(z)).toBe(50_000);
    expect(await auditLedger(database.db)).toEqual([]);
  });

  it('makes one wallet when the same email logs in twice at once', async () => {
    const users = await Promise.all(
      Array.from({ length: 5 }, () =>
        openWallet(database.db, 'twice@example.com', { now, demoBalance: 100 }),
      ),
    );
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    const purses = await database.db
      .selectFrom('accounts')
      .select('id')
      .where('user_id', '=', users[0]?.id ?? '')
      .execute();
    expect(purses).toHaveLength(3);
    expect(await auditLedger(database.db)).toEqual([]);
  });
});

describe('double-entry transfers', () => {
  it('moves money as two entries that sum to zero, in one transaction', async () => {
    const a = await wallet('a1@example.com');
    const b = await wallet('b1@example.com');
    const { transfer } = await createTransfer(database.db, {
      userId: a.user.id,
      from: a.z,
      to: b.z,
      amount: 2550,
      note: 'lunch',
      hold: 'none',
      now,
    });
    expect(transfer.status).toBe('completed');
    expect(await balance(a.z)).toBe(10_000 - 2550);
    expect(await balance(b.z)).toBe(10_000 + 2550);
    const entries = await database.db
      .selectFrom('entries')
      .select(['account_id', 'amount'])
      .where('transfer_id', '=', transfer.id)
      .orderBy('amount')
      .execute();
    expect(entries).toEqual([
      { account_id: a.z, amount: -2550 },
      { account_id: b.z, amount: 2550 },
    ]);
    expect(await auditLedger(database.db)).toEqual([]);
  });

  it('refuses a transfer beyond the balance and writes nothing', async () => {
    const a = await wallet('a2@example.com');
    const b = await wallet('b2@example.com');
    const before = await database.db
      .selectFrom('transfers')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      createTransfer(database.db, {
        userId: a.user.id,
        from: a.z,
        to: b.z,
        amount: 10_001,
        note: '',
        hold: 'none',
        now,
      }),
    ).rejects.toMatchObject({ code: 'ERR_INSUFFICIENT_FUNDS' });
    const after = await database.db
      .selectFrom('transfers')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await balance(a.z)).toBe(10_000);
    expect(await balance(b.z)).toBe(10_000);
  });

  it('lets a purse pay exactly its whole balance, then nothing more', async () => {
    const a = await wallet('a3@example.com');
    const b = await wallet('b3@example.com');
    await createTransfer(database.db, {
      userId: a.user.id,
      from: a.e,
      to: b.e,
      amount: 10_000,
      note: '',
      hold: 'none',
      now,
    });
    expect(await balance(a.e)).toBe(0);
    await expect(
      createTransfer(database.db, {
        userId: a.user.id,
        from: a.e,
        to: b.e,
        amount: 1,
        note: '',
        hold: 'none',
        now,
      }),
    ).rejects.toMatchObject({ code: 'ERR_INSUFFICIENT_FUNDS' });
  });

  it('refuses a purse paying itself', async () => {
    const a = await wallet('a4@example.com');
    await expect(
      createTransfer(database.db, {
        userId: a.user.id,
        from: a.z,
        to: a.z,
        amount: 1,
        note: '',
        hold: 'none',
        now,
      }),
    ).rejects.toMatchObject({ code: 'ERR_SAME_PURSE' });
  });

  it('the database itself refuses a purse below zero', async () => {
    const a = await wallet('a5@example.com');
    await expect(
      database.db.updateTable('accounts').set({ balance: -1 }).where('id', '=', a.z).execute(),
    ).rejects.toThrow(/check constraint.*accounts_purse_not_negative/i);
    expect(await balance(a.z)).toBe(10_000);
  });
});

describe('idempotency keys', () => {
  it('pays once for a retried request and answers the first transfer', async () => {
    const a = await wallet('i1@example.com');
    const b = await wallet('j1@example.com');
    const request = {
      userId: a.user.id,
      from: a.z,
      to: b.z,
      amount: 100,
      note: 'x',
      hold: 'none' as const,
      now,
      idempotencyKey: 'k-1',
    };
    const first = await createTransfer(database.db, request);
    const second = await createTransfer(database.db, request);
    expect(first.replayed).toBe(false);
    expect(second.replayed).toBe(true);
    expect(second.transfer.id).toBe(first.transfer.id);
    expect(await balance(a.z)).toBe(9_900);
  });

  it('pays once when the same request arrives ten times at once', async () => {
    const a = await wallet('i2@example.com');
    const b = await wallet('j2@example.com');
    const request = {
      userId: a.user.id,
      from: a.z,
      to: b.z,
      amount: 100,
      note: '',
      hold: 'none' as const,
      now,
      idempotencyKey: 'k-2',
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => createTransfer(database.db, request)),
    );
    expect(new Set(results.map((r) => r.transfer.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await balance(a.z)).toBe(9_900);
    expect(await balance(b.z)).toBe(10_100);
  });

  it('refuses the key with another amount', async () => {
    const a = await wallet('i3@example.com');
    const b = await wallet('j3@example.com');
    const request = {
      userId: a.user.id,
      from: a.z,
      to: b.z,
      amount: 100,
      note: '',
      hold: 'none' as const,
      now,
      idempotencyKey: 'k-3',
    };
    await createTransfer(database.db, request);
    await expect(createTransfer(database.db, { ...request, amount: 101 })).rejects.toMatchObject({
      code: 'ERR_IDEMPOTENCY_CONFLICT',
    });
    expect(await balance(a.z)).toBe(9_900);
  });

  it('keeps keys apart between users', async () => {
    const a = await wallet('i4@example.com');
    const b = await wallet('j4@example.com');
    await createTransfer(database.db, {
      userId: a.user.id,
      from: a.z,
      to: b.z,
      amount: 100,
      note: '',
      hold: 'none',
      now,
      idempotencyKey: 'same',
    });
    const other = await createTransfer(database.db, {
      userId: b.user.id,
      from: b.z,
      to: a.z,
      amount: 300,
      note: '',
      hold: 'none',
      now,
      idempotencyKey: 'same',
    });
    expect(other.replayed).toBe(false);
    expect(await balance(a.z)).toBe(10_200);
  });
});

describe('held transfers', () => {
  it('moves nothing while held, and commits exactly once however many times it is confirmed', async () => {
    const a = await wallet('h1@example.com');
    const b = await wallet('g1@example.com');
    const { transfer } = await createTransfer(database.db, {
      userId: a.user.id,
      from: a.r,
      to: b.r,
      amount: 700,
      note: '',
      hold: 'cipherpad',
      now,
    });
    expect(transfer.status).toBe('held');
    expect(await balance(a.r)).toBe(10_000);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => commitTransfer(database.db, transfer.id, now + 1)),
    );
    expect(results.every((t) => t.status === 'completed')).toBe(true);
    expect(await balance(a.r)).toBe(9_300);
    expect(await balance(b.r)).toBe(10_700);
    expect(await auditLedger(database.db)).toEqual([]);
  });

  it('cancels with no money moved, and a cancelled transfer cannot be committed', async () => {
    const a = await wallet('h2@example.com');
    const b = await wallet('g2@example.com');
    const { transfer } = await createTransfer(database.db, {
      userId: a.user.id,
      from: a.r,
      to: b.r,
      amount: 700,
      note: '',
      hold: 'sms',
      now,
    });
    expect((await cancelTransfer(database.db, transfer.id, 'expired')).status).toBe('cancelled');
    expect((await commitTransfer(database.db, transfer.id, now)).status).toBe('cancelled');
    expect(await balance(a.r)).toBe(10_000);
    expect((await cancelTransfer(database.db, transfer.id, 'denied')).cancel_reason).toBe(
      'expired',
    );
  });

  it('a completed transfer cannot be cancelled', async () => {
    const a = await wallet('h3@example.com');
    const b = await wallet('g3@example.com');
    const { transfer } = await createTransfer(database.db, {
      userId: a.user.id,
      from: a.r,
      to: b.r,
      amount: 1,
      note: '',
      hold: 'cipherpad',
      now,
    });
    await commitTransfer(database.db, transfer.id, now);
    expect((await cancelTransfer(database.db, transfer.id, 'denied')).status).toBe('completed');
    expect(await balance(b.r)).toBe(10_001);
  });

  it('of a commit and a cancellation racing, exactly one wins, and the ledger holds', async () => {
    const a = await wallet('h6@example.com');
    const b = await wallet('g6@example.com');
    let moved = 0;
    for (let round = 0; round < 20; round += 1) {
      const { transfer } = await createTransfer(database.db, {
        userId: a.user.id,
        from: a.e,
        to: b.e,
        amount: 100,
        note: '',
        hold: 'cipherpad',
        now,
      });
      const commit = () => commitTransfer(database.db, transfer.id, now + 1);
      const cancel = () => cancelTransfer(database.db, transfer.id, 'cancelled');
      // Each starts first in turn.
      const [committed, cancelled] =
        round % 2 === 0
          ? await Promise.all([commit(), cancel()])
          : await Promise.all([cancel(), commit()]).then(([c, m]) => [m, c] as const);
      // Both report the one outcome that was stored.
      expect(committed.status).toBe(cancelled.status);
      if (committed.status === 'completed') moved += 100;
      else expect(committed.cancel_reason).toBe('cancelled');
    }
    expect(await balance(a.e)).toBe(10_000 - moved);
    expect(await balance(b.e)).toBe(10_000 + moved);
    expect(await auditLedger(database.db)).toEqual([]);
  });

  it('cancels at commit time when the money was spent meanwhile', async () => {
    const a = await wallet('h4@example.com');
    const b = await wallet('g4@example.com');
    const held = await createTransfer(database.db, {
      userId: a.user.id,
      from: a.z,
      to: b.z,
      amount: 6_000,
      note: '',
      hold: 'cipherpad',
      now,
    });
    await createTransfer(database.db, {
      userId: a.user.id,
      from: a.z,
      to: b.z,
      amount: 6_000,
      note: '',
      hold: 'none',
      now,
    });
    const settled = await commitTransfer(database.db, held.transfer.id, now);
    expect(settled.status).toBe('cancelled');
    expect(settled.cancel_reason).toBe('insufficient_funds');
    expect(await balance(a.z)).toBe(4_000);
    expect(await auditLedger(database.db)).toEqual([]);
  });

  it('refuses to hold a transfer the purse cannot pay', async () => {
    const a = await wallet('h5@example.com');
    const b = await wallet('g5@example.com');
    await expect(
      createTransfer(database.db, {
        userId: a.user.id,
        from: a.z,
        to: b.z,
        amount: 10_001,
        note: '',
        hold: 'cipherpad',
        now,
      }),
    ).rejects.toMatchObject({ code: 'ERR_INSUFFICIENT_FUNDS' });
  });
});

describe('1,000 concurrent random transfers between 50 purses', () => {
  it('keeps every rule of the ledger', async () => {
    const wallets = [];
    for (let i = 0; i < 50; i += 1) wallets.push(await wallet(`crowd${i}@example.com`, 5_000));
    const purses = wallets.map((w) => ({ user: w.user.id, purse: w.z }));
    let seed = 20260115;
    const random = (n: number) => {
      // A fixed-seed LCG: the run is the same every time.
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const sumBefore = (await Promise.all(purses.map((p) => balance(p.purse)))).reduce(
      (a, b) => a + b,
      0,
    );
    const jobs = Array.from({ length: 1000 }, (_, i) => {
      const from = purses[random(50)];
      let to = purses[random(50)];
      if (!from || !to) throw new Error('no purse');
      if (to.purse === from.purse) to = purses[(purses.indexOf(from) + 1) % 50] ?? to;
      const amount = 1 + random(3_000);
      const hold = random(10) === 0 ? ('cipherpad' as const) : ('none' as const);
      // Every tenth request is sent twice: the retry must not pay again.
      const key = `crowd-${i}`;
      const request = {
        userId: from.user,
        from: from.purse,
        to: to.purse,
        amount,
        note: '',
        hold,
        now,
        idempotencyKey: key,
      };
      const once = async () => {
        try {
          const created = await createTransfer(database.db, request);
          if (created.transfer.status === 'held' && !created.replayed) {
            return commitTransfer(database.db, created.transfer.id, now);
          }
          return created.transfer;
        } catch (error) {
          if ((error as { code?: string }).code === 'ERR_INSUFFICIENT_FUNDS') return null;
          throw error;
        }
      };
      return i % 10 === 0 ? Promise.all([once(), once()]) : once();
    });
    const outcomes = (await Promise.all(jobs)).flat();
    const completed = new Set(outcomes.filter((t) => t?.status === 'completed').map((t) => t?.id));
    expect(completed.size).toBeGreaterThan(300);

    expect(await auditLedger(database.db)).toEqual([]);
    const balances = await Promise.all(purses.map((p) => balance(p.purse)));
    expect(balances.every((b) => b >= 0)).toBe(true);
    expect(balances.reduce((a, b) => a + b, 0)).toBe(sumBefore);
    const stored = await database.db
      .selectFrom('transfers')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('idempotency_key', 'like', 'crowd-%')
      .where('status', '=', 'completed')
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(completed.size);
    const total = await database.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.sum<number>('balance').as('total'))
      .executeTakeFirstOrThrow();
    expect(Number(total.total)).toBe(0);
  }, 120_000);
});
