/**
 * The base class of every error thrown by `@cipherpad/core`.
 *
 * Callers switch on {@link CipherpadError.code}, never on the message: codes are
 * stable and listed in `docs/errors.md`, messages may be reworded.
 *
 * @example
 * ```ts
 * try {
 *   parseOcraSuite('OCRA-1:HOTP-MD5-6:QN08');
 * } catch (error) {
 *   if (error instanceof CipherpadError && error.code === 'ERR_OCRA_SUITE_INVALID') {
 *     // tell the user the suite is not supported
 *   }
 * }
 * ```
 */
export class CipherpadError extends Error {
  /** A stable, documented code such as `ERR_OCRA_SUITE_INVALID`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CipherpadError';
    this.code = code;
  }
}
