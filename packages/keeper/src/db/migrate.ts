import { type Kysely, sql } from 'kysely';
import type { Dialect } from './database.js';
import type { KeeperDatabase } from './schema.js';

/** One step of the schema, applied once, in order, inside a transaction. */
export interface Migration {
  readonly name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

const ledger: Migration = {
  name: '0001-ledger',
  async up(db) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('wallet_id', 'text', (c) => c.notNull().unique())
      .addColumn('confirmation', 'text', (c) => c.notNull())
      .addColumn('sms_phone', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.unique())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('balance', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      // The database itself refuses a purse below zero, whatever the code does.
      .addCheckConstraint('accounts_purse_not_negative', sql`kind = 'issuer' or balance >= 0`)
      .execute();
    await db.schema.createIndex('accounts_user').on('accounts').column('user_id').execute();
    await db.schema
      .createTable('transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.references('users.id'))
      .addColumn('idempotency_key', 'text')
      .addColumn('request_hash', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('from_account', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('to_account', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('recipient_email', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('confirmation', 'text', (c) => c.notNull())
      .addColumn('confirmation_id', 'text')
      .addColumn('challenge', 'text')
      .addColumn('uri', 'text')
      .addColumn('match_number', 'text')
      .addColumn('confirm_url', 'text')
      .addColumn('expires_at', 'bigint')
      .addColumn('cancel_reason', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addCheckConstraint('transfers_amount_positive', sql`amount > 0`)
      .execute();
    await db.schema
      .createIndex('transfers_idempotency')
      .on('transfers')
      .columns(['user_id', 'idempotency_key'])
      .unique()
      .execute();
    await db.schema
      .createIndex('transfers_confirmation')
      .on('transfers')
      .column('confirmation_id')
      .execute();
    await db.schema
      .createIndex('transfers_status')
      .on('transfers')
      .columns(['status', 'expires_at'])
      .execute();
    await db.schema
      .createIndex('transfers_from')
      .on('transfers')
      .columns(['from_account', 'created_at'])
      .execute();
    await db.schema
      .createIndex('transfers_to')
      .on('transfers')
      .columns(['to_account', 'created_at'])
      .execute();
    await db.schema
      .createTable('entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('transfer_id', 'text', (c) => c.notNull().references('transfers.id'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // One entry per account and transfer: committing a transfer twice cannot insert twice.
    await db.schema
      .createIndex('entries_transfer_account')
      .on('entries')
      .columns(['transfer_id', 'account_id'])
      .unique()
      .execute();
    await db.schema.createIndex('entries_account').on('entries').column('account_id').execute();
    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('logins')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('confirmation_id', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('settings_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('confirmation', 'text', (c) => c.notNull())
      .addColumn('sms_phone', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('confirmation_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // The issuers: demo money comes from them, so every currency's balances sum to zero.
    for (const currency of ['Z', 'E', 'R']) {
      await sql`insert into accounts (id, number, currency, user_id, kind, balance, created_at)
        values (${`issuer:${currency}`}, null, ${currency}, null, 'issuer', 0, 0)`.execute(db);
    }
  },
};

/**
 * Drops the index of entries by account. No query reads an account's entries
 * (balances live on the account row; the ledger audit reads every entry), and
 * each transfer paid for it twice: its two entries land on two scattered
 * pages of that index, about a sixth of the pages the keeper's SQLite file
 * had to write per transfer.
 */
const noEntriesByAccount: Migration = {
  name: '0002-no-entries-by-account',
  async up(db) {
    await db.schema.dropIndex('entries_account').ifExists().execute();
  },
};

/**
 * Indexes by expiry for the retention sweep (db/prune-expired.ts): sessions,
 * pending logins and setting changes expire in about the order they are
 * made, so each index only grows at its end.
 */
const expiryIndexes: Migration = {
  name: '0003-expiry-indexes',
  async up(db) {
    for (const table of ['sessions', 'logins', 'settings_changes']) {
      await db.schema.createIndex(`${table}_expires`).on(table).column('expires_at').execute();
    }
  },
};

/** Wrong answers per client address, shared by every keeper on the database. */
const wrongAnswers: Migration = {
  name: '0004-wrong-answers',
  async up(db) {
    await db.schema
      .createTable('wrong_answers')
      .addColumn('address', 'text', (c) => c.primaryKey())
      .addColumn('spent', 'double precision', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('wrong_answers_at').on('wrong_answers').column('at').execute();
  },
};

/**
 * When a session's person last made a request, as last recorded
 * (auth/sessions.ts), so a session ends after the idle time. Null until the
 * first refresh: a new session counts from `created_at`.
 */
const sessionActivity: Migration = {
  name: '0005-session-activity',
  async up(db) {
    await db.schema.alterTable('sessions').addColumn('last_seen_at', 'bigint').execute();
  },
};

/** Every migration, oldest first. A new migration is appended here. */
export const migrations: readonly Migration[] = [
  ledger,
  noEntriesByAccount,
  expiryIndexes,
  wrongAnswers,
  sessionActivity,
];

/**
 * Applies the migrations that have not run yet. On PostgreSQL an advisory
 * lock lets several keepers start together; on SQLite the write transaction
 * serializes them.
 *
 * @returns the names of the migrations applied by this call.
 */
export async function migrate(typed: Kysely<KeeperDatabase>, dialect: Dialect): Promise<string[]> {
  const db = typed as unknown as Kysely<unknown>;
  await db.schema
    .createTable('keeper_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(715217081)`.execute(trx);
      const done = await sql<{ name: string }>`
        select name from keeper_migrations where name = ${migration.name}`.execute(trx);
      if (done.rows.length > 0) return false;
      await migration.up(trx, dialect);
      await sql`insert into keeper_migrations (name, applied_at) values (${migration.name}, ${Date.now()})`.execute(
        trx,
      );
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}
