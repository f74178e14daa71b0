import type { Kysely } from 'kysely';
import { type ChallengeTerms, findTerms } from '../challenges/find-challenge.js';
import { prepareQuery } from '../db/prepared-query.js';
import type { ConfirmationTable, Database } from '../db/schema.js';
import { enqueueWebhook } from '../webhooks/enqueue-webhook.js';
import { confirmationView } from './confirmation-view.js';

/** How a confirmation leaves `pending`. */
export type Settlement =
  | {
      readonly status: 'confirmed';
      readonly method: 'response' | 'approval';
      readonly deviceId: string;
    }
  | { readonly status: 'denied' | 'failed' | 'expired' };

/**
 * What the site's view of a confirmation takes from its challenge row: a
 * caller that has just claimed the challenge in the same transaction can
 * pass them (`claimChallenge` returns them), which saves reading them again.
 */
export type { ChallengeTerms };

/** A settlement that changed the confirmation. */
export interface Settled {
  /**
   * Whether a webhook call was written (the site has a webhook URL): only
   * then is there anything for the dispatcher to deliver after the commit.
   */
  readonly webhook: boolean;
}

const SETTLED_COLUMNS = [
  'site_id',
  'kind',
  'operation_name',
  'description',
  'note',
  'status',
  'method',
  'device_id',
  'completed_at',
] as const;

/** The confirmation's row as a settlement left it. */
type SettledRow = Pick<ConfirmationTable, (typeof SETTLED_COLUMNS)[number]>;

/** Of concurrent settlements exactly one changes the row (and gets it back). */
const confirm = prepareQuery<
  { id: string; method: 'response' | 'approval'; deviceId: string; now: number },
  SettledRow
>((db, p) =>
  db
    .updateTable('confirmations')
    .set({ status: 'confirmed', completed_at: p.now, method: p.method, device_id: p.deviceId })
    .where('id', '=', p.id)
    .where('status', '=', 'pending')
    .returning(SETTLED_COLUMNS),
);

const close = prepareQuery<
  { id: string; status: 'denied' | 'failed' | 'expired'; now: number },
  SettledRow
>((db, p) =>
  db
    .updateTable('confirmations')
    .set({ status: p.status, completed_at: p.now })
    .where('id', '=', p.id)
    .where('status', '=', 'pending')
    .returning(SETTLED_COLUMNS),
);

/**
 * Moves a pending confirmation to its final status and writes the site's
 * webhook call, both in the caller's transaction, so the call exists exactly
 * when the change does. A conditional UPDATE: of concurrent settlements
 * exactly one changes the confirmation. The call's view of the confirmation
 * is built from the row the UPDATE returns and from its challenge's `terms`,
 * read in the transaction when the caller does not pass them.
 *
 * @returns null when the confirmation was no longer pending (or is not one).
 */
export async function settleConfirmation(
  trx: Kysely<Database>,
  id: string,
  settlement: Settlement,
  now: number,
  terms?: ChallengeTerms,
): Promise<Settled | null> {
  const { rows } =
    settlement.status === 'confirmed'
      ? await confirm(trx, {
          id,
          method: settlement.method,
          deviceId: settlement.deviceId,
          now,
        })
      : await close(trx, { id, status: settlement.status, now });
  const [row] = rows;
  if (!row) return null;
  const challenge = terms ?? (await findTerms(trx, id));
  if (!challenge) return { webhook: false };
  const confirmation = confirmationView(
    {
      id,
      status: row.status,
      mode: challenge.mode,
      expires_at: challenge.expires_at,
      completed_at: row.completed_at,
      device_id: row.device_id,
      method: row.method,
      kind: row.kind,
      operation_name: row.operation_name,
      description: row.description,
      note: row.note,
      amount: challenge.amount,
      currency: challenge.currency,
      purse: challenge.purse,
    },
    now,
  );
  const type = `confirmation.${settlement.status}`;
  const webhook = await enqueueWebhook(trx, {
    siteId: row.site_id,
    confirmationId: id,
    type,
    body: JSON.stringify({ type, confirmation }),
    now,
  });
  return { webhook };
}
