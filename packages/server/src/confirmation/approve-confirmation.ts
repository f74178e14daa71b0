import type { Kysely } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { ApprovedChallenge } from '../events/challenge-hooks.js';
import { recordConsent } from '../sites/record-consent.js';
import { settleConfirmation } from './settle-confirmation.js';

/**
 * The app approved a relying site's confirmation online, with the right
 * number: the `approved` hook of the `confirmation` purpose, run in the
 * transaction in which the challenges module claimed the challenge (one of
 * concurrent approvals and typed responses wins). The confirmation becomes
 * `confirmed` (method `approval`) with its webhook call, and, when the
 * request was `firstTime`, the consent to the site is recorded: the app's
 * button read "Allow and approve".
 *
 * @throws ServiceError `ERR_CHALLENGE_CLOSED`.
 */
export async function approveConfirmation(
  trx: Kysely<Database>,
  approval: ApprovedChallenge,
): Promise<void> {
  const { id, accountId, deviceId, now } = approval;
  const confirmation = await trx
    .selectFrom('confirmations as f')
    .innerJoin('sites as s', 's.id', 'f.site_id')
    .select(['f.site_id', 's.name', 'f.kind'])
    .where('f.id', '=', id)
    .executeTakeFirst();
  if (!confirmation) throw new ServiceError('ERR_CHALLENGE_CLOSED');
  const settled = await settleConfirmation(
    trx,
    id,
    { status: 'confirmed', method: 'approval', deviceId },
    now,
  );
  if (!settled) throw new ServiceError('ERR_CHALLENGE_CLOSED');
  await recordConsent(trx, {
    accountId,
    siteId: confirmation.site_id,
    siteName: confirmation.name,
    ip: approval.ip,
    deviceId,
    via: 'app',
    now,
  });
  await recordEvent(trx, {
    accountId,
    type: 'confirmation.succeeded',
    ip: approval.requestIp,
    deviceId,
    details: {
      site: confirmation.name,
      operation: confirmation.kind,
      mode: approval.mode,
      method: 'approval',
    },
    at: now,
  });
}
