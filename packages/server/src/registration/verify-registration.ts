import { sql } from 'kysely';
import { hashToken } from '../crypto/code-hasher.js';
import type { RegistrationTable } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { completeRegistration } from './complete-registration.js';

/** Where a registration stands, as the client sees it. */
export interface RegistrationStatus {
  readonly id: string;
  readonly emailVerified: boolean;
  readonly phoneVerified: boolean;
  /** True once the account exists and the activation code has been sent by SMS. */
  readonly completed: boolean;
}

type Channel = 'email' | 'phone';

/**
 * Checks a code sent to the email or the phone. Wrong codes count against
 * the registration (at most `policy.registrationMaxAttempts`, email and phone
 * together); once both contacts are verified the account is created.
 *
 * @throws ServiceError `ERR_REGISTRATION_NOT_FOUND`, `ERR_REGISTRATION_CLOSED`,
 *   `ERR_CODE_EXPIRED`, `ERR_CODE_INVALID`, and from completion `ERR_EMAIL_TAKEN`
 *   or `ERR_PHONE_TAKEN`.
 */
export async function verifyRegistrationCode(
  services: Services,
  id: string,
  channel: Channel,
  code: unknown,
  ip: string,
): Promise<RegistrationStatus> {
  const { db, clock, codes, policy } = services;
  const registration = await loadOpen(services, id);
  const now = clock.now();
  const expiresAt =
    channel === 'email' ? registration.email_expires_at : registration.phone_expires_at;
  const verifiedAt =
    channel === 'email' ? registration.email_verified_at : registration.phone_verified_at;
  if (verifiedAt === null && now >= expiresAt) throw new ServiceError('ERR_CODE_EXPIRED');

  const typed = typeof code === 'string' ? code.replace(/\s/g, '') : '';
  const stored = channel === 'email' ? registration.email_code_hash : registration.phone_code_hash;
  if (!codes.matches(`registration-${channel}:${id}`, typed, stored)) {
    const counted = await db
      .updateTable('registrations')
      .set({ attempts: sql`attempts + 1` })
      .where('id', '=', id)
      .where('attempts', '<', policy.registrationMaxAttempts)
      .returning('attempts')
      .executeTakeFirst();
    if (!counted) throw new ServiceError('ERR_REGISTRATION_CLOSED');
    throw new ServiceError('ERR_CODE_INVALID', {
      attemptsLeft: policy.registrationMaxAttempts - counted.attempts,
    });
  }

  if (verifiedAt === null) {
    await db
      .updateTable('registrations')
      .set(channel === 'email' ? { email_verified_at: now } : { phone_verified_at: now })
      .where('id', '=', id)
      .execute();
  }
  return finishIfVerified(services, id, ip);
}

/**
 * Verifies the email with the token of the link sent in the email (valid 24 h); the link opens
 * the security site's `/verify-email.html`, which calls this through the JSON endpoint.
 *
 * @throws ServiceError `ERR_LINK_INVALID` when the token is unknown, expired or closed.
 */
export async function verifyRegistrationLink(
  services: Services,
  token: unknown,
  ip: string,
): Promise<RegistrationStatus> {
  const { db, clock, policy } = services;
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) {
    throw new ServiceError('ERR_LINK_INVALID');
  }
  const now = clock.now();
  const registration = await db
    .selectFrom('registrations')
    .select(['id', 'email_verified_at'])
    .where('email_token_hash', '=', hashToken(token))
    .where('account_id', 'is', null)
    .where('attempts', '<', policy.registrationMaxAttempts)
    .where('email_expires_at', '>', now)
    .executeTakeFirst();
  if (!registration) throw new ServiceError('ERR_LINK_INVALID');
  if (registration.email_verified_at === null) {
    await db
      .updateTable('registrations')
      .set({ email_verified_at: now })
      .where('id', '=', registration.id)
      .execute();
  }
  return finishIfVerified(services, registration.id, ip);
}

/** The current state of a registration. */
export async function getRegistrationStatus(
  services: Services,
  id: string,
): Promise<RegistrationStatus> {
  const row = await services.db
    .selectFrom('registrations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new ServiceError('ERR_REGISTRATION_NOT_FOUND');
  return statusOf(row);
}

async function loadOpen(services: Services, id: string) {
  const row = await services.db
    .selectFrom('registrations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new ServiceError('ERR_REGISTRATION_NOT_FOUND');
  if (row.account_id !== null || row.attempts >= services.policy.registrationMaxAttempts) {
    throw new ServiceError('ERR_REGISTRATION_CLOSED');
  }
  return row;
}

async function finishIfVerified(services: Services, id: string, ip: string) {
  const row = await services.db
    .selectFrom('registrations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  if (row.email_verified_at !== null && row.phone_verified_at !== null && row.account_id === null) {
    await completeRegistration(services, row, ip);
    return { ...statusOf(row), completed: true };
  }
  return statusOf(row);
}

function statusOf(row: RegistrationTable): RegistrationStatus {
  return {
    id: row.id,
    emailVerified: row.email_verified_at !== null,
    phoneVerified: row.phone_verified_at !== null,
    completed: row.account_id !== null,
  };
}
