import { newId } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { prepareQuery } from '../db/prepared-query.js';
import type { Database } from '../db/schema.js';

/** One statement: the row is written only when the site has a webhook URL. */
const insertDelivery = prepareQuery<
  { id: string; siteId: string; confirmationId: string; type: string; body: string; now: number },
  never
>((db, p) =>
  db
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
          s.val(p.id).as('id'),
          s.val(p.siteId).as('site_id'),
          s.val(p.confirmationId).as('confirmation_id'),
          s.val(p.type).as('type'),
          s.val(p.body).as('body'),
          s.val('pending').as('status'),
          s.val(0).as('attempts'),
          s.val(p.now).as('next_attempt_at'),
          s.val(p.now).as('created_at'),
        ])
        .where('id', '=', p.siteId)
        .where('webhook_url', 'is not', null),
    ),
);

/**
 * Adds a webhook call to the outbox of webhooks, in the caller's transaction
 * (the one that changes the status it reports), when the site has a webhook
 * URL. The dispatcher delivers it after the commit.
 *
 * @returns whether a call was written.
 */
export async function enqueueWebhook(
  trx: Kysely<Database>,
  call: { siteId: string; confirmationId: string; type: string; body: string; now: number },
): Promise<boolean> {
  const { numAffectedRows } = await insertDelivery(trx, { id: newId(), ...call });
  return numAffectedRows !== 0n;
}
