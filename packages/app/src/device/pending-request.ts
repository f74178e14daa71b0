/**
 * The named operations a relying site can ask to confirm (docs/web-api.md, "Confirmation
 * settings"), besides a login and a payment.
 */
export const OPERATION_NAMES = [
  'login',
  'payment',
  'personal-data',
  'security-settings',
  'trust-transfer',
  'merchant-payment',
  'credit-exchange',
  'trust-limit',
] as const;

/** One of {@link OPERATION_NAMES}. */
export type OperationName = (typeof OPERATION_NAMES)[number];

/** What a relying site asks to confirm (docs/confirmation-api.md, "Confirmations"). */
export interface RequestOperation {
  readonly type: 'login' | 'operation' | 'payment';
  /** For `type: 'operation'`: which one; a name this app does not know is shown as sent. */
  readonly name?: string;
  /** The site's own words about the operation (at most 200 characters). */
  readonly description?: string;
  /**
   * A change of the account's confirmation settings (docs/web-api.md, "The app's side"): the
   * method and the operations it asks for, so the person sees what changes.
   */
  readonly settings?: RequestedSettings;
}

/** The confirmation settings a settings change asks for. */
export interface RequestedSettings {
  /** `app`, `sms` or `none`; a method this app does not know is shown as sent. */
  readonly method: string;
  /** The operations to confirm from now on (names as in {@link OPERATION_NAMES}). */
  readonly operations: readonly string[];
}

/** A login or payment waiting for the person's approval (docs/web-api.md, "The app's side"). */
export interface PendingRequest {
  /** The login or confirmation id. */
  readonly id: string;
  readonly kind: 'login' | 'payment';
  /** The 8-digit challenge. */
  readonly challenge: string;
  /** The asking site's display name; null for the security site itself. */
  readonly site: string | null;
  /** Where the login was started. */
  readonly ip: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly payment?: {
    readonly amount: string;
    readonly purse: string;
    readonly currency?: string;
  };
  /** For a relying site's confirmation: what it asks for. */
  readonly operation?: RequestOperation;
  /** For a payment: the note to the recipient. */
  readonly note?: string;
  /** The person has not yet allowed this site to ask: approving also records the consent. */
  readonly firstTime?: boolean;
}

const optional = (value: unknown, type: 'string' | 'boolean') =>
  value === undefined || value === null || typeof value === type;

function isSettings(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null) return false;
  const settings = value as Record<string, unknown>;
  return (
    typeof settings.method === 'string' &&
    Array.isArray(settings.operations) &&
    settings.operations.every((op) => typeof op === 'string')
  );
}

function isOperation(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'object') return false;
  const op = value as Record<string, unknown>;
  return (
    (op.type === 'login' || op.type === 'operation' || op.type === 'payment') &&
    optional(op.name, 'string') &&
    optional(op.description, 'string') &&
    isSettings(op.settings)
  );
}

/** Whether a value from the service has the shape of a {@link PendingRequest}. */
export function isPendingRequest(value: unknown): value is PendingRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    (r.kind === 'login' || r.kind === 'payment') &&
    typeof r.challenge === 'string' &&
    (r.site === null || typeof r.site === 'string') &&
    typeof r.expiresAt === 'number' &&
    isOperation(r.operation) &&
    optional(r.note, 'string') &&
    optional(r.firstTime, 'boolean')
  );
}

const MATCH_NUMBER = /^[1-9][0-9]$/;

/** Reads the number a person typed from the site (two digits, 10 to 99); undefined otherwise. */
export function readMatchNumber(input: string): string | undefined {
  const digits = input.replace(/\s/g, '');
  return MATCH_NUMBER.test(digits) ? digits : undefined;
}
