/**
 * A failure of a command other than a usage mistake: a refusal from the server, a wrong PIN,
 * an unreadable QR code, a missing device. The CLI prints `cipherpad: <message> (<code>)` on
 * one line and exits with status 1.
 *
 * The code is stable: the server's own code (`ERR_CODE_INVALID`) for a refusal, a core code
 * (`ERR_QR_URI_INVALID`) for a bad QR request, or one of the CLI's (`ERR_PIN_WRONG`,
 * `ERR_QR_UNREADABLE`, `ERR_STATE_INVALID`, `ERR_SERVER_UNREACHABLE` …).
 *
 * @example
 * ```ts
 * throw new CliError('ERR_PIN_WRONG', 'wrong PIN');
 * ```
 */
export class CliError extends Error {
  /** A stable code such as `ERR_PIN_WRONG`; scripts switch on it, never on the message. */
  readonly code: string;
  /** The HTTP status, when the server refused. */
  readonly status: number | undefined;
  /** Further fields of the server's error body (`attemptsLeft`, `retryAfter` …). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.status = options.status;
    this.details = options.details ?? {};
  }
}
