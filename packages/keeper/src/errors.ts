/** Every code the keeper answers with, its HTTP status and default message. */
export const KEEPER_ERRORS = {
  ERR_VALIDATION: { status: 400, message: 'The request is malformed.' },
  ERR_AMOUNT_INVALID: {
    status: 400,
    message: 'The amount must be greater than zero, with at most 2 decimals.',
  },
  ERR_PURSE_INVALID: { status: 400, message: 'A purse is a letter and 12 digits.' },
  ERR_EMAIL_INVALID: { status: 400, message: 'The email address is not valid.' },
  ERR_PHONE_INVALID: { status: 400, message: 'The phone number is not valid.' },
  ERR_PURSE_NOT_FOUND: { status: 404, message: 'No purse has this number.' },
  ERR_CURRENCY_MISMATCH: {
    status: 400,
    message: 'The recipient purse holds another currency.',
  },
  ERR_SAME_PURSE: { status: 400, message: 'A purse cannot pay itself.' },
  ERR_INSUFFICIENT_FUNDS: { status: 409, message: 'The purse does not hold enough money.' },
  ERR_IDEMPOTENCY_CONFLICT: {
    status: 409,
    message: 'This idempotency key was used for another transfer.',
  },
  ERR_TRANSFER_NOT_FOUND: { status: 404, message: 'No such transfer.' },
  ERR_TRANSFER_CLOSED: {
    status: 409,
    message: 'The transfer is no longer waiting for a confirmation.',
  },
  ERR_NOT_SIGNED_IN: { status: 401, message: 'Sign in first.' },
  ERR_SESSION_IDLE: {
    status: 401,
    message: 'The session ended after a time without a request. Sign in again.',
  },
  ERR_CSRF: { status: 403, message: 'The CSRF token is missing or wrong.' },
  ERR_RATE_LIMITED_FAILURES: {
    status: 429,
    message: 'Too many wrong responses from this address. Try again later.',
  },
  ERR_LOGIN_NOT_FOUND: {
    status: 404,
    message: 'No such login, or it was started in another browser.',
  },
  ERR_CHANGE_NOT_FOUND: { status: 404, message: 'No such settings change.' },
  ERR_NOT_CONFIGURED: {
    status: 503,
    message: 'The keeper has no Cipherpad credentials yet (see docs/keeper.md).',
  },
  ERR_CIPHERPAD_UNAVAILABLE: { status: 502, message: 'Cipherpad did not answer; try again.' },
  ERR_WEBHOOK_SIGNATURE: { status: 401, message: 'The webhook signature is missing or wrong.' },
  ERR_NOT_FOUND: { status: 404, message: 'Nothing here.' },
  ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'This path does not take this method: see the Allow header.',
  },
  ERR_URL_INVALID: { status: 400, message: 'The URL is not validly percent-encoded UTF-8.' },
  ERR_URI_TOO_LONG: { status: 414, message: 'A part of the URL is too long.' },
  ERR_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },
  ERR_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON.' },
  ERR_INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const;

/** A code of the keeper's own. */
export type KeeperErrorCode = keyof typeof KEEPER_ERRORS;

/**
 * A refusal with a stable code. The keeper's own codes come from
 * {@link KEEPER_ERRORS}; a refusal of Cipherpad's (a wrong response, an
 * expired challenge, consent required…) is passed on with Cipherpad's code,
 * status and details, so the pages can say exactly what happened.
 */
export class KeeperError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: KeeperErrorCode | string,
    options: { status?: number; message?: string; details?: Record<string, unknown> } = {},
  ) {
    const known = (KEEPER_ERRORS as Record<string, { status: number; message: string }>)[code];
    super(options.message ?? known?.message ?? code);
    this.name = 'KeeperError';
    this.code = code;
    this.status = options.status ?? known?.status ?? 400;
    this.details = options.details ?? {};
  }
}
