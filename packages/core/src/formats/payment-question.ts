import { bytesToHex } from '../util/hex.js';
import { canonicalAmount } from './amount.js';
import { normalizeChallenge } from './challenge.js';
import { parsePurse } from './purse.js';

/** What a Payment-mode response is bound to. */
export interface PaymentData {
  /** The 8-digit challenge; spaces and dashes are allowed as in `normalizeChallenge`. */
  challenge: string;
  /** The amount, with `.` or `,` as the separator; bound in its canonical form. */
  amount: string;
  /** The recipient's purse, with or without its letter; only the 12 digits are bound. */
  purse: string;
}

const DOMAIN = 'cipherpad-payment-v1';

/**
 * Computes the question of a Payment-mode response (suite `PAYMENT_SUITE`): the lowercase hex
 * SHA-256 of the UTF-8 string `cipherpad-payment-v1:<challenge>:<amount>:<purse number>`, where
 * the challenge is 8 digits, the amount is in canonical form (`canonicalAmount`) and the purse
 * is its 12 digits without the letter. Changing the challenge, the amount or the purse changes
 * the question, and so the response; `1,50`, `1.5` and `001.500` give the same question.
 *
 * @throws {CipherpadError} `ERR_CHALLENGE_FORMAT`, `ERR_AMOUNT_INVALID` or `ERR_PURSE_INVALID`
 * when a field is malformed.
 * @example
 * ```ts
 * const question = await paymentQuestion({
 *   challenge: '12345678',
 *   amount: '1,50',
 *   purse: 'Z123456789012',
 * }); // 64 lowercase hex characters
 * ```
 */
export async function paymentQuestion(payment: PaymentData): Promise<string> {
  const challenge = normalizeChallenge(payment.challenge);
  const amount = canonicalAmount(payment.amount);
  const purse = parsePurse(payment.purse).number;
  const data = new TextEncoder().encode(`${DOMAIN}:${challenge}:${amount}:${purse}`);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data));
  return bytesToHex(digest);
}
