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
 * A synchronous SHA-256, for platforms that have one (on Node.js,
 * `(data) => createHash('sha256').update(data).digest()`): Web Crypto's
 * `digest` answers through a promise and, on Node.js, a worker thread, which
 * costs more than the hash itself when a server checks many responses.
 */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/**
 * Computes the question of a Payment-mode response (suite `PAYMENT_SUITE`): the lowercase hex
 * SHA-256 of the UTF-8 string `cipherpad-payment-v1:<challenge>:<amount>:<purse number>`, where
 * the challenge is 8 digits, the amount is in canonical form (`canonicalAmount`) and the purse
 * is its 12 digits without the letter. Changing the challenge, the amount or the purse changes
 * the question, and so the response; `1,50`, `1.5` and `001.500` give the same question.
 *
 * @param sha256 - A synchronous SHA-256 to use instead of Web Crypto's (see {@link Sha256});
 * the question is the same either way.
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
export async function paymentQuestion(payment: PaymentData, sha256?: Sha256): Promise<string> {
  const challenge = normalizeChallenge(payment.challenge);
  const amount = canonicalAmount(payment.amount);
  const purse = parsePurse(payment.purse).number;
  const data = new TextEncoder().encode(`${DOMAIN}:${challenge}:${amount}:${purse}`);
  const digest = sha256
    ? sha256(data)
    : new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data));
  return bytesToHex(digest);
}
