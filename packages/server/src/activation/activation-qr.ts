import { formatQrUri } from '@cipherpad/core';
import { runTransaction } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import type { Database } from '../db/schema.js';
import { issueActivationQrCode } from '../devices/issue-activation-code.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** An activation QR code for the app: its `cipherpad:activate` URI and when its code expires. */
export interface ActivationQr {
  readonly uri: string;
  readonly expiresAt: number;
}

/**
 * Issues a fresh activation code (valid `policy.activationQrTtlMs`) for an
 * account and writes it as an activation QR URI
 * (`cipherpad:activate?email=…&code=…&server=…`, docs/protocol.md). The code
 * in it is as secret as the one sent by SMS: it is answered once, to the
 * signed-in person or the browser that completed the registration.
 *
 * `authorise` runs first in the transaction that issues the code and throws
 * to refuse it: for a signed-in person it uses a confirmation of "show
 * activation code" given with an activated device (whoever holds only a
 * session must not enrol an authenticator of their own); the code is then
 * issued only if that confirmation is used.
 */
export async function issueActivationQr(
  services: Services,
  accountId: string,
  ip: string,
  authorise: (trx: Kysely<Database>) => Promise<void>,
): Promise<ActivationQr> {
  const { db, clock, config } = services;
  const account = await db
    .selectFrom('accounts')
    .select(['email', 'status'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account) throw new ServiceError('ERR_UNAUTHENTICATED');
  if (account.status === 'locked') throw new ServiceError('ERR_ACCOUNT_LOCKED');
  const issued = await runTransaction(db, async (trx) => {
    await authorise(trx);
    const qr = await issueActivationQrCode(services, trx, accountId);
    await recordEvent(trx, { accountId, type: 'activation.qr-issued', ip, at: clock.now() });
    return qr;
  });
  return {
    uri: formatQrUri({
      kind: 'activate',
      email: account.email,
      code: issued.code,
      server: config.publicUrl,
    }),
    expiresAt: issued.expiresAt,
  };
}

/**
 * The activation QR code of a fresh registration, for the browser that
 * completed it: within `policy.registrationQrWindowMs` of its completion.
 *
 * @throws ServiceError `ERR_REGISTRATION_NOT_FOUND`, `ERR_REGISTRATION_INCOMPLETE`
 *   (the email or the phone is not verified yet), `ERR_REGISTRATION_CLOSED`
 *   (completed more than an hour ago), `ERR_OPERATION_CONFIRMATION_REQUIRED`
 *   (a device of the account is already active).
 */
export async function issueRegistrationActivationQr(
  services: Services,
  registrationId: string,
  ip: string,
): Promise<ActivationQr> {
  const { db, clock, policy } = services;
  const registration = await db
    .selectFrom('registrations')
    .select(['account_id', 'email_verified_at', 'phone_verified_at'])
    .where('id', '=', registrationId)
    .executeTakeFirst();
  if (!registration) throw new ServiceError('ERR_REGISTRATION_NOT_FOUND');
  const {
    account_id: accountId,
    email_verified_at: email,
    phone_verified_at: phone,
  } = registration;
  if (accountId === null || email === null || phone === null) {
    throw new ServiceError('ERR_REGISTRATION_INCOMPLETE');
  }
  // The registration completed when its second contact was verified.
  const completedAt = Math.max(email, phone);
  if (clock.now() >= completedAt + policy.registrationQrWindowMs) {
    throw new ServiceError('ERR_REGISTRATION_CLOSED');
  }
  // The browser that completed the registration within the window may show the code for the
  // account's first device. Once a device is active, another one is added in the settings with
  // that device's confirmation: a registration id alone must not enrol a second authenticator.
  return issueActivationQr(services, accountId, ip, async (trx) => {
    const active = await trx
      .selectFrom('devices')
      .select('id')
      .where('account_id', '=', accountId)
      .where('status', '=', 'active')
      .limit(1)
      .executeTakeFirst();
    if (active) throw new ServiceError('ERR_OPERATION_CONFIRMATION_REQUIRED');
  });
}
