import { normalizeChallenge } from '../formats/challenge.js';
import { type PaymentData, paymentQuestion, type Sha256 } from '../formats/payment-question.js';
import { AUTHORIZATION_SUITE, PAYMENT_SUITE } from '../formats/suites.js';
import { generateOcra } from '../ocra/generate-ocra.js';
import type { HmacKey } from '../ocra/hmac-key.js';

/**
 * What a response answers: a plain challenge (Authorization mode), or a
 * challenge bound to a payment's amount and recipient purse (Payment mode).
 */
export type ResponseRequest =
  | { readonly mode: 'authorization'; readonly challenge: string }
  | ({ readonly mode: 'payment' } & Readonly<PaymentData>);

/** How {@link computeResponse} may compute, where the platform offers faster primitives. */
export interface ComputeResponseOptions {
  /** A synchronous SHA-256 for Payment mode's question (see {@link Sha256}). */
  readonly sha256?: Sha256;
}

/**
 * Computes the 8-digit response of a device key to a request, as the phone
 * app, the CLI and the service all do (docs/protocol.md, "Responses").
 *
 * @example
 * ```ts
 * const login = await computeResponse(key, { mode: 'authorization', challenge: '12345678' });
 * const pay = await computeResponse(key, {
 *   mode: 'payment', challenge: '12345678', amount: '10,50', purse: 'Z123456789012',
 * });
 * ```
 */
export async function computeResponse(
  key: Uint8Array | CryptoKey | HmacKey,
  request: ResponseRequest,
  options: ComputeResponseOptions = {},
): Promise<string> {
  if (request.mode === 'payment') {
    const question = await paymentQuestion(request, options.sha256);
    return generateOcra(PAYMENT_SUITE, key, { question });
  }
  return generateOcra(AUTHORIZATION_SUITE, key, {
    question: normalizeChallenge(request.challenge),
  });
}
