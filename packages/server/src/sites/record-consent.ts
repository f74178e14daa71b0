import type { Kysely } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import type { Database } from '../db/schema.js';

/**
 * Records that an account allows a site to ask it for confirmations, in the
 * caller's transaction, with `site.consented` in its activity log. Doing it
 * again changes nothing.
 *
 * @returns true when the consent is new.
 */
export async function recordConsent(
  trx: Kysely<Database>,
  consent: {
    accountId: string;
    siteId: string;
    siteName: string;
    ip: string | null;
    deviceId: string | null;
    via: 'app' | 'page';
    now: number;
  },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('site_consents')
    .values({ account_id: consent.accountId, site_id: consent.siteId, created_at: consent.now })
    .onConflict((oc) => oc.columns(['account_id', 'site_id']).doNothing())
    .executeTakeFirst();
  if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return false;
  await recordEvent(trx, {
    accountId: consent.accountId,
    type: 'site.consented',
    ip: consent.ip,
    deviceId: consent.deviceId,
    details: { site: consent.siteName, clientId: consent.siteId, via: consent.via },
    at: consent.now,
  });
  return true;
}

/** Whether an account already allows a site. */
export async function hasConsent(
  db: Kysely<Database>,
  accountId: string,
  siteId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('site_consents')
    .select('created_at')
    .where('account_id', '=', accountId)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
  return row !== undefined;
}
