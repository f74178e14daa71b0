import type { Kysely } from 'kysely';
import { newId } from '../db/new-id.js';
import type { Database } from '../db/schema.js';

/**
 * Adds a webhook call to the outbox of webhooks, in the caller's transaction
 * (the one that changes the status it reports), when the site has a webhook
 * URL. The dispatcher delivers it after the commit.
 */
export async function enqueueWebhook(
  trx: Kysely<Database>,
  call: { siteId: string; confirmationId: string; type: string; body: string; now: number },
): Promise<void> {
  await trx
    .insertInto('webhook_deliveries')
    .columns([
      'id',
      'site_id',
      'confirmation_id',
      'type',
      'body',
      'status',
      'attempts',
      'next_attempt_at',
      'created_at',
    ])
    .expression((eb) =>
      eb
        .selectFrom('sites')
        .select((s) => [
          s.val(newId()).as('id'),
          s.val(call.siteId).as('site_id'),
          s.val(call.confirmationId).as('confirmation_id'),
          s.val(call.type).as('type'),
          s.val(call.body).as('body'),
          s.val('pending').as('status'),
          s.val(0).as('attempts'),
          s.val(call.now).as('next_attempt_at'),
          s.val(call.now).as('created_at'),
        ])
        .where('id', '=', call.siteId)
        .where('webhook_url', 'is not', null),
    )
    .execute();
}
