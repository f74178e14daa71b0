/** A login or payment waiting for the person's approval (docs/web-api.md, "The app's side"). */
export interface PendingRequest {
  /** The login id. */
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
    typeof r.expiresAt === 'number'
  );
}

const MATCH_NUMBER = /^[1-9][0-9]$/;

/** Reads the number a person typed from the site (two digits, 10 to 99); undefined otherwise. */
export function readMatchNumber(input: string): string | undefined {
  const digits = input.replace(/\s/g, '');
  return MATCH_NUMBER.test(digits) ? digits : undefined;
}
