import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * The confirmation API for relying sites (docs/confirmation-api.md): sites
 * and their credentials, the users' consents, confirmations (each on a
 * challenge row of purpose `confirmation`), idempotency keys, the webhook
 * outbox and SMS confirmations without registration.
 */
export const relyingSites: Migration = {
  name: '0003-relying-sites',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      // SHA-256 of the client secret (256 random bits): never stored in clear.
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('webhook_url', 'text')
      // The webhook secret, sealed under the master key: the service signs with it.
      .addColumn('webhook_secret_enc', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('site_consents')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('site_consents_pk', ['account_id', 'site_id'])
      .execute();

    await db.schema
      .createTable('confirmations')
      // The id of its challenge row.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('operation_name', 'text')
      .addColumn('description', 'text')
      .addColumn('note', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('method', 'text')
      .addColumn('device_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('confirmations_status')
      .on('confirmations')
      .columns(['status', 'created_at'])
      .execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      // SHA-256 of the method, path and body: the same key with another body is a conflict.
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['site_id', 'key'])
      .execute();
    await db.schema
      .createIndex('idempotency_keys_expires')
      .on('idempotency_keys')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('confirmation_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();

    await db.schema
      .createTable('sms_confirmations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('operation_name', 'text')
      .addColumn('description', 'text')
      .addColumn('amount', 'text')
      .addColumn('currency', 'text')
      .addColumn('purse', 'text')
      .addColumn('note', 'text')
      // HMAC of the 6-digit code under a key derived from the master key.
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('sms_confirmations_phone')
      .on('sms_confirmations')
      .columns(['phone', 'created_at'])
      .execute();
  },
};
