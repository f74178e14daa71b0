import type { Generated } from 'kysely';

/**
 * The tables of the Cipherpad service, as the typed query layer sees them.
 *
 * Times are integer milliseconds since the Unix epoch in both dialects (a
 * PostgreSQL `bigint`, parsed back to a number). Identifiers are random
 * base64url strings made by {@link newId}.
 */
export interface Database {
  accounts: AccountTable;
  registrations: RegistrationTable;
  activation_codes: ActivationCodeTable;
  devices: DeviceTable;
  challenges: ChallengeTable;
  sessions: SessionTable;
  outbox: OutboxTable;
  rate_limits: RateLimitTable;
  audit_events: AuditEventTable;
  device_request_signatures: DeviceRequestSignatureTable;
  confirmation_changes: ConfirmationChangeTable;
  sites: SiteTable;
  site_consents: SiteConsentTable;
  confirmations: ConfirmationTable;
  idempotency_keys: IdempotencyKeyTable;
  webhook_deliveries: WebhookDeliveryTable;
  sms_confirmations: SmsConfirmationTable;
}

export type AccountStatus = 'active' | 'locked';

/** What locked an account that an online approval may unlock (see `AccountTable.locked_by`). */
export type LockCause = 'failures';

export interface AccountTable {
  id: string;
  email: string;
  phone: string;
  status: AccountStatus;
  /** Consecutive failed authentications since the last success or block. */
  failed_attempts: number;
  /** How many temporary blocks the account has had since its last success. */
  block_level: number;
  blocked_until: number | null;
  /**
   * Why a `locked` account is locked: `failures` (typed responses or codes ran
   * it through every block; an online approval from one of its devices lifts
   * it), or null (only an operator or recovery lifts it).
   */
  locked_by: LockCause | null;
  created_at: number;
  /** `app`, `sms` or `none` (see `accounts/confirmable-operations.ts`). */
  confirmation_method: Generated<string>;
  /** JSON array of the operations that need a confirmation. */
  confirmation_operations: Generated<string>;
}

export interface RegistrationTable {
  id: string;
  email: string;
  phone: string;
  email_code_hash: string;
  email_token_hash: string;
  email_verified_at: number | null;
  phone_code_hash: string;
  phone_verified_at: number | null;
  /** Wrong codes entered, email and phone together. */
  attempts: number;
  account_id: string | null;
  created_at: number;
  email_expires_at: number;
  phone_expires_at: number;
}

export interface ActivationCodeTable {
  id: string;
  account_id: string;
  code_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /** `sms` (sent by SMS) or `qr` (shown in an activation QR code). */
  channel: Generated<ActivationCodeChannel>;
}

export type ActivationCodeChannel = 'sms' | 'qr';

export type DeviceStatus = 'active' | 'deactivated';

export interface DeviceTable {
  id: string;
  account_id: string;
  name: string;
  kind: string;
  /** The OCRA key, AES-256-GCM under the master key (see `crypto/secret-box.ts`). */
  ocra_key_enc: string;
  signing_public_key: string;
  status: DeviceStatus;
  created_at: number;
}

export type ChallengeMode = 'authorization' | 'payment';
/**
 * `pending` until answered; `approved` by a device online, waiting for the
 * site to redeem it; `used` once it opened a session or applied a change;
 * `failed` after too many wrong answers; `denied` by the person in the app.
 */
export type ChallengeStatus = 'pending' | 'approved' | 'used' | 'failed' | 'denied';

export interface ChallengeTable {
  id: string;
  /** Null for a decoy: a login started for an email with no account. */
  account_id: string | null;
  purpose: string;
  mode: ChallengeMode;
  challenge: string;
  amount: string | null;
  purse: string | null;
  currency: string | null;
  status: ChallengeStatus;
  attempts: number;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  /** Two digits (10–99) the person types into the app to approve online; null on older rows. */
  match_number: string | null;
  /** SHA-256 (base64url) of the wait token only the starting site holds. */
  wait_token_hash: string | null;
  /** Where the challenge was asked for. */
  ip: string | null;
  /** Display name of the asking site; null for the security site. */
  site: string | null;
  /** The device that approved it online. */
  approved_by: string | null;
}

export interface SessionTable {
  id: string;
  /** SHA-256 of the token's secret part (sessions/session-token.ts). */
  secret_hash: string;
  account_id: string;
  device_id: string | null;
  ip: string;
  created_at: number;
  expires_at: number;
  /**
   * When the session's person last made a request, as last recorded: null
   * until the first refresh (then `created_at` counts). Refreshed only when
   * older than a tenth of the idle time (sessions/session-activity.ts).
   */
  last_seen_at: number | null;
}

/**
 * Messages to send, written in the same transaction as the change that causes
 * them (the transactional outbox pattern). With a real transport the
 * dispatcher sends and deletes them; with the `outbox` transport they stay
 * here, readable in development, until they are a day old.
 */
export interface OutboxTable {
  id: Generated<number>;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body: string;
  status: 'pending' | 'sending' | 'kept' | 'failed';
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

export interface RateLimitTable {
  key: string;
  window_start: number;
  count: number;
}

export interface AuditEventTable {
  id: Generated<number>;
  account_id: string | null;
  type: string;
  ip: string | null;
  device_id: string | null;
  details: string | null;
  created_at: number;
}

/**
 * Signed device requests already accepted, kept until their timestamp leaves
 * the accepted window, so a replay is refused by every instance.
 */
export interface DeviceRequestSignatureTable {
  /** SHA-256 (base64url) of the device id and the signed text. */
  key: string;
  expires_at: number;
}

/**
 * `applied`: a settings change made. An operation confirmed for later
 * (`show-activation`, `deactivate-device`) is `confirmed` until the
 * operation uses it (`used`) or it expires.
 */
export type ConfirmationChangeStatus = 'pending' | 'applied' | 'confirmed' | 'used' | 'failed';

/**
 * An account operation waiting for the person's confirmation: a change of
 * the confirmation settings, or an operation on the devices
 * (confirmation-settings/account-operation.ts). Its id is that of its
 * challenge when confirmed with the app.
 */
export interface ConfirmationChangeTable {
  id: string;
  account_id: string;
  channel: 'app' | 'sms';
  method: string;
  /** JSON array of operations. */
  operations: string;
  /** HMAC of the SMS code (channel `sms`). */
  code_hash: string | null;
  /** Wrong SMS codes (channel `sms`; the app channel counts on its challenge). */
  attempts: number;
  status: ConfirmationChangeStatus;
  created_at: number;
  /** Pending: the end of the confirmation; confirmed: the end of the time to use it. */
  expires_at: number;
  completed_at: number | null;
  /** `settings`, `show-activation` or `deactivate-device`. */
  operation: Generated<string>;
  /** What the operation acts on: the device id of `deactivate-device`. */
  target: string | null;
}

/** A relying site (docs/confirmation-api.md). Its id is the client id. */
export interface SiteTable {
  id: string;
  name: string;
  /** SHA-256 (base64url) of the client secret. */
  secret_hash: string;
  webhook_url: string | null;
  /** The webhook secret, sealed under the master key (`crypto/secret-box.ts`). */
  webhook_secret_enc: string | null;
  status: 'active' | 'removed';
  created_at: number;
}

/** A person's consent to be asked for confirmations by a site. */
export interface SiteConsentTable {
  account_id: string;
  site_id: string;
  created_at: number;
}

export type ConfirmationKind = 'login' | 'operation' | 'payment';
export type ConfirmationStatus = 'pending' | 'confirmed' | 'denied' | 'expired' | 'failed';

/**
 * A confirmation asked for by a site. Its id is that of its challenge row
 * (purpose `confirmation`), which holds the account, the challenge, the
 * payment's amount, purse and currency, the attempts and the expiry.
 */
export interface ConfirmationTable {
  id: string;
  site_id: string;
  /** The email the site asked for, normalized. */
  email: string;
  kind: ConfirmationKind;
  operation_name: string | null;
  description: string | null;
  note: string | null;
  status: ConfirmationStatus;
  /** `response` (typed or scanned) or `approval` (online). */
  method: 'response' | 'approval' | null;
  device_id: string | null;
  created_at: number;
  completed_at: number | null;
}

/** The first answer to a site's request with an `Idempotency-Key`, kept 24 h. */
export interface IdempotencyKeyTable {
  site_id: string;
  key: string;
  request_hash: string;
  /** The answer's JSON, without secrets (the confirm page's token is derived again). */
  answer: string;
  created_at: number;
  expires_at: number;
}

/**
 * Webhook calls to make, written in the same transaction as the change of
 * status they report; the dispatcher delivers them at least once.
 */
export interface WebhookDeliveryTable {
  id: string;
  site_id: string;
  confirmation_id: string;
  type: string;
  body: string;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  delivered_at: number | null;
}

/** An operation confirmed by a code sent by SMS, without an account (PRODUCT.md flow 14). */
export interface SmsConfirmationTable {
  id: string;
  site_id: string;
  phone: string;
  kind: 'operation' | 'payment';
  operation_name: string | null;
  description: string | null;
  amount: string | null;
  currency: string | null;
  purse: string | null;
  note: string | null;
  code_hash: string;
  attempts: number;
  status: 'pending' | 'confirmed' | 'failed';
  created_at: number;
  expires_at: number;
  completed_at: number | null;
}
