import type { Kysely } from 'kysely';
import { randomDigits } from '../crypto/code-hasher.js';
import { newId } from '../db/new-id.js';
import type { Database } from '../db/schema.js';
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
  const { clock, codes, policy, delivery } = services;
  const now = clock.now();
  const id = newId();
  const code = randomDigits(ACTIVATION_CODE_DIGITS);
  await trx
    .updateTable('activation_codes')
    .set({ expires_at: now })
    .where('account_id', '=', target.accountId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
  await trx
    .insertInto('activation_codes')
    .values({
      id,
      account_id: target.accountId,
      code_hash: codes.hash(`activation:${target.accountId}`, code),
      attempts: 0,
      created_at: now,
      expires_at: now + policy.activationCodeTtlMs,
      used_at: null,
    })
    .execute();
  await delivery.enqueue(trx, {
    channel: 'sms',
    recipient: target.phone,
    subject: null,
    body: `Cipherpad: your activation code is ${code}. Enter it in the app with your email. Never tell it to anyone.`,
  });
}
