import { type Kysely, sql } from 'kysely';
import type { KeeperDatabase } from '../db/schema.js';

/**
 * Checks every rule of the ledger against the stored data and returns what
 * is wrong (nothing, when all is well):
 *
 * - the balances of each currency, issuer included, sum to zero;
 * - no purse is below zero;
 * - each account's balance is the sum of its entries;
 * - each completed transfer has exactly two entries, `-amount` from the payer
 *   and `+amount` to the payee; a held or cancelled transfer has none.
 */
export async function auditLedger(db: Kysely<KeeperDatabase>): Promise<string[]> {
  const problems: string[] = [];
  const totals = await db
    .selectFrom('accounts')
    .select(['currency', sql<number>`sum(balance)`.as('total')])
    .groupBy('currency')
    .execute();
  for (const row of totals) {
    if (Number(row.total) !== 0) problems.push(`currency ${row.currency} sums to ${row.total}`);
  }
  const negative = await db
    .selectFrom('accounts')
    .select(['id', 'balance'])
    .where('kind', '=', 'purse')
    .where('balance', '<', 0)
    .execute();
  for (const row of negative) problems.push(`purse ${row.id} is at ${row.balance}`);

  const drift = await sql<{ id: string; balance: number; entries: number | null }>`
    select a.id, a.balance, e.total as entries
    from accounts a
    left join (select account_id, sum(amount) as total from entries group by account_id) e
      on e.account_id = a.id
    where a.balance <> coalesce(e.total, 0)`.execute(db);
  for (const row of drift.rows) {
    problems.push(
      `account ${row.id} holds ${row.balance} but its entries sum to ${row.entries ?? 0}`,
    );
  }

  const shapes = await sql<{ id: string; status: string }>`
    select t.id, t.status
    from transfers t
    left join entries d on d.transfer_id = t.id and d.account_id = t.from_account and d.amount = -t.amount
    left join entries c on c.transfer_id = t.id and c.account_id = t.to_account and c.amount = t.amount
    left join (select transfer_id, count(*) as n, sum(amount) as total from entries group by transfer_id) s
      on s.transfer_id = t.id
    where (t.status = 'completed' and (d.id is null or c.id is null or s.n <> 2 or s.total <> 0))
       or (t.status <> 'completed' and s.n is not null)`.execute(db);
  for (const row of shapes.rows)
    problems.push(`transfer ${row.id} (${row.status}) has wrong entries`);

  const orphans = await sql<{ transfer_id: string }>`
    select distinct e.transfer_id from entries e
    left join transfers t on t.id = e.transfer_id where t.id is null`.execute(db);
  for (const row of orphans.rows) problems.push(`entries of unknown transfer ${row.transfer_id}`);
  return problems;
}
