/**
 * A mistake in how a command was called: a missing or malformed flag or argument.
 * The CLI prints its message on one line and exits with status 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
