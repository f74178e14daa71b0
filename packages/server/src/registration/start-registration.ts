import { newId, randomString, runTransaction } from '@cipherpad/storage';
import { normalizeEmail, normalizePhone } from '../accounts/contact.js';
import { hashToken, randomDigits } from '../crypto/code-hasher.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** What a new registration tells the client. Codes travel only by email and SMS. */
export interface StartedRegistration {
  readonly id: string;
  readonly email: string;
  readonly phone: string;
  readonly emailExpiresAt: number;
  readonly phoneExpiresAt: number;
}

/**
 * PRODUCT.md flow 1, first step: checks the email and phone, then sends a code
 * and a link to the email (valid 24 h) and a code by SMS to the phone.
 *
 * @throws ServiceError `ERR_RATE_LIMITED_IP`, `ERR_EMAIL_REQUIRED`, `ERR_EMAIL_INVALID`,
 *   `ERR_PHONE_REQUIRED`, `ERR_PHONE_INVALID`, `ERR_RATE_LIMITED_ADDRESS`,
 *   `ERR_EMAIL_TAKEN`, `ERR_PHONE_TAKEN`.
 */
export async function startRegistration(
  services: Services,
  input: { email?: unknown; phone?: unknown },
  ip: string,
): Promise<StartedRegistration> {
  const { db, clock, policy, rateLimiter, codes, delivery, config } = services;

  if (!(await rateLimiter.hit(`registration:ip:${ip}`, policy.registrationsPerIp))) {
    throw new ServiceError('ERR_RATE_LIMITED_IP');
  }
  const email = normalizeEmail(input.email);
  const phone = normalizePhone(input.phone);
  const emailAllowed = await rateLimiter.hit(
    `registration:email:${email}`,
    policy.registrationsPerAddress,
  );
  const phoneAllowed = await rateLimiter.hit(
    `registration:phone:${phone}`,
    policy.registrationsPerAddress,
  );
  if (!emailAllowed || !phoneAllowed) throw new ServiceError('ERR_RATE_LIMITED_ADDRESS');

  const taken = await db
    .selectFrom('accounts')
    .select(['email', 'phone'])
    .where((eb) => eb.or([eb('email', '=', email), eb('phone', '=', phone)]))
    .execute();
  if (taken.some((row) => row.email === email)) throw new ServiceError('ERR_EMAIL_TAKEN');
  if (taken.length > 0) throw new ServiceError('ERR_PHONE_TAKEN');

  const id = newId();
  const now = clock.now();
  const emailCode = randomDigits(6);
  const phoneCode = randomDigits(6);
  const emailToken = randomString(32, 'base64url');
  const emailExpiresAt = now + policy.emailCodeTtlMs;
  const phoneExpiresAt = now + policy.phoneCodeTtlMs;
  // The security site's page, which confirms through `GET /v1/registrations/verify-email`.
  const link = `${config.publicUrl}/verify-email.html?token=${emailToken}`;

  await runTransaction(db, async (trx) => {
    await trx
      .insertInto('registrations')
      .values({
        id,
        email,
        phone,
        email_code_hash: codes.hash(`registration-email:${id}`, emailCode),
        email_token_hash: hashToken(emailToken),
        email_verified_at: null,
        phone_code_hash: codes.hash(`registration-phone:${id}`, phoneCode),
        phone_verified_at: null,
        attempts: 0,
        account_id: null,
        created_at: now,
        email_expires_at: emailExpiresAt,
        phone_expires_at: phoneExpiresAt,
      })
      .execute();
    await delivery.enqueue(trx, {
      channel: 'email',
      recipient: email,
      subject: 'Confirm your email for Cipherpad',
      body: [
        'Welcome to Cipherpad.',
        '',
        `Your email verification code is ${emailCode}`,
        '',
        `Or open this link: ${link}`,
        '',
        'The code and the link are valid for 24 hours. If you did not ask for this, ignore this message.',
      ].join('\n'),
    });
    await delivery.enqueue(trx, {
      channel: 'sms',
      recipient: phone,
      subject: null,
      body: `Cipherpad: your phone verification code is ${phoneCode}`,
    });
  });
  delivery.kick();
  return { id, email, phone, emailExpiresAt, phoneExpiresAt };
}
