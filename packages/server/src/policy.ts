/**
 * The security rules of PRODUCT.md as numbers. One object, so tests can
 * tighten or relax a limit without reaching into the code that enforces it.
 */
export interface Policy {
  /** A challenge lives at most this long (PRODUCT.md: at most 5 minutes). */
  readonly challengeTtlMs: number;
  /** Wrong responses one challenge accepts before it closes. */
  readonly challengeMaxAttempts: number;
  /** Consecutive failures that block an account for a while. */
  readonly failuresBeforeBlock: number;
  /** How long each successive block lasts; one more block than listed locks the account. */
  readonly blockDurationsMs: readonly number[];
  /**
   * A session's absolute lifetime: it ends this long after sign-in however
   * active it is (NIST SP 800-63B §4.2.3: reauthenticate at least once per
   * 12 hours of extended use).
   */
  readonly sessionTtlMs: number;
  /**
   * A session ends after this long without a request the person caused
   * (PSD2 RTS Art. 4(3)(d): at most 5 minutes of inactivity after
   * authentication); `CIPHERPAD_SESSION_IDLE_SECONDS` sets it.
   */
  readonly sessionIdleMs: number;
  readonly emailCodeTtlMs: number;
  readonly phoneCodeTtlMs: number;
  /** Wrong email and phone codes, together, before a registration closes. */
  readonly registrationMaxAttempts: number;
  readonly activationCodeTtlMs: number;
  readonly activationMaxAttempts: number;
  /** An activation code shown in a QR code lives this long. */
  readonly activationQrTtlMs: number;
  /** An activation QR code can be asked for this long after a registration completed. */
  readonly registrationQrWindowMs: number;
  /** Per minute. */
  readonly registrationsPerIp: number;
  readonly registrationsPerAddress: number;
  readonly activationsPerIp: number;
  /** Confirmation changes an account may start per minute (each may send an SMS). */
  readonly confirmationChangesPerAccount: number;
  /**
   * A confirmed device operation (showing an activation code, deactivating a
   * device) must be used this long after its confirmation, or it lapses.
   */
  readonly confirmedOperationTtlMs: number;
  /**
   * How long after its creation a confirmation for an email without an
   * account can be kept open while the person registers inline (flow 3).
   */
  readonly confirmationRegistrationWindowMs: number;
  /** An Idempotency-Key's first answer is kept this long. */
  readonly idempotencyKeyTtlMs: number;
  /** A code sent by SMS for one operation lives this long (flow 14). */
  readonly smsConfirmationTtlMs: number;
  /** A webhook is retried, with growing waits, for this long after the change it reports. */
  readonly webhookRetryForMs: number;
  /**
   * Wrong login responses one client address may give per
   * `wrongAnswersWindowMs` before its verifies are refused (lockout abuse).
   */
  readonly wrongAnswersPerIp: number;
  readonly wrongAnswersWindowMs: number;
  /**
   * Expired sessions and login challenges are deleted this long after they
   * expired (retention/prune-expired.ts); until then a late request gets
   * "expired" rather than "not found".
   */
  readonly retainExpiredMs: number;
}

const MINUTE = 60_000;

export const defaultPolicy: Policy = Object.freeze({
  challengeTtlMs: 5 * MINUTE,
  challengeMaxAttempts: 3,
  failuresBeforeBlock: 5,
  blockDurationsMs: Object.freeze([1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 120 * MINUTE]),
  sessionTtlMs: 12 * 60 * MINUTE,
  sessionIdleMs: 5 * MINUTE,
  emailCodeTtlMs: 24 * 60 * MINUTE,
  phoneCodeTtlMs: 30 * MINUTE,
  registrationMaxAttempts: 5,
  activationCodeTtlMs: 24 * 60 * MINUTE,
  activationMaxAttempts: 5,
  activationQrTtlMs: 10 * MINUTE,
  registrationQrWindowMs: 60 * MINUTE,
  registrationsPerIp: 10,
  registrationsPerAddress: 3,
  activationsPerIp: 20,
  confirmationChangesPerAccount: 5,
  confirmedOperationTtlMs: 2 * MINUTE,
  confirmationRegistrationWindowMs: 30 * MINUTE,
  idempotencyKeyTtlMs: 24 * 60 * MINUTE,
  smsConfirmationTtlMs: 5 * MINUTE,
  webhookRetryForMs: 24 * 60 * MINUTE,
  wrongAnswersPerIp: 20,
  wrongAnswersWindowMs: 10 * MINUTE,
  retainExpiredMs: 24 * 60 * MINUTE,
});
