import { runTransaction } from '@cipherpad/storage';
import { recordEvent } from '../audit/record-event.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** A site the account allows to ask it for confirmations. */
export interface ConsentedSite {
  readonly clientId: string;
  readonly name: string;
  readonly consentedAt: number;
}

/** The sites an account has consented to, newest consent first. */
export async function listConsentedSites(
  services: Services,
  accountId: string,
): Promise<ConsentedSite[]> {
  const rows = await services.db
    .selectFrom('site_consents as sc')
    .innerJoin('sites as s', 's.id', 'sc.site_id')
    .select(['s.id', 's.name', 'sc.created_at'])
    .where('sc.account_id', '=', accountId)
    .orderBy('sc.created_at', 'desc')
    .orderBy('s.id')
    .execute();
  return rows.map((row) => ({ clientId: row.id, name: row.name, consentedAt: row.created_at }));
}

/**
 * Withdraws the account's consent to a site: the site's next confirmation
 * asks for consent again (`firstTime`), and a right response is refused with
 * `ERR_CONSENT_REQUIRED` until then. Logged as `site.consent_withdrawn`.
 *
 * @throws ServiceError `ERR_SITE_NOT_FOUND` when the account has no consent to this site.
 */
export async function withdrawConsent(
  services: Services,
  who: { accountId: string; deviceId: string | null },
  clientId: string,
  ip: string,
): Promise<void> {
  const now = services.clock.now();
  await runTransaction(services.db, async (trx) => {
    const site = await trx
      .selectFrom('site_consents as sc')
      .innerJoin('sites as s', 's.id', 'sc.site_id')
      .select(['s.id', 's.name'])
      .where('sc.account_id', '=', who.accountId)
      .where('sc.site_id', '=', clientId)
      .executeTakeFirst();
    if (!site) throw new ServiceError('ERR_SITE_NOT_FOUND');
    const deleted = await trx
      .deleteFrom('site_consents')
      .where('account_id', '=', who.accountId)
      .where('site_id', '=', clientId)
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n) throw new ServiceError('ERR_SITE_NOT_FOUND');
    await recordEvent(trx, {
      accountId: who.accountId,
      type: 'site.consent_withdrawn',
      ip,
      deviceId: who.deviceId,
      details: { site: site.name, clientId: site.id },
      at: now,
    });
  });
}
