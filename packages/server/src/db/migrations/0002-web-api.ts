import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * What the security site and the phone app need (docs/web-api.md): online
 * approval with number matching, device request signatures kept against
 * replay, activation QR codes, and the account's confirmation settings.
 */
export const webApi: Migration = {
  name: '0002-web-api',
  async up(db: Kysely<unknown>) {
    // SQLite adds one column per ALTER TABLE.
    const addColumns = async (
      table: string,
      columns: readonly [string, 'text' | 'bigint', string | null][],
    ) => {
      for (const [name, type, fallback] of columns) {
        await db.schema
          .alterTable(table)
          .addColumn(name, type, (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
          .execute();
      }
    };

    await addColumns('challenges', [
      // Two digits the site shows and the person types into the app to approve.
      ['match_number', 'text', null],
      // SHA-256 of the token only the site that started the login holds.
      ['wait_token_hash', 'text', null],
      // Where the login was started, shown in the app and recorded on a denial.
      ['ip', 'text', null],
      // Display name of the asking site; null for the security site.
      ['site', 'text', null],
      // The device that approved it online.
      ['approved_by', 'text', null],
    ]);

    await addColumns('accounts', [
      // Off until the person turns it on (which itself needs a confirmation).
      ['confirmation_method', 'text', 'none'],
      ['confirmation_operations', 'text', '[]'],
    ]);

    // `sms`: sent by SMS (registration, resend); `qr`: shown in an activation QR code.
    await addColumns('activation_codes', [['channel', 'text', 'sms']]);

    await db.schema
      .createTable('device_request_signatures')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('device_request_signatures_expires')
      .on('device_request_signatures')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('confirmation_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('operations', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('confirmation_changes_account')
      .on('confirmation_changes')
      .column('account_id')
      .execute();
  },
};
