import { newId } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { randomDigits } from '../crypto/code-hasher.js';
import type { ActivationCodeChannel, Database } from '../db/schema.js';
import type { Services } from '../services.js';

/** Digits in an activation code. */
export const ACTIVATION_CODE_DIGITS = 8;

/**
 * Makes a new activation code for an account and queues it by SMS, in the
 * caller's transaction. Earlier unused codes stop working: only the newest
 * code activates.
 */
export async function issueActivationCode(
  services: Services,
  trx: Kysely<Database>,
  target: { accountId: string; phone: string },
): Promise<void> {
  const { code } = await insertActivationCode(services, trx, target.accountId, 'sms');
  await services.delivery.enqueue(trx, {
    channel: 'sms',
    recipient: target.phone,
    subject: null,
    body: `Cipherpad: your activation code is ${code}. Enter it in the app with your email. Never tell it to anyone.`,
  });
}

/**
 * Makes a new activation code for an activation QR code, valid for
 * `policy.activationQrTtlMs`, in the caller's transaction. Earlier QR codes
 * stop working; the code sent by SMS keeps working, so showing a QR code
 * never spoils the SMS the person is reading.
 */
export async function issueActivationQrCode(
  services: Services,
  trx: Kysely<Database>,
  accountId: string,
): Promise<{ code: string; expiresAt: number }> {
  return insertActivationCode(services, trx, accountId, 'qr');
}

async function insertActivationCode(
  services: Services,
  trx: Kysely<Database>,
  accountId: string,
  channel: ActivationCodeChannel,
): Promise<{ code: string; expiresAt: number }> {
  const { clock, codes, policy } = services;
  const now = clock.now();
  const id = newId();
  const code = randomDigits(ACTIVATION_CODE_DIGITS);
  const expiresAt =
    now + (channel === 'qr' ? policy.activationQrTtlMs : policy.activationCodeTtlMs);
  // A new SMS code replaces every earlier one; a new QR code only the earlier QR codes.
  await trx
    .updateTable('activation_codes')
    .set({ expires_at: now })
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .$if(channel === 'qr', (qb) => qb.where('channel', '=', 'qr'))
    .execute();
  await trx
    .insertInto('activation_codes')
    .values({
      id,
      account_id: accountId,
      code_hash: codes.hash(`activation:${accountId}`, code),
      attempts: 0,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
      channel,
    })
    .execute();
  return { code, expiresAt };
}
