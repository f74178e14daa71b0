import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * A confirmation change becomes the confirmation of any account operation
 * the person confirms with an activated device (or, with none left, the SMS
 * code): a settings change as before, showing an activation code for another
 * device, or deactivating a device (confirmation-settings/account-operation.ts).
 * `operation` names it and `target` binds it to its object (the device id);
 * a settings change keeps `operation = 'settings'` and no target.
 */
export const confirmedOperations: Migration = {
  name: '0005-confirmed-operations',
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('confirmation_changes')
      .addColumn('operation', 'text', (c) => c.notNull().defaultTo('settings'))
      .execute();
    await db.schema.alterTable('confirmation_changes').addColumn('target', 'text').execute();
  },
};
