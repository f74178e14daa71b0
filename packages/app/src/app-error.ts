/**
 * The error the app's own logic throws. Like the service's and the core's errors it carries a
 * stable `code`; the screens turn codes into messages in the person's language
 * (`i18n/error-message.ts`), never the English `message`.
 */
export class AppError extends Error {
  /** A stable code: the service's (`ERR_ACTIVATION_FAILED`), the core's or the app's own. */
  readonly code: string;
  /** The HTTP status, for refusals of the service. */
  readonly status: number | undefined;
  /** Extra fields of the refusal, such as `attemptsLeft` or `retryAfter`. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status;
    this.details = options.details ?? {};
  }
}

/** The stable code of any thrown value: its `code` when it has one, else `ERR_UNKNOWN`. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error as { code: unknown };
    if (typeof code === 'string' && code.startsWith('ERR_')) return code;
  }
  return 'ERR_UNKNOWN';
}
