import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * A refusal the client can act on: answered as HTTP {@link ERROR_CODES}[code].status
 * with the body `{ error: code, message, ...details }`.
 */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra fields for the response body (never secrets), e.g. `retryAfter`. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, message?: string) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'ServiceError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }
}
