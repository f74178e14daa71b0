/** How an account confirms its operations (PRODUCT.md flow 9). */
export type ConfirmationMethod = 'app' | 'sms' | 'none';

/** The operations a confirmation can be asked for (PRODUCT.md flows 9 and 11). */
export type Operation =
  | 'login'
  | 'payment'
  | 'personal-data'
  | 'security-settings'
  | 'trust-transfer'
  | 'merchant-payment'
  | 'credit-exchange'
  | 'trust-limit';

/** Every operation, in the order the settings list them (a new account confirms none). */
export const ALL_OPERATIONS: readonly Operation[] = Object.freeze([
  'login',
  'payment',
  'personal-data',
  'security-settings',
  'trust-transfer',
  'merchant-payment',
  'credit-exchange',
  'trust-limit',
]);

export const CONFIRMATION_METHODS: readonly ConfirmationMethod[] = Object.freeze([
  'app',
  'sms',
  'none',
]);

/** The account's confirmation settings, as the API shows them. */
export interface ConfirmationSettings {
  readonly method: ConfirmationMethod;
  readonly operations: readonly Operation[];
}

/** Reads the stored operations list; anything unknown is dropped, the order is the canonical one. */
export function parseOperations(stored: string): Operation[] {
  let list: unknown;
  try {
    list = JSON.parse(stored);
  } catch {
    return [];
  }
  return Array.isArray(list) ? ALL_OPERATIONS.filter((operation) => list.includes(operation)) : [];
}
