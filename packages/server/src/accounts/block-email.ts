/** The subject and text of an email. */
export interface EmailText {
  readonly subject: string;
  readonly body: string;
}

/** What the block or lock email says of the block that was just set. */
export interface BlockNotice {
  /** How long typed responses and codes are refused; null when the account is locked. */
  readonly durationMs: number | null;
  /** Failures in a row that set a block (`policy.failuresBeforeBlock`). */
  readonly failuresBeforeBlock: number;
  /** Temporary blocks left before the failures lock the account. */
  readonly blocksBeforeLock: number;
}

// What the owner can do today, with the service as it is: an online approval
// is accepted during a block and after a lock from failures, and ends either
// (docs/security.md); without a device, only the operator can help.
const NO_DEVICE = 'If no activated device is left, contact the operator of this Cipherpad service.';
const NOT_YOU = 'If this was not you, someone may be trying to sign in as you.';

/**
 * The email the owner gets when failed attempts block or lock the account
 * (PSD2 RTS Art. 4(4): the payer is alerted before the block becomes
 * permanent): how long, what still works, and how many blocks remain.
 *
 * @example
 * ```ts
 * blockEmail({ durationMs: 60_000, failuresBeforeBlock: 5, blocksBeforeLock: 3 }).body;
 * // 'After 5 failed sign-in attempts your Cipherpad account is blocked for 1 minute…'
 * ```
 */
export function blockEmail(notice: BlockNotice): EmailText {
  if (notice.durationMs === null) {
    return {
      subject: 'Your Cipherpad account is locked',
      body: [
        'After repeated failed sign-in attempts your Cipherpad account is locked for typed responses and codes.',
        'To unlock it, approve a sign-in online in the Cipherpad app on one of your activated devices.',
        NO_DEVICE,
        NOT_YOU,
      ].join('\n'),
    };
  }
  const remaining = notice.blocksBeforeLock;
  return {
    subject: 'Your Cipherpad account is blocked for a while',
    body: [
      `After ${notice.failuresBeforeBlock} failed sign-in attempts your Cipherpad account is blocked for ${formatDuration(notice.durationMs)}: typed responses and codes are refused until then.`,
      'Wait until the block ends, or sign in at once by approving the sign-in online in the Cipherpad app on one of your activated devices: that ends the block.',
      NO_DEVICE,
      remaining === 0
        ? `The next ${notice.failuresBeforeBlock} failed attempts will lock typed responses and codes until you approve a sign-in online in the app.`
        : `After ${plural(remaining, 'more block', 'more blocks')}, failed attempts will lock typed responses and codes until you approve a sign-in online in the app.`,
      NOT_YOU,
    ].join('\n'),
  };
}

/** "1 minute", "5 minutes", "2 hours", "90 minutes". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, 'hour', 'hours');
  return plural(minutes, 'minute', 'minutes');
}

function plural(n: number, one: string, other: string): string {
  return `${n} ${n === 1 ? one : other}`;
}
