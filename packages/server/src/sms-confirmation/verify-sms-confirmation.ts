import { sql } from 'kysely';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { AuthenticatedSite } from '../sites/authenticate-site.js';
import { smsCodePurpose } from './create-sms-confirmation.js';

const CODE = /^[0-9]{6}$/;

/**
 * Checks the code a person typed at the site. The code is compared in
 * constant time with its stored HMAC, used once (a conditional UPDATE: of
 * concurrent right codes exactly one wins), valid 5 minutes, and 3 wrong
 * codes close the confirmation.
 *
 * @throws ServiceError `ERR_CONFIRMATION_NOT_FOUND`, `ERR_CODE_INVALID`
 *   (`attemptsLeft`), `ERR_CODE_EXPIRED`, `ERR_CHALLENGE_CLOSED`.
 */
export async function verifySmsConfirmation(
  services: Services,
  site: AuthenticatedSite,
  id: string,
  code: unknown,
): Promise<{ id: string; status: 'confirmed'; confirmedAt: number }> {
  const { db, clock, codes, policy } = services;
  if (typeof code !== 'string' || code.length > 32) {
    throw new ServiceError('ERR_VALIDATION', {}, 'code must be the 6 digits of the SMS.');
  }
  const typed = code.replace(/[\s-]/g, '');
  const row = await db
    .selectFrom('sms_confirmations')
    .select(['code_hash', 'status', 'expires_at'])
    .where('id', '=', id)
    .where('site_id', '=', site.id)
    .executeTakeFirst();
  if (!row) throw new ServiceError('ERR_CONFIRMATION_NOT_FOUND');
  const now = clock.now();
  if (row.status !== 'pending') throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (now >= row.expires_at) throw new ServiceError('ERR_CODE_EXPIRED');

  // The hash is computed even for a malformed code, so timing does not tell one from the other.
  const right = codes.matches(smsCodePurpose(id), typed, row.code_hash) && CODE.test(typed);
  if (!right) {
    const counted = await db
      .updateTable('sms_confirmations')
      .set({
        attempts: sql`attempts + 1`,
        status: sql`case when attempts + 1 >= ${policy.challengeMaxAttempts} then 'failed' else status end`,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returning('attempts')
      .executeTakeFirst();
    if (!counted) throw new ServiceError('ERR_CHALLENGE_CLOSED');
    throw new ServiceError('ERR_CODE_INVALID', {
      attemptsLeft: Math.max(0, policy.challengeMaxAttempts - counted.attempts),
    });
  }
  const claimed = await db
    .updateTable('sms_confirmations')
    .set({ status: 'confirmed', completed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (claimed.numUpdatedRows === 0n) throw new ServiceError('ERR_CHALLENGE_CLOSED');
  services.events.publish(`sms-confirmation:${id}`, { type: 'changed', id });
  return { id, status: 'confirmed', confirmedAt: now };
}
