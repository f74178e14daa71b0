/** Codes the site itself gives to failures that are not the service's answers. */
export type ClientErrorCode = 'ERR_NETWORK' | 'ERR_BAD_RESPONSE';

/**
 * A refusal of the service (`{ error, message, ...details }`), or a client
 * failure: no answer (`ERR_NETWORK`) or an answer that is not Cipherpad JSON
 * (`ERR_BAD_RESPONSE`). Pages switch on `code`, never on the message.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, status: number, details: Record<string, unknown> = {}) {
    super(code);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}
