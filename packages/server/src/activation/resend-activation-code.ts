import { runTransaction } from '@cipherpad/storage';
import { normalizeEmail } from '../accounts/contact.js';
import { recordEvent } from '../audit/record-event.js';
import { issueActivationCode } from '../devices/issue-activation-code.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/**
 * "Forgot activation code" (PRODUCT.md flow 4): sends a new activation code
 * by SMS to the phone of the account with this email, if there is an active
 * one; its earlier unused codes stop working. The caller answers the same
 * whatever happened, so the answer does not tell who has an account.
 * Limited per address and per email like registration.
 *
 * @throws ServiceError `ERR_RATE_LIMITED_IP`, `ERR_RATE_LIMITED_ADDRESS`,
 *   `ERR_EMAIL_REQUIRED`, `ERR_EMAIL_INVALID`.
 */
export async function resendActivationCode(
  services: Services,
  input: { email?: unknown },
  ip: string,
): Promise<void> {
  const { db, clock, policy, rateLimiter, delivery } = services;
  if (!(await rateLimiter.hit(`activation-resend:ip:${ip}`, policy.registrationsPerIp))) {
    throw new ServiceError('ERR_RATE_LIMITED_IP');
  }
  const email = normalizeEmail(input.email);
  if (
    !(await rateLimiter.hit(`activation-resend:email:${email}`, policy.registrationsPerAddress))
  ) {
    throw new ServiceError('ERR_RATE_LIMITED_ADDRESS');
  }
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'phone'])
    .where('email', '=', email)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!account) return;
  await runTransaction(db, async (trx) => {
    await issueActivationCode(services, trx, { accountId: account.id, phone: account.phone });
    await recordEvent(trx, {
      accountId: account.id,
      type: 'activation.resent',
      ip,
      at: clock.now(),
    });
  });
  delivery.kick();
}
