import {
  CipherpadError,
  canonicalAmount,
  formatPurse,
  normalizeChallenge,
  parsePurse,
  type ResponseRequest,
} from '@cipherpad/core';

/** What a person typed on the Authorization or the Payment screen. */
export type TypedRequest =
  | { readonly mode: 'authorization'; readonly challenge: string }
  | {
      readonly mode: 'payment';
      readonly challenge: string;
      readonly amount: string;
      readonly purse: string;
    };

/** A field of the answer screens. */
export type RequestField = 'challenge' | 'amount' | 'purse';

/** The outcome of reading typed input: the request, or which fields are wrong and why. */
export type ReadRequestResult =
  | { readonly ok: true; readonly request: ResponseRequest }
  | {
      readonly ok: false;
      /** Each wrong field with its core error code (`ERR_CHALLENGE_FORMAT`, …). */
      readonly errors: Readonly<Partial<Record<RequestField, string>>>;
    };

/**
 * Reads what a person typed into a request for `computeResponse`, normalized as the CLI does:
 * the challenge without spaces and dashes (docs/protocol.md, "Challenges"), the amount in
 * canonical form after trimming, the purse upper case without spaces.
 *
 * @example
 * ```ts
 * readRequest({ mode: 'authorization', challenge: '1234-5678' });
 * // { ok: true, request: { mode: 'authorization', challenge: '12345678' } }
 * ```
 */
export function readRequest(typed: TypedRequest): ReadRequestResult {
  const errors: Partial<Record<RequestField, string>> = {};
  const challenge = check('challenge', typed.challenge, normalizeChallenge, errors);
  if (typed.mode === 'authorization') {
    return challenge === undefined
      ? { ok: false, errors }
      : { ok: true, request: { mode: 'authorization', challenge } };
  }
  const amount = check('amount', typed.amount.trim(), canonicalAmount, errors);
  const purse = check('purse', typed.purse, (p) => formatPurse(parsePurse(p)), errors);
  if (challenge === undefined || amount === undefined || purse === undefined) {
    return { ok: false, errors };
  }
  return { ok: true, request: { mode: 'payment', challenge, amount, purse } };
}

function check(
  field: RequestField,
  value: string,
  normalize: (value: string) => string,
  errors: Partial<Record<RequestField, string>>,
): string | undefined {
  try {
    return normalize(value);
  } catch (error) {
    if (!(error instanceof CipherpadError)) throw error;
    errors[field] = error.code;
    return undefined;
  }
}

/**
 * Whether a challenge field holds 8 digits once spaces and dashes are gone, so the answer
 * screen can compute the response as soon as the eighth digit is typed.
 */
export function isCompleteChallenge(input: string): boolean {
  try {
    normalizeChallenge(input);
    return true;
  } catch {
    return false;
  }
}
