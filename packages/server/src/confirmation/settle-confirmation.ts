import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { enqueueWebhook } from '../webhooks/enqueue-webhook.js';
import { confirmationView, loadConfirmation } from './confirmation-view.js';

/** How a confirmation leaves `pending`. */
export type Settlement =
  | {
      readonly status: 'confirmed';
      readonly method: 'response' | 'approval';
      readonly deviceId: string;
    }
  | { readonly status: 'denied' | 'failed' | 'expired' };

/**
 * Moves a pending confirmation to its final status and writes the site's
 * webhook call, both in the caller's transaction, so the call exists exactly
 * when the change does. A conditional UPDATE: of concurrent settlements
 * exactly one changes the confirmation.
 *
 * @returns false when the confirmation was no longer pending (or is not one).
 */
export async function settleConfirmation(
  trx: Kysely<Database>,
  id: string,
  settlement: Settlement,
  now: number,
): Promise<boolean> {
  const changed = await trx
    .updateTable('confirmations')
    .set({
      status: settlement.status,
      completed_at: now,
      ...(settlement.status === 'confirmed'
        ? { method: settlement.method, device_id: settlement.deviceId }
        : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (changed.numUpdatedRows === 0n) return false;
  const row = await loadConfirmation(trx, id);
  if (!row) return true;
  const confirmation = confirmationView(row, now);
  const type = `confirmation.${settlement.status}`;
  await enqueueWebhook(trx, {
    siteId: row.site_id,
    confirmationId: id,
    type,
    body: JSON.stringify({ type, confirmation }),
    now,
  });
  return true;
}
