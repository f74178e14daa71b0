import { newId, runTransaction } from '@cipherpad/storage';
import { recordEvent } from '../audit/record-event.js';
import type { RegistrationTable } from '../db/schema.js';
import { uniqueViolation } from '../db/unique-violation.js';
import { issueActivationCode } from '../devices/issue-activation-code.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/**
 * Creates the account of a registration whose email and phone are both
 * verified, and sends the activation code by SMS, in one transaction: either
 * all of it happens or none. The registration is claimed first, so two
 * concurrent completions make one account.
 *
 * @throws ServiceError `ERR_EMAIL_TAKEN` / `ERR_PHONE_TAKEN` when another
 *   registration took the email or phone meanwhile; `ERR_REGISTRATION_CLOSED`
 *   when this one was completed concurrently.
 */
export async function completeRegistration(
  services: Services,
  registration: RegistrationTable,
  ip: string,
): Promise<string> {
  const { db, clock, delivery } = services;
  const accountId = newId();
  const now = clock.now();
  try {
    await runTransaction(db, async (trx) => {
      const claimed = await trx
        .updateTable('registrations')
        .set({ account_id: accountId })
        .where('id', '=', registration.id)
        .where('account_id', 'is', null)
        .executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) throw new ServiceError('ERR_REGISTRATION_CLOSED');
      const taken = await trx
        .selectFrom('accounts')
        .select(['email'])
        .where((eb) =>
          eb.or([eb('email', '=', registration.email), eb('phone', '=', registration.phone)]),
        )
        .execute();
      if (taken.some((row) => row.email === registration.email)) {
        throw new ServiceError('ERR_EMAIL_TAKEN');
      }
      if (taken.length > 0) throw new ServiceError('ERR_PHONE_TAKEN');
      await trx
        .insertInto('accounts')
        .values({
          id: accountId,
          email: registration.email,
          phone: registration.phone,
          status: 'active',
          failed_attempts: 0,
          block_level: 0,
          blocked_until: null,
          locked_by: null,
          created_at: now,
        })
        .execute();
      await issueActivationCode(services, trx, {
        accountId,
        phone: registration.phone,
      });
      await recordEvent(trx, { accountId, type: 'registration.completed', ip, at: now });
    });
  } catch (error) {
    const unique = uniqueViolation(error);
    if (unique?.column === 'accounts.email') throw new ServiceError('ERR_EMAIL_TAKEN');
    if (unique?.column === 'accounts.phone') throw new ServiceError('ERR_PHONE_TAKEN');
    throw error;
  }
  delivery.kick();
  return accountId;
}
