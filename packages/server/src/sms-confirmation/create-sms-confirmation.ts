import { newId } from '@cipherpad/storage';
import { type Kysely, sql } from 'kysely';
import { normalizePhone } from '../accounts/contact.js';
import { randomDigits } from '../crypto/code-hasher.js';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { AuthenticatedSite } from '../sites/authenticate-site.js';
import { type ConfirmationOperation, parseOperation } from '../sites/confirmation-operation.js';
import { idempotent } from '../sites/idempotency.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The answer to `POST /v1/sms-confirmations`. */
export interface CreatedSmsConfirmation {
  readonly id: string;
  readonly status: 'pending';
  readonly expiresAt: number;
}

/** The HMAC purpose of an SMS confirmation's code: bound to its id. */
export function smsCodePurpose(id: string): string {
  return `sms-confirmation:${id}`;
}

/**
 * PRODUCT.md flow 14: sends a 6-digit code by SMS for one operation, to a
 * phone that needs no account. The text names the site, and for a payment
 * the amount, currency and recipient. A phone gets at most
 * `SMS_CONFIRMATIONS_PER_PHONE_PER_DAY` such messages in a rolling 24 h from
 * all sites together: the count and the insert run in one transaction, under
 * a lock on the phone (PostgreSQL; SQLite's writes are serialized), so
 * concurrent requests cannot pass the limit. The SMS is written to the
 * outbox in the same transaction.
 *
 * @throws ServiceError `ERR_PHONE_REQUIRED`, `ERR_PHONE_INVALID`,
 *   `ERR_VALIDATION`, `ERR_SMS_DAILY_LIMIT` (`retryAfter`),
 *   `ERR_IDEMPOTENCY_CONFLICT`; core `ERR_AMOUNT_INVALID`, `ERR_PURSE_INVALID`.
 */
export async function createSmsConfirmation(
  services: Services,
  site: AuthenticatedSite,
  body: { phone?: unknown; operation?: unknown },
  idempotencyKey: unknown,
): Promise<CreatedSmsConfirmation> {
  const phone = normalizePhone(body.phone);
  const operation = parseOperation(body.operation, ['operation', 'payment']);
  const { answer, replayed } = await idempotent(
    services,
    site.id,
    idempotencyKey,
    { method: 'POST', path: '/v1/sms-confirmations', body },
    (trx) => insertSmsConfirmation(services, trx, site, phone, operation),
  );
  if (!replayed) services.delivery.kick();
  return answer;
}

async function insertSmsConfirmation(
  services: Services,
  trx: Kysely<Database>,
  site: AuthenticatedSite,
  phone: string,
  operation: ConfirmationOperation,
): Promise<CreatedSmsConfirmation> {
  const { clock, policy, config, codes, delivery, dialect } = services;
  const now = clock.now();
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(hashtext(${`sms-confirmation:${phone}`}))`.execute(trx);
  }
  const sent = await trx
    .selectFrom('sms_confirmations')
    .select('created_at')
    .where('phone', '=', phone)
    .where('created_at', '>', now - DAY_MS)
    .orderBy('created_at', 'desc')
    .limit(config.smsConfirmationsPerPhonePerDay)
    .execute();
  const limit = config.smsConfirmationsPerPhonePerDay;
  if (sent.length >= limit) {
    // The oldest of the last `limit` messages leaves the 24 h window first.
    const oldest = sent[sent.length - 1]?.created_at ?? now;
    throw new ServiceError('ERR_SMS_DAILY_LIMIT', {
      retryAfter: Math.max(1, Math.ceil((oldest + DAY_MS - now) / 1000)),
    });
  }
  const id = newId();
  const code = randomDigits(6);
  const expiresAt = now + policy.smsConfirmationTtlMs;
  await trx
    .insertInto('sms_confirmations')
    .values({
      id,
      site_id: site.id,
      phone,
      kind: operation.type === 'payment' ? 'payment' : 'operation',
      operation_name: operation.name ?? null,
      description: operation.description ?? null,
      amount: operation.amount ?? null,
      currency: operation.currency ?? null,
      purse: operation.purse ?? null,
      note: operation.note ?? null,
      code_hash: codes.hash(smsCodePurpose(id), code),
      attempts: 0,
      status: 'pending',
      created_at: now,
      expires_at: expiresAt,
      completed_at: null,
    })
    .execute();
  await delivery.enqueue(trx, {
    channel: 'sms',
    recipient: phone,
    subject: null,
    body: smsText(site.name, code, operation, policy.smsConfirmationTtlMs),
  });
  return { id, status: 'pending', expiresAt };
}

/** What the SMS says: the site, the code, and what it confirms (amount, currency, recipient). */
export function smsText(
  siteName: string,
  code: string,
  operation: ConfirmationOperation,
  ttlMs: number,
): string {
  const what =
    operation.type === 'payment'
      ? `paying ${operation.amount} ${operation.currency} to ${operation.purse}`
      : (operation.description ?? OPERATION_WORDS[operation.name ?? ''] ?? operation.name);
  const minutes = Math.round(ttlMs / 60_000);
  return `${siteName}: code ${code} confirms ${what}. Valid ${minutes} minutes. Never tell it to anyone.`;
}

const OPERATION_WORDS: Record<string, string> = {
  login: 'signing in',
  payment: 'a payment',
  'personal-data': 'a change of your personal data',
  'security-settings': 'a change of your security settings',
  'trust-transfer': 'a transfer on trust',
  'merchant-payment': 'a merchant payment',
  'credit-exchange': 'a credit exchange request',
  'trust-limit': 'opening a trust limit',
};
